// Address rules across the lab (src/topology/resolve/addresses.ts checkLabAddresses): one
// address on one port, separate subnets on the ports of a node, a family in common on the
// two ends of a link unless it is BGP unnumbered; each refused at the address as written.
import { test } from "node:test";
import { lab, refused } from "./topo-helpers.js";

const three = (a: string, b: string, c: string, d: string) => `name: a
nodes: { r1: {}, r2: {}, r3: {} }
links:
  - [{ endpoint: r1:1, ip: ${a} }, { endpoint: r2:1, ip: ${b} }]
  - [{ endpoint: r2:2, ip: ${c} }, { endpoint: r3:1, ip: ${d} }]
`;

test("the same address on two ports of the lab is refused at the second", () => {
  const text = `name: a
nodes: { r1: {}, r2: {}, r3: {}, r4: {} }
links:
  - [{ endpoint: r1:1, ip: 10.0.0.1/30 }, { endpoint: r2:1, ip: 10.0.0.2/30 }]
  - [{ endpoint: r3:1, ip: 10.0.0.1/24 }, { endpoint: r4:1, ip: 10.0.0.3/24 }]
`;
  refused(text, "10.0.0.1/24", "address 10.0.0.1 of r3:1 is already used by r1:1");
});

test("overlapping subnets on two ports of one node are refused", () => {
  refused(
    three("10.0.0.1/24", "10.0.0.2/24", "10.0.0.129/25", "10.0.0.130/25"),
    "10.0.0.129/25",
    "subnet of 10.0.0.129/25 on r2:2 overlaps the subnet of 10.0.0.2/24 on r2:1",
  );
  // Link-local addresses repeat on every link by design.
  lab(three('"fe80::1/64"', '"fe80::2/64"', '"fe80::1/64"', '"fe80::2/64"'));
});

test("a link whose ends have no family in common is refused, unless it is unnumbered", () => {
  const text = `name: f
nodes:
  r1: { interfaces: { lo: { ip: 10.255.0.1/32 } }, bgp: { asn: 65001 } }
  r2: { interfaces: { lo: { ip: 10.255.0.2/32 } }, bgp: { asn: 65002 } }
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.0.0.1/30 }, { endpoint: r2:1, ip: "2001:db8::2/64" }]
`;
  refused(text, '"2001:db8::2/64"', "r1:1 has IPv4 only, r2:1 IPv6 only");
  lab(`${text}    bgp: { unnumbered: true }\n`);
});
