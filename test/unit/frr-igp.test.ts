// FRR and the IGP intents: the rendered ospf and isis configs (FRR's own parser, vtysh -C,
// accepts every router of both examples), the per-daemon split of interface lines, the lab
// timers, and the parsers of FRR 8.4's OSPF and IS-IS output (captured on this machine).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findNode, type Lab, type NodeModel } from "../../src/core/model.js";
import { checkFrrConfig } from "../../src/stacks/frr/check.js";
import { checkFrrConfigsBatched } from "../../src/stacks/frr/check-many.js";
import { daemonsFor } from "../../src/stacks/frr/daemons.js";
import {
  parseIsisInterfaces,
  parseIsisNeighbors,
  parseOspf6Neighbors,
  parseOspfInterfaces,
  parseOspfNeighbors,
} from "../../src/stacks/frr/igp.js";
import { wantedPrefixes } from "../../src/stacks/frr/ready-igp.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import { splitByDaemon } from "../../src/stacks/frr/split.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";
const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

function node(lab: Lab, name: string): NodeModel {
  const n = findNode(lab, name);
  assert.ok(n, `node ${name}`);
  return n;
}

/** The lines of the rendered config from `from` up to the next `!`. */
function block(text: string, from: string): string[] {
  const lines = text.split("\n");
  const i = lines.indexOf(from);
  assert.ok(i >= 0, `${from} in\n${text}`);
  const end = lines.indexOf("!", i);
  return lines.slice(i, end);
}

describe("rendered OSPF", () => {
  test("FRR accepts every router of ospf-multiarea.yml", { skip: skipNoFrr }, async () => {
    const lab = await loadTopology(example("ospf-multiarea.yml"));
    const routers = lab.nodes.filter((n) => n.role === "router");
    const errors = await checkFrrConfigsBatched(routers.map((n) => renderFrrConfig(n)));
    assert.deepEqual(
      errors,
      routers.map(() => []),
    );
  });

  test("the ABR: backbone and area 1 interfaces, both families, lab timers", async () => {
    const lab = await loadTopology(example("ospf-multiarea.yml"));
    const text = renderFrrConfig(node(lab, "r3"));
    assert.deepEqual(block(text, "interface lo"), [
      "interface lo",
      " ip ospf area 0.0.0.0",
      " ip ospf passive",
      " ipv6 ospf6 area 0.0.0.0",
      " ipv6 ospf6 passive",
    ]);
    assert.deepEqual(block(text, "interface eth2").slice(0, 3), [
      "interface eth2",
      " ip ospf area 0.0.0.1",
      " ip ospf network point-to-point",
    ]);
    assert.match(text, /^ ipv6 ospf6 area 0\.0\.0\.1$/m);
    assert.match(text, /^ ip ospf hello-interval 1\n ip ospf dead-interval 4\n ip ospf retransmit-interval 1$/m);
    assert.deepEqual(block(text, "router ospf").slice(0, 2), ["router ospf", " ospf router-id 10.255.0.3"]);
    assert.deepEqual(block(text, "router ospf6").slice(0, 2), ["router ospf6", " ospf6 router-id 10.255.0.3"]);
    // r1's cheaper link, r5's passive port.
    assert.match(
      renderFrrConfig(node(lab, "r1")),
      /^interface eth1\n ip ospf area 0\.0\.0\.0\n ip ospf network point-to-point\n ip ospf cost 5$/m,
    );
    assert.match(renderFrrConfig(node(lab, "r5")), /^interface eth2\n ip ospf area 0\.0\.0\.1\n ip ospf passive$/m);
  });

  test("node settings: timers, reference bandwidth, redistribution, default route; lab-timers false", async () => {
    const lab = parseTopology(
      `name: t
nodes:
  r1:
    ospf: { area: 0, timers: { hello: 2, dead: 8 }, reference-bandwidth: 100000, redistribute: [connected, static], default-originate: true }
    frr: { lab-timers: false }
  r2: { ospf: { area: 0, timers: { hello: 2, dead: 8 } } }
links:
  - [{ endpoint: r1:1, ip: 10.1.0.1/30 }, { endpoint: r2:1, ip: 10.1.0.2/30 }]
  - [{ endpoint: r1:2, ip: "2001:db8::1/64" }, { endpoint: r2:2, ip: "2001:db8::2/64" }]
`,
      "t.yml",
    );
    const text = renderFrrConfig(node(lab, "r1"));
    assert.deepEqual(block(text, "interface 1"), [
      "interface 1",
      " ip ospf area 0.0.0.0",
      " ip ospf hello-interval 2",
      " ip ospf dead-interval 8",
    ]);
    assert.deepEqual(block(text, "router ospf6").slice(2), [
      " auto-cost reference-bandwidth 100000",
      " redistribute connected",
      " redistribute static",
      " default-information originate always",
    ]);
    if (!skipNoFrr) assert.deepEqual(await checkFrrConfig(text), []);
    assert.deepEqual(block(text, "router ospf"), [
      "router ospf",
      " ospf router-id 10.1.0.1",
      " auto-cost reference-bandwidth 100000",
      " redistribute connected",
      " redistribute static",
      " default-information originate always",
    ]);
  });

  test("split: each daemon gets its own interface lines, zebra every interface", async () => {
    const lab = await loadTopology(example("ospf-multiarea.yml"));
    const r3 = node(lab, "r3");
    const parts = splitByDaemon(renderFrrConfig(r3), daemonsFor(r3));
    assert.ok(parts);
    const ospfd = parts.get("ospfd") ?? "";
    assert.match(ospfd, /^interface eth2\n ip ospf area 0\.0\.0\.1$/m);
    assert.doesNotMatch(ospfd, /ospf6/);
    assert.match(parts.get("ospf6d") ?? "", /^interface eth2\n ipv6 ospf6 area 0\.0\.0\.1$/m);
    assert.match(parts.get("ospf6d") ?? "", /^router ospf6$/m);
    assert.deepEqual(
      (parts.get("zebra") ?? "").split("\n").filter((l) => l.startsWith("interface")),
      ["interface lo", "interface eth1", "interface eth2"],
    );
  });
});

describe("rendered IS-IS", () => {
  test("FRR accepts every router of isis.yml", { skip: skipNoFrr }, async () => {
    const lab = await loadTopology(example("isis.yml"));
    const errors = await checkFrrConfigsBatched(lab.nodes.map((n) => renderFrrConfig(n)));
    assert.deepEqual(
      errors,
      lab.nodes.map(() => []),
    );
  });

  test("interfaces join the area first; lsp-gen-interval comes before net", async () => {
    const lab = await loadTopology(example("isis.yml"));
    const text = renderFrrConfig(node(lab, "r1"));
    assert.deepEqual(block(text, "interface lo"), [
      "interface lo",
      " ip router isis lab",
      " ipv6 router isis lab",
      " isis passive",
    ]);
    assert.deepEqual(block(text, "interface eth2"), [
      "interface eth2",
      " ip router isis lab",
      " ipv6 router isis lab",
      " isis network point-to-point",
      " isis metric 30",
      " isis hello-interval 1",
      " isis hello-multiplier 3",
    ]);
    assert.deepEqual(block(text, "router isis lab"), [
      "router isis lab",
      " lsp-gen-interval 1",
      " net 49.0001.0102.5500.0001.00",
      " is-type level-2-only",
      " metric-style wide",
    ]);
    const parts = splitByDaemon(text, daemonsFor(node(lab, "r1")));
    assert.match(parts?.get("isisd") ?? "", /^interface eth2\n ip router isis lab\n/m);
    assert.doesNotMatch(parts?.get("zebra") ?? "", /isis/);
  });
});

describe("FRR 8.4 output", () => {
  const ifaces = parseOspfInterfaces({
    interfaces: {
      b: { state: "DROther", networkType: "BROADCAST", area: "0.0.0.0" },
      lo: { state: "Loopback", networkType: "LOOPBACK", area: "0.0.0.0", timerPassiveIface: true },
    },
  });

  test("OSPFv2: Full, Full on point-to-point, 2-Way between DROthers", () => {
    assert.deepEqual(
      ifaces.map((i) => [i.ifname, i.role, i.passive, i.loopback]),
      [
        ["b", "DROther", false, false],
        ["lo", "Loopback", true, true],
      ],
    );
    const n = parseOspfNeighbors(
      {
        neighbors: {
          "10.255.0.2": [
            {
              state: "2-Way/DROther",
              converged: "2-Way",
              role: "DROther",
              ifaceAddress: "10.0.5.1",
              ifaceName: "b:10.0.5.2",
            },
          ],
          "10.255.0.5": [
            { state: "Full/DR", converged: "Full", role: "DR", ifaceAddress: "10.0.5.4", ifaceName: "b:10.0.5.2" },
          ],
          "10.255.0.6": [
            {
              state: "Init/DROther",
              converged: "Init",
              role: "DROther",
              ifaceAddress: "10.0.5.6",
              ifaceName: "b:10.0.5.2",
            },
          ],
          "10.255.0.1": [
            {
              state: "Full/-",
              converged: "Full",
              role: "DROther",
              ifaceAddress: "10.12.0.1",
              ifaceName: "a:10.12.0.2",
            },
          ],
        },
      },
      ifaces,
    );
    assert.deepEqual(
      n.map((x) => [x.routerId, x.ifname, x.state, x.role, x.address, x.up]),
      [
        ["10.255.0.2", "b", "2-Way", "DROther", "10.0.5.1", true],
        ["10.255.0.5", "b", "Full", "DR", "10.0.5.4", true],
        ["10.255.0.6", "b", "Init", "DROther", "10.0.5.6", false],
        ["10.255.0.1", "a", "Full", undefined, "10.12.0.1", true],
      ],
    );
    // The same 2-Way, but this router is the DR: it should be Full.
    const asDr = parseOspfNeighbors(
      {
        neighbors: {
          "10.255.0.2": [{ state: "2-Way/DROther", converged: "2-Way", role: "DROther", ifaceName: "b:10.0.5.2" }],
        },
      },
      [{ ...ifaces[0], role: "DR" } as (typeof ifaces)[number]],
    );
    assert.equal(asDr[0]?.up, false);
  });

  test("OSPFv3: Twoway is 2-Way, BDR is Backup", () => {
    const n = parseOspf6Neighbors({
      neighbors: [
        {
          neighborId: "10.255.0.2",
          state: "Twoway",
          ifState: "DROther",
          interfaceName: "b",
          interfaceState: "DROther",
        },
        { neighborId: "10.255.0.4", state: "Full", ifState: "BDR", interfaceName: "b", interfaceState: "DROther" },
        { neighborId: "10.255.0.9", state: "ExStart", ifState: "DROther", interfaceName: "b", interfaceState: "DR" },
      ],
    });
    assert.deepEqual(
      n.map((x) => [x.family, x.routerId, x.state, x.role, x.up]),
      [
        [6, "10.255.0.2", "2-Way", "DROther", true],
        [6, "10.255.0.4", "Full", "Backup", true],
        [6, "10.255.0.9", "ExStart", "DROther", false],
      ],
    );
  });

  test("IS-IS: the neighbor table as text (8.4's JSON lists one adjacency per LAN circuit)", () => {
    const text = `Area lab:
  System Id           Interface   L  State        Holdtime SNPA
 r4                  b           2  Up            29       527a.5165.3eac
 r5                  b           2  Initializing  29       b25f.d0ee.ed02
 0102.5500.0002      a           2  Up            2        2020.2020.2020
`;
    assert.deepEqual(
      parseIsisNeighbors(text).map((a) => [a.systemId, a.ifname, a.level, a.state, a.up]),
      [
        ["r4", "b", 2, "Up", true],
        ["r5", "b", 2, "Initializing", false],
        ["0102.5500.0002", "a", 2, "Up", true],
      ],
    );
    const i = parseIsisInterfaces({
      areas: [
        {
          area: "lab",
          circuits: [
            { circuit: 0, interface: { name: "a", state: "Up", "is-passive": "active", type: "p2p" } },
            { circuit: 0, interface: { name: "lo", state: "Up", "is-passive": "passive", type: "loopback" } },
          ],
        },
      ],
    });
    assert.deepEqual(i, [
      { ifname: "a", passive: false, loopback: false, up: true, type: "p2p" },
      { ifname: "lo", passive: true, loopback: true, up: true, type: "loopback" },
    ]);
  });
});

describe("readiness: the routes each router waits for", () => {
  test("every other router's prefixes in the domain, in the families it runs", async () => {
    const lab = await loadTopology(example("ospf-multiarea.yml"));
    const want = wantedPrefixes(
      "ospf",
      lab.nodes.filter((n) => n.role === "router"),
    );
    const r1 = (want.get("r1") ?? []).map((w) => w.prefix);
    assert.ok(r1.includes("10.255.0.5/32") && r1.includes("2001:db8:ff::5/128") && r1.includes("10.1.5.0/24"));
    assert.ok(!r1.includes("10.255.0.1/32"), "not its own");
    assert.equal(want.get("h1"), undefined);
  });

  test("a level-1 router waits only for its own area's prefixes", () => {
    const lab = parseTopology(
      `name: t
nodes:
  a: { interfaces: { lo: { ip: 10.0.0.1/32 } }, isis: { area: "49.0001", type: level-1 } }
  b: { interfaces: { lo: { ip: 10.0.0.2/32 } }, isis: { area: "49.0001" } }
  c: { interfaces: { lo: { ip: 10.0.0.3/32 } }, isis: { area: "49.0002", type: level-2 } }
links:
  - [{ endpoint: a:1, ip: 10.1.0.1/30 }, { endpoint: b:1, ip: 10.1.0.2/30 }]
  - [{ endpoint: b:2, ip: 10.2.0.1/30 }, { endpoint: c:1, ip: 10.2.0.2/30 }]
`,
      "t.yml",
    );
    const want = wantedPrefixes("isis", lab.nodes);
    assert.deepEqual(
      (want.get("a") ?? []).map((w) => w.prefix),
      ["10.0.0.2/32", "10.1.0.0/30", "10.2.0.0/30"],
    );
    assert.ok(
      (want.get("c") ?? []).some((w) => w.prefix === "10.0.0.1/32"),
      "level 2 learns level 1 prefixes",
    );
  });
});
