// frr.conf for the BGP features (route reflection over loopbacks, unnumbered, dual stack,
// BFD, neighbor options, originated prefixes, discard routes), rendered from small
// topologies and accepted by FRR's own parser (`vtysh -C`); and the daemons a raw config
// line needs, one test per daemon-triggering line.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { findNode, type Lab, type NodeModel } from "../../src/core/model.js";
import { checkFrrConfig } from "../../src/stacks/frr/check.js";
import { daemonsFor } from "../../src/stacks/frr/daemons.js";
import { neededDaemons } from "../../src/stacks/frr/options.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import { parseTopology } from "../../src/topology/load.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";

function node(l: Lab, name: string): NodeModel {
  const n = findNode(l, name);
  assert.ok(n);
  return n;
}

/** The node's rendered frr.conf, after FRR's parser accepted it. */
async function accepted(l: Lab, name: string): Promise<string[]> {
  const text = renderFrrConfig(node(l, name));
  if (!skipNoFrr) assert.deepEqual(await checkFrrConfig(text), [], `vtysh -C rejected:\n${text}`);
  return text.split("\n");
}

function has(lines: string[], ...want: string[]): void {
  for (const w of want) assert.ok(lines.includes(w), `${JSON.stringify(w)} in:\n${lines.join("\n")}`);
}

describe("route reflection over loopbacks", () => {
  const l = parseTopology(
    `name: rr
nodes:
  rr1:
    interfaces: { lo: { ip: [10.255.0.1/32, "fd00:ff::1/128"] } }
    bgp: { asn: 65000, rr: true, cluster-id: 10.255.0.100, bfd: true, neighbors: [c1] }
  c1:
    interfaces: { lo: { ip: [10.255.0.11/32, "fd00:ff::11/128"] } }
    bgp: { asn: 65000, neighbors: [{ node: rr1, next-hop-self: true, bfd: true }] }
links:
  - [{ endpoint: rr1:1, ip: 10.0.1.0/31 }, { endpoint: c1:1, ip: 10.0.1.1/31 }]
`,
    "rr.yml",
  );
  test("the RR: cluster-id, one client session per loopback family, client in its family", async () => {
    const lines = await accepted(l, "rr1");
    has(
      lines,
      " bgp cluster-id 10.255.0.100",
      " neighbor 10.255.0.11 remote-as 65000",
      " neighbor 10.255.0.11 update-source lo",
      " neighbor fd00:ff::11 update-source lo",
      "  neighbor 10.255.0.11 route-reflector-client",
      "  no neighbor fd00:ff::11 activate",
      "  neighbor fd00:ff::11 activate",
      "  neighbor fd00:ff::11 route-reflector-client",
    );
  });
  test("the client: next-hop-self and bfd as asked, bfdd started", async () => {
    const lines = await accepted(l, "c1");
    has(lines, "  neighbor 10.255.0.1 next-hop-self", " neighbor 10.255.0.1 bfd", " neighbor fd00:ff::1 bfd");
    assert.ok(!lines.some((x) => x.includes("route-reflector-client")));
    assert.deepEqual(daemonsFor(node(l, "c1")), ["zebra", "staticd", "bgpd", "bfdd"]);
  });
});

describe("BGP unnumbered", () => {
  const l = parseTopology(
    `name: u
nodes:
  leaf1:
    interfaces: { lo: { ip: 10.255.1.1/32 } }
    bgp: { asn: 65101, advertise-loopbacks: true, neighbors: [{ port: Ethernet1/1, bfd: true }] }
  spine1:
    bgp: { asn: 65000, router-id: 10.255.0.1, neighbors: [{ port: swp1, remote-as: 65101, bfd: true }] }
  spine2:
    bgp: { asn: 65101, router-id: 10.255.0.2 }
links:
  - ["leaf1:Ethernet1/1", spine1:swp1]
  - endpoints: [leaf1:swp2, spine2:swp1]
    bgp: { unnumbered: true }
`,
    "u.yml",
  );
  test("interface neighbors by kernel name: external, internal or the AS written; extended next hop", async () => {
    const leaf = await accepted(l, "leaf1");
    has(
      leaf,
      " neighbor Ethernet1_1 interface remote-as external",
      " neighbor Ethernet1_1 bfd",
      " neighbor Ethernet1_1 capability extended-nexthop",
      " neighbor swp2 interface remote-as internal",
      "  network 10.255.1.1/32",
      "  neighbor Ethernet1_1 activate",
      "  neighbor swp2 activate",
    );
    has(await accepted(l, "spine1"), " neighbor swp1 interface remote-as 65101");
  });
});

describe("neighbor options and originated prefixes", () => {
  const l = parseTopology(
    `name: o
nodes:
  r1:
    bgp:
      asn: 65001
      originate: [10.1.0.0/16, "2001:db8:100::/48"]
      neighbors:
        - node: r2
          local-as: 65009
          passive: true
          password: s3cret
          timers: { keepalive: 1, hold: 3 }
          default-originate: true
          send-community: large
          allowas-in: true
          remove-private-as: true
          as-override: true
          weight: 200
    routes:
      - { to: 10.9.0.0/16, via: blackhole }
      - { to: "2001:db8:9::/48", via: Null0 }
  r2: { bgp: { asn: 65002, neighbors: [r1] } }
links:
  - [{ endpoint: r1:1, ip: [10.0.0.0/31, "2001:db8::/127"] }, { endpoint: r2:1, ip: [10.0.0.1/31, "2001:db8::1/127"] }]
`,
    "o.yml",
  );
  test("session and family options on both sessions; discard routes behind originated prefixes", async () => {
    const lines = await accepted(l, "r1");
    for (const id of ["10.0.0.1", "2001:db8::1"]) {
      has(
        lines,
        ` neighbor ${id} local-as 65009 no-prepend replace-as`,
        ` neighbor ${id} passive`,
        ` neighbor ${id} password s3cret`,
        ` neighbor ${id} timers 1 3`,
        `  neighbor ${id} default-originate`,
        `  neighbor ${id} send-community large`,
        `  neighbor ${id} allowas-in`,
        `  neighbor ${id} remove-private-AS`,
        `  neighbor ${id} as-override`,
        `  neighbor ${id} weight 200`,
      );
    }
    has(
      lines,
      "  network 10.1.0.0/16",
      "  network 2001:db8:100::/48",
      "ip route 10.1.0.0/16 blackhole",
      "ipv6 route 2001:db8:100::/48 blackhole",
      "ip route 10.9.0.0/16 blackhole",
      "ipv6 route 2001:db8:9::/48 blackhole",
    );
  });
});

describe("daemons a raw config line needs", () => {
  const cases: [string, string[]][] = [
    ["ip route 10.0.0.0/8 10.0.0.1", ["staticd"]],
    ["router bgp 65001", ["bgpd"]],
    [" neighbor 10.0.0.1 bfd", ["bfdd"]],
    [" neighbor swp1 interface bfd", ["bfdd"]],
    ["router ospf", ["ospfd"]],
    [" ip ospf area 0", ["ospfd"]],
    [" ip ospf bfd", ["ospfd", "bfdd"]],
    ["router ospf6", ["ospf6d"]],
    [" ipv6 ospf6 area 0", ["ospf6d"]],
    [" ipv6 ospf6 bfd", ["ospf6d", "bfdd"]],
    ["router rip", ["ripd"]],
    ["router isis CORE", ["isisd"]],
    [" ip router isis CORE", ["isisd"]],
    [" isis bfd", ["isisd", "bfdd"]],
    ["bfd", ["bfdd"]],
  ];
  for (const [line, daemons] of cases) {
    test(`${JSON.stringify(line.trim())} needs ${daemons.join(" and ")}, and starts them`, () => {
      assert.deepEqual(neededDaemons({}, line), ["zebra", ...daemons].sort(byStart));
      const l = parseTopology(`name: d\nnodes:\n  r1:\n    config: |\n      ${line.trim()}\n`, "d.yml");
      const started = daemonsFor(node(l, "r1"));
      for (const d of daemons) assert.ok(started.includes(d), `${d} started for ${line}: ${started.join(", ")}`);
    });
  }
});

const ORDER = ["zebra", "staticd", "bgpd", "ospfd", "ospf6d", "ripd", "isisd", "bfdd"];
function byStart(a: string, b: string): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}
