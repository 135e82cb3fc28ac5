// Network-level rules and model building, on small inline topologies.
import assert from "node:assert/strict";
import { test } from "node:test";
import { findNode, type Lab, type NodeModel } from "../../src/core/model.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const FILE = "lab.yml";

function ok(text: string): Lab {
  return parseTopology(text, FILE);
}

/** "line:col" of the `nth` occurrence (1-based) of `needle` in `text`. */
function posOf(text: string, needle: string, nth = 1): string {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${needle} occurs ${nth} times`);
  }
  const before = text.slice(0, at).split("\n");
  return `${before.length}:${(before[before.length - 1] ?? "").length + 1}`;
}

/**
 * Asserts a TopologyError at `where` whose message contains `contains`. `where` is "line:col",
 * or "@text" for the first place `text` is written ("@text#2" for the second).
 */
function bad(text: string, where: string, contains: string): TopologyError {
  if (where.startsWith("@")) {
    const m = /^@(.*?)(?:#(\d+))?$/.exec(where);
    where = posOf(text, m?.[1] ?? "", Number(m?.[2] ?? 1));
  }
  let caught: unknown;
  try {
    parseTopology(text, FILE);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof TopologyError, `expected a TopologyError, got ${String(caught)}`);
  assert.ok(!caught.message.includes("\n"), caught.message);
  assert.ok(caught.message.startsWith(`${FILE}:${where}: `), `at ${where}: ${caught.message}`);
  assert.ok(caught.message.includes(contains), `${JSON.stringify(contains)} in ${caught.message}`);
  return caught;
}

function node(lab: Lab, name: string): NodeModel {
  const n = findNode(lab, name);
  assert.ok(n);
  return n;
}

const pair = (a: string, b: string) => `
links:
  - [{endpoint: r1:1, ip: ${a}}, {endpoint: r2:1, ip: ${b}}]`;

test("kinds: defaults.kind applies, frr is the default; forwarding follows the kind", () => {
  const lab = ok(`name: k
defaults: {kind: linux}
nodes:
  h1: {}
  h2: {forwarding: true}
  r1: {kind: frr}
  br: {kind: bridge}
links: [[h1:eth0, br], [h2:eth0, br], [r1:eth0, br]]
`);
  assert.deepEqual(
    lab.nodes.map((n) => [n.name, n.kind, n.forwarding, n.stack !== undefined]),
    [
      ["h1", "linux", false, false],
      ["h2", "linux", true, false],
      ["r1", "frr", true, true],
      ["br", "bridge", false, false],
    ],
  );
  assert.equal(ok("name: d\nnodes: {r: {}}").nodes[0]?.kind, "frr");
});

test("node order and port names are kept as written (numeric keys too)", () => {
  const lab = ok(`name: order
nodes:
  "10": {}
  "2":
    interfaces:
      01: {ip: 10.0.0.2/24}
      1.10: {}
links:
  - ["10:a", "2:01"]
  - ["10:b", "2:1.10"]
`);
  assert.deepEqual(
    lab.nodes.map((n) => n.name),
    ["10", "2"],
  );
  assert.deepEqual(
    lab.nodes[1]?.ports.map((p) => [p.name, p.addresses]),
    [
      ["01", ["10.0.0.2/24"]],
      ["1.10", []],
    ],
  );
});

test("endpoints split at the first ':'", () => {
  const lab = ok("name: c\nnodes: {r1: {}, r2: {}}\nlinks: [[r1:Ethernet1/1:2, 'r2:a:b']]");
  assert.deepEqual(lab.links[0]?.a, { node: "r1", port: "Ethernet1/1:2" });
  assert.deepEqual(lab.links[0]?.b, { node: "r2", port: "a:b" });
  assert.equal(lab.nodes[0]?.ports[0]?.ifname, "Ethernet1_1_2");
});

test("addresses from interfaces and link endpoints are merged and deduplicated; mtu precedence", () => {
  const lab = ok(`name: m
nodes:
  r1:
    interfaces:
      lo: {ip: [10.255.0.1/32, "2001:db8:ff::1/128"]}
      "1": {ip: [192.168.101.1/24, "2001:DB8::1/64"], mtu: 9000, description: to r2}
  r2: {}
links:
  - endpoints:
      - {endpoint: r1:1, ip: 192.168.101.1/24}
      - {endpoint: r2:1, ip: [192.168.101.2/24, "2001:db8::2/64"], mtu: 1400}
    mtu: 1500
`);
  const r1 = node(lab, "r1");
  assert.deepEqual(r1.loopback, ["10.255.0.1/32", "2001:db8:ff::1/128"]);
  for (const p of r1.ports) delete p.mac; // topology-mac.test.ts
  assert.deepEqual(r1.ports, [
    {
      node: "r1",
      name: "1",
      ifname: "1",
      addresses: ["192.168.101.1/24", "2001:db8::1/64"],
      mtu: 9000,
      description: "to r2",
      link: 0,
      peer: { node: "r2", port: "1" },
    },
  ]);
  assert.equal(node(lab, "r2").ports[0]?.mtu, 1400);
  assert.equal(lab.links[0]?.mtu, 1500);
  assert.ok(!r1.ports.some((p) => p.name === "lo"), "lo is not a cabled port");
});

test("interface addresses: /31 and /32 are fine, network and broadcast addresses are not", () => {
  ok(`name: a\nnodes: {r1: {}, r2: {}}${pair("10.0.0.0/31", "10.0.0.1/31")}`);
  ok(`name: a\nnodes: {r1: {interfaces: {lo: {ip: 10.0.0.9/32}}}}`);
  bad(
    `name: a\nnodes: {r1: {}, r2: {}}${pair("10.0.0.0/24", "10.0.0.1/24")}`,
    "@10.0.0.0/24",
    "invalid address '10.0.0.0/24' on r1:1: 10.0.0.0 is the network address",
  );
  bad(
    `name: a\nnodes: {r1: {}, r2: {}}${pair("10.0.0.1/24", "10.0.0.255/24")}`,
    "@10.0.0.255/24",
    "10.0.0.255 is the broadcast address",
  );
  bad(
    `name: a\nnodes: {r1: {}, r2: {}}${pair("010.0.0.1/24", "10.0.0.2/24")}`,
    "@010.0.0.1/24",
    "invalid address '010.0.0.1/24' on r1:1",
  );
});

test("without a link subnet, the two ends must share a prefix", () => {
  bad(
    `name: s\nnodes: {r1: {}, r2: {}}${pair("10.0.0.1/24", "10.0.1.2/24")}`,
    "@10.0.1.2/24",
    "address 10.0.1.2/24 of r2:1 is not on the same subnet as 10.0.0.1/24 of r1:1",
  );
  bad(
    `name: s\nnodes: {r1: {}, r2: {}}${pair("10.0.0.1/24", "10.0.0.1/24")}`,
    "@10.0.0.1/24#2",
    "address 10.0.0.1 is used twice on link r1:1 — r2:1",
  );
  // One end without addresses is fine (raw config, unnumbered); ends with addresses of no
  // common family are not (topology-lab-addresses.test.ts).
  ok(`name: s\nnodes: {r1: {}, r2: {}}\nlinks:\n  - [{endpoint: r1:1, ip: 10.0.0.1/24}, r2:1]`);
});

test("link subnet: addresses must be inside with the same prefix length", () => {
  const text = (ip: string) => `name: s
nodes: {r1: {}, r2: {}}
links:
  - subnet: 10.1.0.0/24
    endpoints: [r1:1, {endpoint: r2:1, ip: ${ip}}]
`;
  assert.equal(ok(text("10.1.0.2/24")).links[0]?.subnet, "10.1.0.0/24");
  bad(text("10.1.0.2/16"), "5:44", "has prefix length /16, but the link's subnet 10.1.0.0/24 is /24");
  bad(text("10.9.0.2/24"), "5:44", "address 10.9.0.2/24 of r2:1 is not in the link's subnet 10.1.0.0/24");
  bad(
    text("10.1.0.2/24").replace("10.1.0.0/24", "10.1.0.7/24"),
    "4:13",
    "host bits are set; the prefix is 10.1.0.0/24",
  );
});

test("bridges: auto-named ports avoid user names; no addresses on the bridge; shared segment checks", () => {
  const lab = ok(`name: b
nodes:
  br: {kind: bridge, interfaces: {p1: {mtu: 9000}}}
  a: {}
  b: {}
  c: {}
links: [[a:1, br:p1], [b:1, br], [br, c:1], [br:p3, a:2]]
`);
  assert.deepEqual(
    node(lab, "br").ports.map((p) => [p.name, p.peer?.node]),
    [
      ["p1", "a"],
      ["p2", "b"],
      ["p4", "c"],
      ["p3", "a"],
    ],
  );
  bad(
    "name: b\nnodes: {br: {kind: bridge}, a: {}}\nlinks: [[a:1, {endpoint: br, ip: 10.0.0.1/24}]]",
    "3:34",
    "bridge 'br' has no addresses of its own",
  );
  bad(
    `name: b
nodes:
  br: {kind: bridge}
  a: {interfaces: {"1": {ip: 10.0.0.1/24}}}
  b: {interfaces: {"1": {ip: 10.0.9.2/24}}}
links: [[a:1, br], [b:1, br]]
`,
    "5:30",
    "address 10.0.9.2/24 of b:1 is not on the same subnet as 10.0.0.1/24 of a:1 (bridge 'br')",
  );
  bad("name: b\nnodes: {br: {kind: bridge, routes: []}}", "2:28", "bridge 'br' does not route");
  bad("name: b\nnodes: {r: {subnet: 10.0.0.0/24}}", "2:13", "'subnet' applies only to bridge nodes");
});

test("bridges cabled together form one segment for BGP and addressing", () => {
  const lab = ok(`name: seg
nodes:
  sw1: {kind: bridge, subnet: 10.0.0.0/24}
  sw2: {kind: bridge}
  r1: {bgp: {asn: 65001, neighbors: [r2]}}
  r2: {bgp: {asn: 65002}}
links:
  - [{endpoint: r1:1, ip: 10.0.0.1/24}, sw1]
  - [sw1, sw2]
  - [sw2, {endpoint: r2:1, ip: 10.0.0.2/24}]
`);
  assert.deepEqual(node(lab, "r1").intents.bgp?.neighbors, [
    { address: "10.0.0.2", remoteAs: 65002, node: "r2", port: "1" },
  ]);
});

test("BGP: neighbor by node, by node + port, by address; iBGP over loopbacks; IPv6", () => {
  const lab = ok(`name: bgp
nodes:
  r1:
    interfaces:
      lo: {ip: 10.255.0.1/32}
    bgp:
      asn: 65001
      neighbors:
        - r2
        - {node: r2, port: 2, description: second link}
        - {address: 10.255.0.3, update-source: lo}
        - {address: 192.0.2.9, remote-as: 65009, ebgp-multihop: 2, update-source: Ethernet1/3}
  r2:
    bgp: {asn: 65002, neighbors: [r1]}
  r3:
    interfaces:
      lo: {ip: 10.255.0.3/32}
    bgp: {asn: 65001, router-id: 3.3.3.3, neighbors: [{node: r1, address: 10.255.0.1, update-source: 10.255.0.3}]}
links:
  - [{endpoint: r1:1, ip: 10.0.0.1/30}, {endpoint: r2:1, ip: 10.0.0.2/30}]
  - [{endpoint: r1:2, ip: ["2001:db8::1/64"]}, {endpoint: r2:2, ip: ["fe80::2/64", "2001:db8::2/64"]}]
  - [{endpoint: r1:Ethernet1/3, ip: 10.0.3.1/30}, {endpoint: r3:1, ip: 10.0.3.2/30}]
`);
  const r1 = node(lab, "r1");
  assert.equal(r1.intents.bgp?.routerId, "10.255.0.1", "router-id: lowest loopback IPv4");
  assert.deepEqual(r1.intents.bgp?.neighbors, [
    { address: "10.0.0.2", remoteAs: 65002, node: "r2", port: "1" },
    { address: "2001:db8::2", remoteAs: 65002, node: "r2", port: "2", description: "second link" },
    { address: "10.255.0.3", remoteAs: 65001, node: "r3", updateSource: "lo" },
    { address: "192.0.2.9", remoteAs: 65009, ebgpMultihop: 2, updateSource: "Ethernet1/3" },
  ]);
  assert.equal(node(lab, "r2").intents.bgp?.routerId, "10.0.0.2", "router-id: lowest interface IPv4");
  assert.deepEqual(node(lab, "r3").intents.bgp?.neighbors, [
    { address: "10.255.0.1", remoteAs: 65001, node: "r1", updateSource: "10.255.0.3" },
  ]);
});

test("BGP errors point at the neighbor entry", () => {
  const base = (neighbors: string, r2 = "{bgp: {asn: 65002}}") => `name: e
nodes:
  r1: {bgp: {asn: 65001, neighbors: ${neighbors}}}
  r2: ${r2}
  r3: {bgp: {asn: 65003}}
links:
  - [{endpoint: r1:1, ip: 10.0.0.1/30}, {endpoint: r2:1, ip: 10.0.0.2/30}]
`;
  bad(base("[r3]"), "3:38", "BGP neighbor 'r3' of r1 is not reachable on any link");
  bad(base("[r9]"), "3:38", "BGP neighbor 'r9' of r1 is not a node of this lab");
  bad(base("[r1]"), "3:38", "node 'r1' cannot be its own BGP neighbor");
  bad(base("[r2, r2]"), "3:42", "BGP neighbor 10.0.0.2 of r1 is listed twice");
  bad(
    base("[{address: 10.9.9.9, remote-as: 65009}]"),
    "3:48",
    "BGP neighbor '10.9.9.9' of r1 is not reachable on any link",
  );
  bad(base("[{address: 10.0.0.2}]", "{kind: linux}"), "3:38", "BGP neighbor 10.0.0.2 of r1 needs remote-as");
  bad(base("[{node: r2, port: 7}]"), "3:55", "node 'r1' has no port '7'");
  bad(base("[r2]", "{kind: linux}"), "3:38", "BGP neighbor 'r2' of r1 has no bgp settings; give its remote-as");
  bad(base("[{node: r2, remote-as: 0}]"), "3:60", "invalid AS number 0 (must be 1..4294967295)");
  bad(
    base("[{node: r2, update-source: eth7}]"),
    "3:64",
    "update-source 'eth7' of BGP neighbor 'r2' is not a port or address of r1",
  );
  bad(
    "name: e\nnodes:\n  r1: {bgp: {asn: 65001}}",
    "3:8",
    "node 'r1' has no IPv4 address to take a BGP router-id from; set bgp.router-id",
  );
  bad(
    "name: e\nnodes:\n  r1: {bgp: {asn: 1, router-id: '2001:db8::1'}}",
    "3:33",
    "invalid router-id '2001:db8::1' for node 'r1'",
  );
  bad(
    "name: e\nnodes:\n  r1: {bgp: {asn: 1, router-id: 1.1.1.1, networks: [10.0.0.1/8]}}",
    "3:53",
    "invalid network '10.0.0.1/8' for node 'r1': host bits are set; the prefix is 10.0.0.0/8",
  );
});

test("static routes: prefix, next hop on a connected subnet", () => {
  const text = (route: string) => `name: r
nodes:
  h1:
    kind: linux
    routes: [${route}]
  r1: {}
links:
  - [{endpoint: h1:eth0, ip: 10.0.0.2/24}, {endpoint: r1:1, ip: 10.0.0.1/24}]
`;
  assert.deepEqual(node(ok(text("{to: 0.0.0.0/0, via: 10.0.0.1}")), "h1").intents.static ?? [], [
    { to: "0.0.0.0/0", via: "10.0.0.1" },
  ]);
  bad(text("{to: 0.0.0.0/0, via: 10.0.0.2}"), "5:35", "is an address of h1 itself");
  bad(text("{to: 10.0.0.5/8, via: 10.0.0.1}"), "5:19", "invalid route destination '10.0.0.5/8' on node 'h1'");
  bad(text('{to: 0.0.0.0/0, via: "2001:db8::1"}'), "5:35", "is IPv6, the destination IPv4");
});

test("frr options: profile, ebgp-requires-policy and daemons, from defaults and per node", () => {
  const lab = ok(`name: f
defaults:
  frr: {profile: traditional}
nodes:
  a: {}
  b:
    frr: {ebgp-requires-policy: true, daemons: [bgpd, zebra, bfdd]}
    bgp: {asn: 1, router-id: 1.1.1.1}
  c:
    config: |
      router ospf
      !
      router ospf6
  d:
    config: "  router ospf6\\n"
`);
  assert.deepEqual(node(lab, "a").stack?.options, {
    profile: "traditional",
    ebgpRequiresPolicy: false,
    daemons: ["zebra", "staticd"],
  });
  assert.deepEqual(node(lab, "b").stack?.options, {
    profile: "traditional",
    ebgpRequiresPolicy: true,
    daemons: ["zebra", "bgpd", "bfdd"],
  });
  assert.deepEqual(node(lab, "c").stack?.options.daemons, ["zebra", "staticd", "ospfd", "ospf6d"]);
  assert.deepEqual(node(lab, "d").stack?.options.daemons, ["zebra", "staticd", "ospf6d"]);
  bad(
    "name: f\nnodes:\n  a: {frr: {daemons: [zebra]}, bgp: {asn: 1, router-id: 1.1.1.1}}",
    "3:22",
    "node 'a' has bgp settings, but its frr.daemons list does not include bgpd",
  );
  bad(
    "name: f\nnodes:\n  a:\n    bgp: {asn: 1, router-id: 1.1.1.1}\n    config: |\n      router bgp 1\n",
    "4:5",
    "node 'a' has both bgp settings and a 'router bgp' section in its config",
  );
});

test("frr-only fields on linux and bridge nodes are errors", () => {
  bad(
    "name: l\nnodes:\n  h: {kind: linux, config: x}",
    "3:20",
    "node 'h' is a linux node: 'config' applies only to frr and bird nodes",
  );
  bad(
    "name: l\nnodes:\n  b: {kind: bridge, frr: {}}",
    "3:21",
    "node 'b' is a bridge node: 'frr' applies only to frr nodes",
  );
});

test("schema errors: all are collected in file order, the first one is thrown", () => {
  const e = bad(
    `name: s
nodes:
  r1:
    bgp: {asn: "x"}
  r2:
    kind: 5
    color: red
`,
    "4:16",
    "node 'r1' bgp.asn: expected a number, got the text 'x'",
  );
  assert.deepEqual(
    e.errors.map((x) => x.message),
    [
      "lab.yml:4:16: node 'r1' bgp.asn: expected a number, got the text 'x'",
      "lab.yml:6:11: node 'r2' kind: expected text, got the number 5",
      "lab.yml:7:5: node 'r2': unknown field 'color'",
    ],
  );
});

test("YAML-level problems", () => {
  bad("", "1:1", "the topology file is empty");
  bad("- a\n- b\n", "1:1", "the topology must be a mapping with name, nodes and links, not a list");
  bad("name: x\nnodes: {}\nname: y\n", "3:1", "duplicate top-level field 'name' (first defined at line 1)");
  bad("name: x\nnodes: {}\n---\nname: y\n", "3:1", "more than one YAML document");
  bad("name: x\nnodes: *missing\n", "2:8", "Unresolved alias");
  bad("nodes: {}\n", "1:1", "missing required field 'name'");
  bad("name: x\nnodes: {}\nlinkz: []\n", "3:1", "unknown top-level field 'linkz' (did you mean 'links'?)");
  // Anchors and merge keys work, and errors inside them point where they are written.
  const lab = ok("name: x\nnodes:\n  h1: &host {kind: linux, forwarding: true}\n  h2: {<<: *host}\n");
  assert.deepEqual(
    lab.nodes.map((n) => [n.name, n.kind, n.forwarding]),
    [
      ["h1", "linux", true],
      ["h2", "linux", true],
    ],
  );
  bad(
    "name: x\nnodes:\n  h1: &host {kind: linux, forwardin: true}\n  h2: *host\n",
    "3:27",
    "node 'h1': unknown field 'forwardin'",
  );
});

test("links with the wrong shape", () => {
  bad("name: x\nnodes: {a: {}}\nlinks:\n  - 5\n", "4:5", "link #1: expected a list or a mapping, got the number 5");
  bad(
    "name: x\nnodes: {a: {}}\nlinks:\n  - [a:1, 7]\n",
    "4:11",
    "link #1 endpoint #2: expected text or a mapping, got the number 7",
  );
  bad("name: x\nnodes: {a: {}, b: {}}\nlinks:\n  - [a:1]\n", "4:5", "link #1 has 1 endpoint (a:1)");
  bad("name: x\nnodes: {a: {}, b: {}}\nlinks:\n  - [a:1, b:lo]\n", "4:11", "port 'lo' of b is its loopback");
  bad("name: x\nnodes: {a: {}, b: {}}\nlinks:\n  - [a:1, ':1']\n", "4:11", "link endpoint ':1' has no node name");
  bad("name: x\nnodes: {a: {}, b: {}}\nlinks:\n  - [a:1, 'b:']\n", "4:11", "link endpoint 'b:' has an empty port name");
  bad("name: x\nnodes: {a: {}, b: {}}\nlinks:\n  - [a:sit0, b:1]\n", "4:6", "the kernel name 'sit0' is taken");
});

test("TopologyError: errors defaults to itself and survives JSON.stringify", () => {
  const e = bad("name: x\nnodes: {a: {}}\nlinks: [[a:1, b:1]]", "3:15", "unknown node 'b'");
  assert.deepEqual(e.errors, [e]);
  assert.doesNotThrow(() => JSON.stringify(e));
  const schema = bad("name: x\nnodes: {a: {kind: 1}, b: {kind: 2}}", "2:19", "node 'a' kind");
  assert.doesNotThrow(() => JSON.stringify(schema));
  assert.equal(schema.errors.length, 2);
});
