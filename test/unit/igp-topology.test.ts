// The OSPF and IS-IS intents as the loader resolves them: interfaces, areas and peers from
// the cabling (links and bridge segments), families in common, NETs from router-ids, the
// daemons they need, the checks that name them, and every refusal at file:line:col.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findNode, type Lab, type NodeModel } from "../../src/core/model.js";
import { parseArea } from "../../src/intents/ospf/resolve.js";
import { frr } from "../../src/stacks/frr/index.js";
import { TopologyError } from "../../src/topology/errors.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

function node(lab: Lab, name: string): NodeModel {
  const n = findNode(lab, name);
  assert.ok(n, `node ${name}`);
  return n;
}

function systemIdOf(lab: Lab, name: string): string | undefined {
  return node(lab, name).intents.isis?.systemId;
}

function isisNeighborRefIds(lab: Lab, i: number): string[] | undefined {
  const s = lab.checks?.[i]?.spec;
  return s?.type === "isis-adjacency" ? s.neighbor.ids : undefined;
}

/** The error of a bad topology: "line:col: message". */
function bad(text: string): string {
  try {
    parseTopology(text, "t.yml");
  } catch (e) {
    assert.ok(e instanceof TopologyError, String(e));
    return e.message.replace(/^t\.yml:/, "");
  }
  assert.fail("expected a TopologyError");
}

const TWO = (r1: string, r2: string, link = "") => `name: t
nodes:
  r1: { interfaces: { lo: { ip: 10.0.0.1/32 } }, ${r1} }
  r2: { interfaces: { lo: { ip: 10.0.0.2/32 } }, ${r2} }
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.1.0.1/30 }, { endpoint: r2:1, ip: 10.1.0.2/30 }]
${link}`;

describe("ospf intent", () => {
  test("ospf-multiarea.yml: areas per link, peers across the bridge, families, prefixes", async () => {
    const lab = await loadTopology(example("ospf-multiarea.yml"));
    const r3 = node(lab, "r3").intents.ospf;
    assert.ok(r3);
    assert.equal(r3.routerId, "10.255.0.3");
    assert.deepEqual(
      r3.interfaces.map((i) => [i.port, i.area, i.passive, i.families, i.networkType, i.peers.map((p) => p.node)]),
      [
        ["lo", "0.0.0.0", true, [4, 6], undefined, []],
        ["eth1", "0.0.0.0", false, [4, 6], undefined, ["r1", "r2"]],
        ["eth2", "0.0.0.1", false, [4, 6], "point-to-point", ["r4"]],
      ],
    );
    assert.deepEqual(r3.interfaces[1]?.prefixes, ["10.0.0.0/24", "2001:db8::/64"]);
    assert.deepEqual(r3.interfaces[1]?.peers[0], {
      node: "r1",
      port: "eth2",
      routerId: "10.255.0.1",
      families: [4, 6],
    });
    const r5 = node(lab, "r5").intents.ospf;
    assert.deepEqual(
      r5?.interfaces.map((i) => [i.port, i.area, i.passive]),
      [
        ["lo", "0.0.0.1", true],
        ["eth1", "0.0.0.1", false],
        ["eth2", "0.0.0.1", true],
      ],
    );
    assert.equal(node(lab, "r1").intents.ospf?.interfaces[1]?.cost, 5);
    assert.deepEqual(frr.daemons(node(lab, "r3")), ["zebra", "staticd", "ospfd", "ospf6d"]);
    assert.deepEqual(frr.protocols(node(lab, "r3")), ["ospf"]);
    assert.equal(node(lab, "h1").intents.ospf, undefined);
  });

  test("areas: dotted or whole numbers", () => {
    assert.equal(parseArea(0), "0.0.0.0");
    assert.equal(parseArea("1"), "0.0.0.1");
    assert.equal(parseArea(256), "0.0.1.0");
    assert.equal(parseArea("0.0.0.5"), "0.0.0.5");
    assert.deepEqual(typeof parseArea(1.5), "object");
    assert.deepEqual(typeof parseArea("area1"), "object");
  });

  test("a family the peer lacks: IPv4 only on that link; no family in common: refused at load", () => {
    const lab = parseTopology(
      `name: t
nodes:
  r1: { ospf: { area: 0 } }
  r2: { ospf: { area: 0 } }
links:
  - [{ endpoint: r1:1, ip: [10.1.0.1/30, "2001:db8::1/64"] }, { endpoint: r2:1, ip: 10.1.0.2/30 }]
`,
      "t.yml",
    );
    const r1 = node(lab, "r1").intents.ospf;
    assert.deepEqual(
      r1?.interfaces.map((i) => [i.port, i.families]),
      [["1", [4]]],
    );
    assert.deepEqual(frr.daemons(node(lab, "r1")), ["zebra", "staticd", "ospfd"]);
    // Ends with no address family in common are refused for every link (addresses.ts), so
    // OSPF never meets one.
    assert.throws(
      () =>
        parseTopology(
          `name: t
nodes:
  r1: { ospf: { area: 0 } }
  r3: { ospf: { area: 0 } }
links:
  - [{ endpoint: r1:2, ip: "2001:db8:2::1/64" }, { endpoint: r3:1, ip: 10.3.0.2/30 }]
`,
          "t.yml",
        ),
      /need an address family in common/,
    );
  });

  test("ospf: false keeps a link out; raw router ospf runs ospfd and is waited for", () => {
    const lab = parseTopology(
      `${TWO("ospf: { area: 0 }", 'config: "router ospf\\n network 10.1.0.0/30 area 0\\n"', "    ospf: false\n")}`,
      "t.yml",
    );
    assert.deepEqual(
      node(lab, "r1").intents.ospf?.interfaces.map((i) => i.port),
      ["lo"],
    );
    assert.deepEqual(frr.protocols(node(lab, "r2")), ["ospf"]);
  });

  test("refusals at file:line:col, in network terms", () => {
    assert.equal(
      bad(TWO("ospf: { area: 0, passive: [eth9] }", "ospf: { area: 0 }")),
      "3:77: ospf.passive: node 'r1' has no port 'eth9'",
    );
    assert.match(
      bad(TWO("ospf: { area: 0 }", "ospf: { area: 1 }")),
      /^6:5: OSPF areas differ on r1:1 — r2:1: r1 puts it in area 0\.0\.0\.0, r2 in 0\.0\.0\.1/,
    );
    assert.match(
      bad(TWO("bgp: { asn: 1 }", "bgp: { asn: 2 }", "    ospf: { cost: 5 }\n")),
      /^7:5: link r1:1 has OSPF settings, but r1 has no ospf settings .*add ospf: \{ area: … \} to r1$/,
    );
    assert.match(
      bad(TWO("ospf: { area: 0, timers: { hello: 5, dead: 20 } }", "ospf: { area: 0 }")),
      /^3:67: OSPF timers differ on r1:1 — r2:1: r1 has hello 5 s, dead 20 s, r2 the default timers/,
    );
    assert.match(
      bad(TWO("ospf: { area: 0, router-id: 9.9.9.9 }", "ospf: { area: 0, router-id: 9.9.9.9 }")),
      /^4:78: OSPF router-id 9\.9\.9\.9 of r2 is also r1's/,
    );
    assert.match(bad(TWO("ospf: { area: x1 }", "ospf: { area: 0 }")), /^3:64: invalid OSPF area 'x1' of r1/);
    assert.match(
      bad("name: t\nnodes:\n  h1: { kind: linux, ospf: { area: 0 } }\n"),
      /^3:22: node 'h1' is a linux node: 'ospf' applies only to routers$/,
    );
    assert.match(
      bad(TWO("ospf: { area: 0 }", "ospf: { area: 0 }, frr: { daemons: [zebra, staticd] }")),
      /^4:85: node 'r2' has ospf settings, but its frr.daemons list does not include ospfd$/,
    );
    assert.match(
      bad(TWO('ospf: { area: 0 }, config: "router ospf\\n"', "ospf: { area: 0 }")),
      /^3:50: node 'r1' has both ospf settings and a 'router ospf' section in its config/,
    );
  });
});

describe("isis intent", () => {
  test("isis.yml: NETs from the loopbacks, point-to-point links, metrics, level 2", async () => {
    const lab = await loadTopology(example("isis.yml"));
    const r1 = node(lab, "r1").intents.isis;
    assert.ok(r1);
    assert.equal(r1.net, "49.0001.0102.5500.0001.00");
    assert.equal(r1.systemId, "0102.5500.0001");
    assert.equal(r1.type, "level-2");
    assert.equal(r1.metricStyle, "wide");
    assert.deepEqual(
      r1.interfaces.map((i) => [i.port, i.passive, i.families, i.networkType, i.metric, i.peers.map((p) => p.node)]),
      [
        ["lo", true, [4, 6], undefined, undefined, []],
        ["eth1", false, [4, 6], "point-to-point", undefined, ["r2"]],
        ["eth2", false, [4, 6], "point-to-point", 30, ["r4"]],
      ],
    );
    assert.equal(systemIdOf(lab, "r2"), "0102.5500.0002");
    assert.deepEqual(frr.daemons(node(lab, "r1")), ["zebra", "staticd", "isisd"]);
    assert.deepEqual(frr.protocols(node(lab, "r1")), ["isis"]);
  });

  test("checks name adjacencies by node; RIB routes by protocol", async () => {
    const lab = await loadTopology(example("isis.yml"));
    assert.deepEqual(isisNeighborRefIds(lab, 0), ["r2", "0102.5500.0002"]);
    const route = lab.checks?.[2]?.spec;
    assert.deepEqual(route, {
      type: "route",
      node: "r1",
      prefix: "10.255.0.3/32",
      afi: "ipv4",
      expect: "present",
      protocol: "isis",
      via: "10.0.12.2",
      port: "eth1",
      ifname: "eth1",
    });
    assert.equal(lab.checks?.[2]?.name, "r1 reaches r3 through r2 (the r1—r4 link costs more)");
  });

  test("refusals at file:line:col", () => {
    assert.match(
      bad(TWO("isis: { area: 49.0010 }", "isis: { area: '49.0001' }")),
      /^3:64: IS-IS area of r1 was read as the number 49\.001: write it in quotes/,
    );
    assert.match(
      bad(TWO("isis: { area: '49.0001', type: level-1 }", "isis: { area: '49.0002', type: level-1 }")),
      /^6:5: no IS-IS adjacency can form on r1:1 — r2:1: r1 \(level-1, area 49\.0001\) and r2 \(level-1, area 49\.0002\) share no level/,
    );
    assert.match(
      bad(
        TWO(
          "isis: { area: '49.0001', net: 49.0001.0000.0000.0001.00 }",
          "isis: { area: '49.0001', net: 49.0001.0000.0000.0001.00 }",
        ),
      ),
      /^4:80: IS-IS system id 0000\.0000\.0001 of r2 is also r1's/,
    );
    assert.match(
      bad(TWO("isis: { area: '49.0001', net: '49.1' }", "isis: { area: '49.0001' }")),
      /^3:80: invalid IS-IS NET '49\.1' of r1/,
    );
    assert.match(
      bad(`${TWO("ospf: { area: 0 }", "ospf: { area: 0 }")}checks:\n  - isis-adjacency: { node: r1, neighbor: r2 }\n`),
      /^8:29: check #1 \(isis-adjacency\): r1 does not run IS-IS$/,
    );
  });
});

describe("checks", () => {
  test("ospf-neighbor by node name or router-id; not a neighbor is an error", () => {
    const text = `${TWO("ospf: { area: 0 }", "ospf: { area: 0 }")}  - endpoints: [{ endpoint: r1:2, ip: 10.2.0.1/30 }, { endpoint: h1:1, ip: 10.2.0.2/30 }]
checks:
  - ospf-neighbor: { node: r1, neighbor: r2 }
  - ospf-neighbor: { node: r1, neighbor: 10.0.0.2, expect: down }
  - route: { node: r1, prefix: 10.0.0.2/32, protocol: ospf }
`;
    const lab = parseTopology(text.replace("nodes:\n", "nodes:\n  h1: { kind: linux }\n"), "t.yml");
    assert.deepEqual(
      lab.checks?.map((c) => [c.name, c.spec.type === "ospf-neighbor" ? c.spec.neighbor.ids : undefined]),
      [
        ["r1 OSPF neighbor r2 Full", ["10.0.0.2"]],
        ["r1 OSPF neighbor 10.0.0.2 down", ["10.0.0.2"]],
        ["r1 has ospf route 10.0.0.2/32", undefined],
      ],
    );
    assert.match(
      bad(
        `${text.replace("nodes:\n", "nodes:\n  h1: { kind: linux }\n")}  - ospf-neighbor: { node: r1, neighbor: h1 }\n`,
      ),
      /check #4 \(ospf-neighbor\): h1 is not an OSPF neighbor of r1 \(its neighbors: r2\)$/,
    );
    assert.match(
      bad(
        `${text.replace("nodes:\n", "nodes:\n  h1: { kind: linux }\n")}  - route: { node: h1, prefix: 10.0.0.2/32, protocol: ospf }\n`,
      ),
      /h1 is a linux node and runs no routing stack; protocol applies to routers$/,
    );
  });
});
