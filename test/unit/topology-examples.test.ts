// The shipped examples load to the model the runtimes expect.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { findNode, findPort, type Lab, type NodeModel } from "../../src/core/model.js";
import { loadTopology } from "../../src/topology/load.js";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

function node(lab: Lab, name: string): NodeModel {
  const n = findNode(lab, name);
  assert.ok(n, `node ${name} exists`);
  return n;
}

const frrDefaults = { profile: "datacenter", ebgpRequiresPolicy: false, daemons: ["zebra", "staticd", "bgpd"] };

test("seed-ebgp.yml: the seed's three routers with eBGP intent", async () => {
  const file = example("seed-ebgp.yml");
  const lab = await loadTopology(file);
  const pos = (line: number, col: number) => ({ file, line, col });
  // The seed's checks (what it did by eye) are asserted in their own test below.
  const { checks, ...network } = lab;
  assert.equal(checks?.length, 4);
  // Derived MACs are tested in topology-mac.test.ts; here the rest of each port.
  for (const n of network.nodes) for (const p of n.ports) delete p.mac;
  assert.deepEqual(network, {
    name: "seed-ebgp",
    file,
    nodes: [
      {
        name: "ops1",
        kind: "frr",
        role: "router",
        ports: [
          {
            node: "ops1",
            name: "1",
            ifname: "1",
            addresses: ["192.168.101.1/24"],
            link: 0,
            peer: { node: "ops2", port: "1" },
          },
        ],
        loopback: [],
        forwarding: true,
        subnets: [],
        pos: pos(13, 3),
        intents: {
          bgp: {
            asn: 65001,
            routerId: "192.168.101.1",
            networks: ["192.168.101.0/24"],
            redistribute: [],
            neighbors: [{ address: "192.168.101.2", remoteAs: 65002, node: "ops2", port: "1" }],
          },
        },
        stack: { name: "frr", options: frrDefaults },
        runtime: { name: "netns" },
      },
      {
        name: "ops2",
        kind: "frr",
        role: "router",
        ports: [
          {
            node: "ops2",
            name: "1",
            ifname: "1",
            addresses: ["192.168.101.2/24"],
            link: 0,
            peer: { node: "ops1", port: "1" },
          },
          {
            node: "ops2",
            name: "2",
            ifname: "2",
            addresses: ["192.168.102.1/24"],
            link: 1,
            peer: { node: "ops3", port: "1" },
          },
        ],
        loopback: [],
        forwarding: true,
        subnets: [],
        pos: pos(19, 3),
        intents: {
          bgp: {
            asn: 65002,
            routerId: "192.168.101.2",
            networks: [],
            redistribute: [],
            neighbors: [
              { address: "192.168.101.1", remoteAs: 65001, node: "ops1", port: "1" },
              { address: "192.168.102.2", remoteAs: 65003, node: "ops3", port: "2" },
            ],
          },
        },
        stack: { name: "frr", options: frrDefaults },
        runtime: { name: "netns" },
      },
      {
        name: "ops3",
        kind: "frr",
        role: "router",
        ports: [
          {
            node: "ops3",
            name: "1",
            ifname: "1",
            addresses: ["192.168.102.2/24"],
            link: 1,
            peer: { node: "ops2", port: "2" },
          },
        ],
        loopback: [],
        forwarding: true,
        subnets: [],
        pos: pos(24, 3),
        intents: {
          bgp: {
            asn: 65003,
            routerId: "192.168.102.2",
            networks: ["192.168.102.0/24"],
            redistribute: [],
            neighbors: [{ address: "192.168.102.1", remoteAs: 65002, node: "ops2", port: "1" }],
          },
        },
        stack: { name: "frr", options: frrDefaults },
        runtime: { name: "netns" },
      },
    ],
    links: [
      { index: 0, a: { node: "ops1", port: "1" }, b: { node: "ops2", port: "1" }, pos: pos(32, 5) },
      { index: 1, a: { node: "ops2", port: "2" }, b: { node: "ops3", port: "1" }, pos: pos(35, 5) },
    ],
  });
});

test("seed-ebgp-raw.yml: the seed's vtysh configs kept verbatim, links without addresses", async () => {
  const lab = await loadTopology(example("seed-ebgp-raw.yml"));
  assert.equal(lab.name, "seed-ebgp-raw");
  assert.deepEqual(
    lab.nodes.map((n) => n.name),
    ["ops1", "ops2", "ops3"],
  );
  assert.deepEqual(
    lab.links.map((l) => [l.a, l.b]),
    [
      [
        { node: "ops1", port: "1" },
        { node: "ops2", port: "1" },
      ],
      [
        { node: "ops2", port: "2" },
        { node: "ops3", port: "1" },
      ],
    ],
  );
  for (const n of lab.nodes) {
    assert.equal(n.kind, "frr");
    assert.equal(n.intents.bgp, undefined, "no bgp intent: the config has it");
    assert.deepEqual(n.stack?.options, frrDefaults, "bgpd is started because the config has `router bgp`");
    for (const p of n.ports) assert.deepEqual(p.addresses, []);
  }
  const ops1 = node(lab, "ops1");
  assert.equal(
    ops1.stack?.config,
    [
      "hostname ops1",
      "router bgp 65001",
      "bgp router-id 192.168.101.1",
      "network 192.168.101.0/24",
      "neighbor 192.168.101.2 remote-as 65002",
      "interface 1",
      "no shutdown",
      "ip address 192.168.101.1/24",
      "",
    ].join("\n"),
  );
  assert.match(node(lab, "ops2").stack?.config ?? "", /^neighbor 192\.168\.102\.2 remote-as 65003$/m);
  assert.match(node(lab, "ops3").stack?.config ?? "", /^network 192\.168\.102\.0\/24$/m);
  assert.deepEqual(
    node(lab, "ops2").ports.map((p) => [p.name, p.ifname, p.peer]),
    [
      ["1", "1", { node: "ops1", port: "1" }],
      ["2", "2", { node: "ops3", port: "1" }],
    ],
  );
});

test("seed-bridges.yml: Docker-style networks as bridges, BGP neighbors across them", async () => {
  const lab = await loadTopology(example("seed-bridges.yml"));
  const net101 = node(lab, "net101");
  const net102 = node(lab, "net102");
  assert.equal(net101.kind, "bridge");
  assert.deepEqual(net101.subnets, ["192.168.101.0/24"]);
  assert.deepEqual(net102.subnets, ["192.168.102.0/24"]);
  assert.equal(net101.forwarding, false);
  assert.equal(net101.stack, undefined);
  // Bridge-side ports are named p1, p2, ... in link order.
  assert.deepEqual(
    net101.ports.map((p) => [p.name, p.ifname, p.addresses, p.peer]),
    [
      ["p1", "p1", [], { node: "ops1", port: "1" }],
      ["p2", "p2", [], { node: "ops2", port: "1" }],
    ],
  );
  assert.deepEqual(
    net102.ports.map((p) => [p.name, p.peer]),
    [
      ["p1", { node: "ops2", port: "2" }],
      ["p2", { node: "ops3", port: "1" }],
    ],
  );
  const ops2 = node(lab, "ops2");
  assert.deepEqual(findPort(ops2, "2")?.addresses, ["192.168.102.1/24"]);
  assert.deepEqual(findPort(ops2, "2")?.peer, { node: "net102", port: "p1" });
  // Router-ids default to the lowest IPv4 interface address: the seed's own router-ids.
  assert.deepEqual(
    lab.nodes.filter((n) => n.intents.bgp).map((n) => [n.name, n.intents.bgp?.routerId]),
    [
      ["ops1", "192.168.101.1"],
      ["ops2", "192.168.101.2"],
      ["ops3", "192.168.102.2"],
    ],
  );
  assert.deepEqual(ops2.intents.bgp?.neighbors, [
    { address: "192.168.101.1", remoteAs: 65001, node: "ops1", port: "1" },
    { address: "192.168.102.2", remoteAs: 65003, node: "ops3", port: "2" },
  ]);
  assert.deepEqual(node(lab, "ops3").intents.bgp?.neighbors, [
    { address: "192.168.102.1", remoteAs: 65002, node: "ops2", port: "1" },
  ]);
  assert.deepEqual(
    lab.links.map((l) => `${l.a.node}:${l.a.port}-${l.b.node}:${l.b.port}`),
    ["ops1:1-net101:p1", "ops2:1-net101:p2", "ops2:2-net102:p1", "ops3:1-net102:p2"],
  );
});

test("intent and raw examples describe the same cabling", async () => {
  const intent = await loadTopology(example("seed-ebgp.yml"));
  const raw = await loadTopology(example("seed-ebgp-raw.yml"));
  const cabling = (lab: Lab) => lab.links.map((l) => [l.a, l.b]);
  assert.deepEqual(cabling(intent), cabling(raw));
});

test("seed-ebgp.yml: the checks the seed did by eye", async () => {
  const lab = await loadTopology(example("seed-ebgp.yml"));
  assert.deepEqual(
    lab.checks?.map((c) => [c.name, c.timeoutMs, c.spec]),
    [
      [
        "ops1 learns ops3's 192.168.102.0/24 through ops2",
        30_000,
        {
          type: "bgp-route",
          node: "ops1",
          prefix: "192.168.102.0/24",
          afi: "ipv4",
          best: true,
          expect: "present",
          nexthop: "192.168.101.2",
          asPath: "65002 65003",
        },
      ],
      [
        "ops1 announces its own 192.168.101.0/24",
        30_000,
        {
          type: "bgp-route",
          node: "ops1",
          prefix: "192.168.101.0/24",
          afi: "ipv4",
          best: true,
          expect: "present",
          asPath: "",
        },
      ],
      ["ops2 BGP sessions Established", 30_000, { type: "bgp-session", node: "ops2", expect: "established" }],
      [
        "ops1 pings ops3 across ops2",
        30_000,
        { type: "ping", from: "ops1", to: "192.168.102.2", target: "192.168.102.2", expect: "success" },
      ],
    ],
  );
});

test("square-ebgp.yml: four routers, checks and two failure scenarios", async () => {
  const lab = await loadTopology(example("square-ebgp.yml"));
  assert.deepEqual(
    lab.nodes.map((n) => [n.name, n.intents.bgp?.asn, n.intents.bgp?.neighbors.map((x) => x.node)]),
    [
      ["r1", 65001, ["r2", "r4"]],
      ["r2", 65002, ["r1", "r3"]],
      ["r3", 65003, ["r2", "r4"]],
      ["r4", 65004, ["r3", "r1"]],
    ],
  );
  assert.equal(lab.checks?.length, 4);
  assert.deepEqual(
    lab.scenarios?.map((s) => [s.name, s.faults]),
    [
      ["cut-r1-r2", [{ type: "link-down", link: 0 }]],
      ["stop-r2", [{ type: "node-stop", node: "r2" }]],
    ],
  );
  const ping = lab.checks?.find((c) => c.spec.type === "ping")?.spec;
  assert.deepEqual(ping, {
    type: "ping",
    from: "r1",
    to: "10.0.0.2",
    target: "r2",
    source: "10.0.0.1",
    expect: "success",
  });
});
