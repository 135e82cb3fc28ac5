// EVPN over VXLAN: the rendered FRR config (FRR's own parser, vtysh -C, accepts every router
// of the example), the kernel devices each leaf gets, resolution and its refusals at
// file:line:col, the evpn-vni check, and the parser of FRR 8.4's `show evpn vni detail json`
// (captured on this machine).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { interfaceSteps } from "../../src/core/lifecycle/interfaces.js";
import { findNode, type Lab, type NodeModel } from "../../src/core/model.js";
import { checkFrrConfigsBatched } from "../../src/stacks/frr/check-many.js";
import { protocolsFor } from "../../src/stacks/frr/daemons.js";
import { parseEvpnVnis } from "../../src/stacks/frr/evpn.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import { loadTopology } from "../../src/topology/load.js";
import { lab, refused } from "./topo-helpers.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";
const example = fileURLToPath(new URL("../../examples/evpn-vxlan.yml", import.meta.url));

function node(l: Lab, name: string): NodeModel {
  const n = findNode(l, name);
  assert.ok(n, `node ${name}`);
  return n;
}

/** The lines of the rendered config from `from` (its last occurrence) up to the next `!`. */
function lastBlock(text: string, from: string): string[] {
  const lines = text.split("\n");
  const i = lines.lastIndexOf(from);
  assert.ok(i >= 0, `${from} in\n${text}`);
  return lines.slice(i, lines.indexOf("!", i + 2));
}

/** A two-leaf lab over one spine (eBGP underlay on the links), with `leaf1`'s settings replaceable. */
function twoLeaves(opts: { l1?: string; l2?: string; s1?: string; extra?: string } = {}): string {
  return `name: t
nodes:
  s1:
    interfaces: { lo: { ip: 10.255.0.1/32 } }
${opts.s1 ?? "    bgp: { asn: 65000, evpn: true, advertise-loopbacks: true, neighbors: [l1, l2] }"}
  l1:
    interfaces: { lo: { ip: 10.255.0.11/32 } }
${opts.l1 ?? "    bgp: { asn: 65001, evpn: true, advertise-loopbacks: true, neighbors: [s1] }\n    vxlan: { vni: 100, bridge-ports: [eth3] }"}
  l2:
    interfaces: { lo: { ip: 10.255.0.12/32 } }
${opts.l2 ?? "    bgp: { asn: 65002, evpn: true, advertise-loopbacks: true, neighbors: [s1] }\n    vxlan: { vni: 100, bridge-ports: [eth3] }"}
  h1: { kind: linux }
  h2: { kind: linux }
links:
  - [{ endpoint: s1:1, ip: 10.0.0.0/31 }, { endpoint: l1:1, ip: 10.0.0.1/31 }]
  - [{ endpoint: s1:2, ip: 10.0.0.2/31 }, { endpoint: l2:1, ip: 10.0.0.3/31 }]
  - [l1:eth3, { endpoint: h1:eth0, ip: 10.10.0.1/24 }]
  - [l2:eth3, { endpoint: h2:eth0, ip: 10.10.0.2/24 }]
${opts.extra ?? ""}`;
}

describe("rendered EVPN", () => {
  test("FRR accepts every router of evpn-vxlan.yml", { skip: skipNoFrr }, async () => {
    const l = await loadTopology(example);
    const routers = l.nodes.filter((n) => n.role === "router");
    const errors = await checkFrrConfigsBatched(routers.map((n) => renderFrrConfig(n)));
    assert.deepEqual(
      errors,
      routers.map(() => []),
    );
  });

  test("a leaf activates its neighbors in l2vpn evpn and advertises its VNIs", async () => {
    const l = await loadTopology(example);
    assert.deepEqual(lastBlock(renderFrrConfig(node(l, "l1")), "router bgp 65000"), [
      "router bgp 65000",
      " !",
      " address-family l2vpn evpn",
      "  neighbor 10.255.0.1 activate",
      "  neighbor 10.255.0.2 activate",
      "  advertise-all-vni",
      " exit-address-family",
    ]);
  });

  test("a spine reflects to its clients and advertises no VNI of its own", async () => {
    const l = await loadTopology(example);
    const text = renderFrrConfig(node(l, "s1"));
    assert.deepEqual(lastBlock(text, "router bgp 65000"), [
      "router bgp 65000",
      " !",
      " address-family l2vpn evpn",
      "  neighbor 10.255.0.11 activate",
      "  neighbor 10.255.0.11 route-reflector-client",
      "  neighbor 10.255.0.12 activate",
      "  neighbor 10.255.0.12 route-reflector-client",
      "  neighbor 10.255.0.13 activate",
      "  neighbor 10.255.0.13 route-reflector-client",
      " exit-address-family",
    ]);
    assert.doesNotMatch(text, /advertise-all-vni/);
  });

  test("per-neighbor evpn: only that session carries EVPN, and both ends must agree", { skip: skipNoFrr }, async () => {
    const l = lab(
      twoLeaves({
        s1: "    bgp: { asn: 65000, advertise-loopbacks: true, neighbors: [{ node: l1, evpn: true }, { node: l2, evpn: true }] }",
      }),
    );
    const text = renderFrrConfig(node(l, "s1"));
    assert.match(text, /^ {2}neighbor 10\.0\.0\.1 activate\n {2}neighbor 10\.0\.0\.3 activate\n exit-address-family$/m);
    assert.deepEqual(
      await checkFrrConfigsBatched(l.nodes.filter((n) => n.role === "router").map((n) => renderFrrConfig(n))),
      [[], [], []],
    );
    refused(
      twoLeaves({ s1: "    bgp: { asn: 65000, neighbors: [{ node: l1, evpn: true }, l2] }" }),
      "bgp: { asn: 65002",
      "EVPN is on l2's BGP session to s1 (10.0.0.2) but not on s1's end",
    );
  });

  test("only VTEPs wait for EVPN", async () => {
    const l = await loadTopology(example);
    assert.ok(protocolsFor(node(l, "l1")).includes("evpn"));
    assert.ok(!protocolsFor(node(l, "s1")).includes("evpn"));
  });
});

describe("EVPN devices in the leaf", () => {
  test("one bridge and one VXLAN device per VNI from the loopback; bridge ports enslaved", async () => {
    const l = await loadTopology(example);
    const steps = interfaceSteps(l, node(l, "l1"));
    const ip = steps.find((s) => s.type === "ip");
    assert.ok(ip && ip.type === "ip");
    const lines = ip.lines;
    for (const [vni, port] of [
      [10010, "3"],
      [10020, "4"],
    ] as const) {
      const add = lines.indexOf(`link add name br${vni} type bridge`);
      const vx = lines.indexOf(
        `link add name vxlan${vni} type vxlan id ${vni} local 10.255.0.11 dstport 4789 nolearning`,
      );
      const master = lines.indexOf(`link set dev vxlan${vni} master br${vni}`);
      const port1 = lines.indexOf(`link set dev ${port} master br${vni}`);
      assert.ok(add >= 0 && vx > add && master > vx && port1 > master, lines.join("\n"));
      assert.ok(lines.includes(`link set dev vxlan${vni} type bridge_slave learning off`));
      assert.ok(lines.indexOf(`link set dev ${port} up`) > port1);
    }
    // The host-facing ports carry no address.
    assert.ok(!lines.some((x) => / dev (3|4)$/.test(x) && x.startsWith("addr add")));
  });

  test("a spine and a host get no EVPN device", async () => {
    const l = await loadTopology(example);
    for (const n of ["s1", "h1"]) {
      const ip = interfaceSteps(l, node(l, n)).find((s) => s.type === "ip");
      assert.ok(ip && ip.type === "ip" && !ip.lines.some((x) => /vxlan|bridge/.test(x)));
    }
  });
});

describe("EVPN resolution", () => {
  test("remote VTEPs per VNI, subnets, one VNI or a list", async () => {
    const l = await loadTopology(example);
    const e1 = node(l, "l1").intents.evpn;
    assert.equal(e1?.vtep, "10.255.0.11");
    assert.deepEqual(
      e1?.vnis.map((v) => ({ vni: v.vni, ports: v.ports.map((p) => p.port), subnets: v.subnets, remotes: v.remotes })),
      [
        {
          vni: 10010,
          ports: ["3"],
          subnets: ["10.10.0.0/24"],
          remotes: [
            { node: "l2", vtep: "10.255.0.12" },
            { node: "l3", vtep: "10.255.0.13" },
          ],
        },
        { vni: 10020, ports: ["4"], subnets: ["10.20.0.0/24"], remotes: [{ node: "l3", vtep: "10.255.0.13" }] },
      ],
    );
    assert.deepEqual(node(l, "s1").intents.evpn, { vnis: [] });
    assert.equal(node(l, "h1").intents.evpn, undefined);
  });

  test("the IGP leaves bridge ports out without a note", async () => {
    const l = await loadTopology(example);
    assert.deepEqual(node(l, "l1").intents.ospf?.notes, []);
  });

  test("refusals at file:line:col", () => {
    const vx = (s: string) => `    bgp: { asn: 65001, evpn: true, neighbors: [s1] }\n    vxlan: ${s}`;
    refused(twoLeaves({ l1: vx("{ vni: 100, bridge-ports: [eth9] }") }), "eth9", "node 'l1' has no port 'eth9'");
    refused(twoLeaves({ l1: vx("{ vni: 100, bridge-ports: [ 1 ] }") }), "1 ]", "has an address (10.0.0.1/31)");
    refused(
      twoLeaves({ l1: vx("[{ vni: 100, bridge-ports: [eth3] }, { vni: 100 }]") }),
      "100 }",
      "VNI 100 is listed twice on l1",
    );
    refused(
      twoLeaves({ l1: vx("[{ vni: 100, bridge-ports: [eth3] }, { vni: 200, bridge-ports: [eth3] }]") }),
      "eth3] }]",
      "is a bridge port of VNI 100 already",
    );
    refused(twoLeaves({ l1: vx("{ vni: 100, vlan: 10, bridge-ports: [eth3] }") }), "vlan", "802.1Q");
    refused(twoLeaves({ l1: vx("{ vni: 100, l3-vni: true }") }), "l3-vni", "VRF devices");
    refused(twoLeaves({ l1: vx("{ vni: 100, vrf: red }") }), "vrf", "VRF devices");
    refused(
      twoLeaves({
        l1: "    vxlan: { vni: 100, bridge-ports: [eth3] }",
        s1: "    bgp: { asn: 65000, evpn: true, neighbors: [l2] }",
      }),
      "vxlan",
      "has VXLAN VNIs but no bgp settings",
    );
    refused(
      twoLeaves({ l1: "    bgp: { asn: 65001, neighbors: [s1] }\n    vxlan: { vni: 100, bridge-ports: [eth3] }" }),
      "vxlan",
      "none of its BGP neighbors carries EVPN",
    );
    refused(twoLeaves({ l1: "    bgp: { asn: 65001, evpn: true }" }), "true }", "has bgp.evpn but no BGP neighbor");
    // No loopback: the VTEP has no source address.
    refused(
      twoLeaves().replace("interfaces: { lo: { ip: 10.255.0.11/32 } }", "interfaces: { eth3: {} }"),
      "vxlan",
      "no IPv4 loopback address",
    );
    // One VNI, two meanings.
    refused(
      twoLeaves().replace("10.10.0.2/24", "10.99.0.2/24"),
      "vxlan#2",
      "VNI 100 means 10.10.0.0/24 on l1 but 10.99.0.0/24 on l2",
    );
  });

  test("BIRD nodes are refused: BIRD 2.0.12 has no EVPN", () => {
    refused(
      twoLeaves({
        l1: "    stack: bird\n    bgp: { asn: 65001, evpn: true, neighbors: [s1] }\n    vxlan: { vni: 100, bridge-ports: [eth3] }",
      }),
      "{ vni: 100, bridge-ports: [eth3] }",
      "BIRD 2.0.12 has no EVPN",
    );
    refused(
      twoLeaves({ s1: "    stack: bird\n    bgp: { asn: 65000, evpn: true, neighbors: [l1, l2] }" }),
      "true, neighbors: [l1, l2]",
      "BIRD 2.0.12 has no EVPN",
    );
  });

  test("a host cannot carry a VNI", () => {
    refused(
      twoLeaves({ extra: "" }).replace("h1: { kind: linux }", "h1: { kind: linux, vxlan: { vni: 100 } }"),
      "vxlan: { vni: 100 } }",
      "applies only to routers",
    );
  });
});

describe("evpn-vni check", () => {
  const withCheck = (c: string) => `${twoLeaves()}checks:\n  - evpn-vni: ${c}\n`;

  test("default: every other VTEP of the VNI; by count; by node; macs", () => {
    const spec = (c: string) => lab(withCheck(c)).checks?.[0]?.spec;
    assert.deepEqual(spec("{ node: l1, vni: 100 }"), {
      type: "evpn-vni",
      node: "l1",
      vni: 100,
      vteps: [{ label: "l2", address: "10.255.0.12" }],
    });
    assert.deepEqual(spec("{ node: l1, vni: 100, vteps: 1, macs: 2 }"), {
      type: "evpn-vni",
      node: "l1",
      vni: 100,
      vtepCount: 1,
      macs: 2,
    });
    assert.deepEqual(spec("{ node: l1, vni: 100, vteps: [l2, 10.255.0.99] }"), {
      type: "evpn-vni",
      node: "l1",
      vni: 100,
      vteps: [
        { label: "l2", address: "10.255.0.12" },
        { label: "10.255.0.99", address: "10.255.0.99" },
      ],
    });
  });

  test("refused: not a VTEP, unknown VNI, a node without the VNI", () => {
    refused(withCheck("{ node: s1, vni: 100 }"), "s1, vni", "s1 is not a VTEP");
    refused(withCheck("{ node: l1, vni: 7 }"), "7 }", "l1 has no VNI 7 (its VNIs: 100)");
    refused(withCheck("{ node: l1, vni: 100, vteps: [s1] }"), "s1] }#3", "s1 carries no VNI 100");
  });
});

describe("FRR's EVPN state", () => {
  test("show evpn vni detail json of FRR 8.4: remote VTEPs under numRemoteVteps", () => {
    const captured = [
      {
        vni: 10010,
        type: "L2",
        vrf: "default",
        vxlanInterface: "vxlan10010",
        vtepIp: "10.255.0.11",
        numMacs: 3,
        numArpNd: 3,
        numRemoteVteps: ["10.255.0.12", "10.255.0.13"],
      },
      { vni: 10020, type: "L2", vxlanInterface: "vxlan10020", numMacs: 0, numArpNd: 0, numRemoteVteps: 0 },
    ];
    assert.deepEqual(parseEvpnVnis(captured), [
      { vni: 10010, type: "L2", macs: 3, remoteVteps: ["10.255.0.12", "10.255.0.13"], vxlanIf: "vxlan10010" },
      { vni: 10020, type: "L2", macs: 0, remoteVteps: [], vxlanIf: "vxlan10020" },
    ]);
    // The keyed form (`show evpn vni json`) and a `remoteVteps` list of { ip }.
    assert.deepEqual(parseEvpnVnis({ "5": { type: "L2", numMacs: 1, remoteVteps: [{ ip: "192.0.2.1" }] } }), [
      { vni: 5, type: "L2", macs: 1, remoteVteps: ["192.0.2.1"] },
    ]);
    assert.deepEqual(parseEvpnVnis(null), []);
  });
});

describe("EVPN over BGP unnumbered", () => {
  test("bgp.evpn activates the interface neighbors; FRR accepts it", { skip: skipNoFrr }, async () => {
    const l = lab(`name: t
nodes:
  s1: { interfaces: { lo: { ip: 10.255.0.1/32 } }, bgp: { asn: 65000, evpn: true, advertise-loopbacks: true } }
  l1:
    interfaces: { lo: { ip: 10.255.0.11/32 } }
    bgp: { asn: 65001, evpn: true, advertise-loopbacks: true }
    vxlan: { vni: 100, bridge-ports: [eth3] }
  h1: { kind: linux }
links:
  - { endpoints: [s1:swp1, l1:swp1], bgp: { unnumbered: true } }
  - [l1:eth3, { endpoint: h1:eth0, ip: 10.10.0.1/24 }]
`);
    const text = renderFrrConfig(node(l, "l1"));
    assert.deepEqual(lastBlock(text, "router bgp 65001"), [
      "router bgp 65001",
      " !",
      " address-family l2vpn evpn",
      "  neighbor swp1 activate",
      "  advertise-all-vni",
      " exit-address-family",
    ]);
    assert.deepEqual(await checkFrrConfigsBatched([renderFrrConfig(node(l, "s1")), text]), [[], []]);
  });
});

describe("EVPN with automatic addressing", () => {
  test("a bridge port's link gets no pool address; the fabric's links do", () => {
    const l = lab(`name: t
defaults: { addressing: { p2p: 10.0.0.0/24, p2p6: "2001:db8::/56", loopback: 10.255.0.0/24 } }
nodes:
  s1: { bgp: { asn: 65000, evpn: true, advertise-loopbacks: true, neighbors: [l1] } }
  l1:
    bgp: { asn: 65001, evpn: true, advertise-loopbacks: true, neighbors: [s1] }
    vxlan: { vni: 100, bridge-ports: [eth3] }
  h1: { kind: linux }
links:
  - [s1:1, l1:1]
  - [l1:eth3, h1:eth0]
`);
    const l1 = node(l, "l1");
    assert.deepEqual(l1.ports.find((p) => p.name === "eth3")?.addresses, []);
    assert.equal(l1.ports.find((p) => p.name === "1")?.addresses.length, 2);
    assert.match(l1.intents.evpn?.vtep ?? "", /^10\.255\.0\./);
  });
});
