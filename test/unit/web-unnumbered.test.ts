// The web view pairs the two halves of a BGP unnumbered session, which each end names by its
// own port (FRR keys interface neighbors by interface name), through the cabling.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addressOwners, pairSessions } from "../../src/web/snapshot.js";
import { lab } from "./topo-helpers.js";

test("interface sessions pair through the cable their ports are on", () => {
  const l = lab(`name: w
nodes:
  leaf1: { interfaces: { lo: { ip: 10.255.1.1/32 } }, bgp: { asn: 65101 } }
  spine1: { interfaces: { lo: { ip: 10.255.0.1/32 } }, bgp: { asn: 65000 } }
links:
  - endpoints: [leaf1:swp1, spine1:1]
    bgp: { unnumbered: true }
`);
  const halves = [
    { node: "leaf1", peerAddress: "swp1", remoteAs: 65000, localAs: 65101, state: "Established" },
    { node: "spine1", peerAddress: "1", remoteAs: 65101, localAs: 65000, state: "Established" },
  ];
  const sessions = Object.values(pairSessions(halves, addressOwners(l)));
  assert.equal(sessions.length, 1);
  assert.deepEqual([sessions[0]?.a, sessions[0]?.b, sessions[0]?.established], ["leaf1", "spine1", true]);
});
