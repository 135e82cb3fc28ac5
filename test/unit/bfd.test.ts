// BFD: FRR's `show bfd peers json` parsed, the protocol deploy waits for, and `bfd-session`
// checks resolved from the file (peers by node, port or address; errors at file:line:col).
import assert from "node:assert/strict";
import { test } from "node:test";
import { findNode } from "../../src/core/model.js";
import { parseBfdPeers } from "../../src/stacks/frr/bfd.js";
import { protocolsFor } from "../../src/stacks/frr/daemons.js";
import { parseTopology } from "../../src/topology/load.js";
import { refused } from "./topo-helpers.js";

test("show bfd peers json (FRR 8.4) → peers with status, interface and hop kind", () => {
  const json = [
    { multihop: false, peer: "fe80::1", local: "fe80::2", vrf: "default", interface: "swp1", status: "up", uptime: 4 },
    { multihop: true, peer: "10.255.0.1", local: "10.255.0.2", vrf: "default", status: "down", downtime: 1 },
  ];
  assert.deepEqual(parseBfdPeers(json), [
    { peer: "fe80::1", status: "up", up: true, multihop: false, local: "fe80::2", interface: "swp1", uptimeS: 4 },
    { peer: "10.255.0.1", status: "down", up: false, multihop: true, local: "10.255.0.2" },
  ]);
  assert.deepEqual(parseBfdPeers({ warning: "x" }), []);
});

const LAB = `name: b
nodes:
  r1: { bgp: { asn: 65001, neighbors: [r2, { port: "2" }] } }
  r2: { bgp: { asn: 65002, neighbors: [{ node: r1, bfd: true }] } }
  r3: { interfaces: { lo: { ip: 10.255.0.3/32 } }, bgp: { asn: 65003, neighbors: [r1] } }
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
    bfd: true
  - endpoints: [r1:2, r3:1]
    bgp: { unnumbered: true }
checks:
  - bfd-session: r2
  - bgp-session: { node: r1, neighbors: ["2", r3] }
  - bfd-session: { node: r1, peers: [r2, "2", 10.0.0.1], expect: up }
`;

test("deploy waits for bfd on nodes that run bfdd; bfd-session and bgp-session peers by node, port or address", () => {
  const lab = parseTopology(LAB, "lab.yml");
  const r1 = findNode(lab, "r1");
  assert.ok(r1);
  assert.deepEqual(protocolsFor(r1), ["bgp", "bfd"]);
  const r3 = findNode(lab, "r3");
  assert.ok(r3);
  assert.deepEqual(protocolsFor(r3), ["bgp"]);
  const bgp = lab.checks?.[1]?.spec;
  assert.ok(bgp?.type === "bgp-session");
  assert.deepEqual(bgp.neighbors, [
    { label: "2", addresses: ["2"] },
    { label: "r3", addresses: ["2"] },
  ]);
  const spec = lab.checks?.[2]?.spec;
  assert.ok(spec?.type === "bfd-session");
  assert.deepEqual(spec.peers, [
    { label: "r2", addresses: ["10.0.0.1"], ifnames: ["1"] },
    { label: "2", addresses: [], ifnames: ["2"] },
    { label: "10.0.0.1", addresses: ["10.0.0.1"], ifnames: [] },
  ]);
  assert.equal(lab.checks?.[0]?.name, "r2 BFD sessions up");
});

test("bfd-session on a node without BFD, or naming an unknown peer, fails at the place", () => {
  refused(LAB.replace("bfd-session: r2", "bfd-session: r3"), "r3\n", "r3 runs no BFD");
  refused(LAB.replace('[r2, "2", 10.0.0.1]', "[r9]"), "r9", "is not an address, a port of r1 or a node");
});
