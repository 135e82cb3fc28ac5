// The BGP intent's sessions from small topologies: iBGP over loopbacks and route reflection,
// interface neighbors (BGP unnumbered), dual-stack sessions by node name, neighbor options;
// each refusal at the place in the file it is about. Rendered configs are checked by FRR's
// own parser in frr-render-bgp.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findNode } from "../../src/core/model.js";
import { bgpOf, lab, refused } from "./topo-helpers.js";

// rr1 in the middle, c1 and c2 cabled to it; everyone has an IPv4 loopback, AS 65000.
const RR = (rr1: string, c1 = "{ asn: 65000, neighbors: [rr1] }", extra = "") => `name: rr
nodes:
  rr1:
    interfaces: { lo: { ip: 10.255.0.1/32 } }
    bgp: ${rr1}
  c1:
    interfaces: { lo: { ip: 10.255.0.11/32 } }
    bgp: ${c1}
  c2:
    interfaces: { lo: { ip: 10.255.0.12/32 } }
    bgp: { asn: 65000, neighbors: [rr1] }
${extra}links:
  - [{ endpoint: rr1:1, ip: 10.0.1.0/31 }, { endpoint: c1:1, ip: 10.0.1.1/31 }]
  - [{ endpoint: rr1:2, ip: 10.0.2.0/31 }, { endpoint: c2:1, ip: 10.0.2.1/31 }]
`;

describe("iBGP over loopbacks and route reflection", () => {
  test("same-AS neighbors by node name peer between loopbacks, update-source lo", () => {
    const l = lab(RR("{ asn: 65000, neighbors: [c1, c2] }"));
    assert.deepEqual(bgpOf(l, "c1").neighbors, [
      { address: "10.255.0.1", remoteAs: 65000, updateSource: "lo", node: "rr1" },
    ]);
    assert.deepEqual(
      bgpOf(l, "rr1").neighbors.map((n) => [n.address, n.updateSource, n.routeReflectorClient]),
      [
        ["10.255.0.11", "lo", undefined],
        ["10.255.0.12", "lo", undefined],
      ],
    );
  });

  test("bgp.rr makes same-AS neighbors clients; a neighbor's own setting wins; cluster-id", () => {
    const l = lab(
      RR(
        "{ asn: 65000, rr: true, cluster-id: 10.255.0.100, neighbors: [c1, { node: c2, route-reflector-client: false }] }",
      ),
    );
    const rr = bgpOf(l, "rr1");
    assert.equal(rr.clusterId, "10.255.0.100");
    assert.deepEqual(
      rr.neighbors.map((n) => n.routeReflectorClient),
      [true, false],
    );
    assert.equal(bgpOf(l, "c1").neighbors[0]?.routeReflectorClient, undefined, "clients are not reflectors");
  });

  test("iBGP between nodes not cabled together needs only loopbacks", () => {
    const l = lab(RR("{ asn: 65000, neighbors: [c1, c2] }", "{ asn: 65000, neighbors: [rr1, c2] }"));
    assert.equal(bgpOf(l, "c1").neighbors[1]?.address, "10.255.0.12");
  });

  test("update-source lo toward a peer without a loopback is refused at update-source", () => {
    const text = `name: x
nodes:
  r1:
    interfaces: { lo: { ip: 10.255.0.1/32 } }
    bgp: { asn: 65000, neighbors: [{ node: r2, update-source: lo }] }
  r2:
    bgp: { asn: 65000, neighbors: [r1] }
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`;
    refused(text, "lo }", "r2 has no IPv4 loopback address");
  });

  test("port: keeps same-AS routers with loopbacks peering over their link", () => {
    const l = lab(RR("{ asn: 65000, neighbors: [{ node: c1, port: 1 }, c2] }"));
    assert.deepEqual(
      bgpOf(l, "rr1").neighbors.map((n) => [n.address, n.updateSource]),
      [
        ["10.0.1.1", undefined],
        ["10.255.0.12", "lo"],
      ],
    );
  });

  test("update-source lo without a loopback of its own, or eBGP to an uncabled router without multihop, is refused", () => {
    const text = (r1: string) => `name: x
nodes:
  r1:
    ${r1}
  r2:
    interfaces: { lo: { ip: 10.255.0.2/32 } }
    bgp: { asn: 65002, neighbors: [{ node: r1, update-source: lo, ebgp-multihop: 2 }] }
  r3: {}
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r3:1, ip: 10.0.0.1/31 }]
  - [{ endpoint: r3:2, ip: 10.0.1.0/31 }, { endpoint: r2:1, ip: 10.0.1.1/31 }]
`;
    refused(
      text("bgp: { asn: 65001, neighbors: [{ node: r2, update-source: lo }] }"),
      "lo }",
      "r1 has no loopback address",
    );
    refused(
      text(
        "interfaces: { lo: { ip: 10.255.0.1/32 } }\n    bgp: { asn: 65001, neighbors: [{ node: r2, update-source: lo }] }",
      ),
      "lo }",
      "not cabled to r1: set ebgp-multihop",
    );
  });

  test("without loopbacks, same-AS neighbors cabled together peer on the link as before", () => {
    const l = lab(`name: x
nodes:
  r1: { bgp: { asn: 65000, neighbors: [r2] } }
  r2: { bgp: { asn: 65000, neighbors: [r1] } }
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`);
    assert.deepEqual(bgpOf(l, "r1").neighbors, [{ address: "10.0.0.1", remoteAs: 65000, node: "r2", port: "1" }]);
  });

  test("route-reflector-client on an eBGP neighbor and cluster-id not IPv4 are refused", () => {
    const ebgp = `name: x
nodes:
  r1: { bgp: { asn: 65001, neighbors: [{ node: r2, route-reflector-client: true }] } }
  r2: { bgp: { asn: 65002, neighbors: [r1] } }
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`;
    refused(ebgp, "true", "only iBGP neighbors");
    refused(RR("{ asn: 65000, rr: true, cluster-id: 1.2.3, neighbors: [c1, c2] }"), "1.2.3", "invalid cluster-id");
  });

  test("eBGP over loopbacks between cabled routers: disable-connected-check, no multihop needed", () => {
    const l = lab(`name: x
nodes:
  r1:
    interfaces: { lo: { ip: 10.255.0.1/32 } }
    bgp: { asn: 65001, neighbors: [{ node: r2, update-source: lo }] }
  r2:
    interfaces: { lo: { ip: 10.255.0.2/32 } }
    bgp: { asn: 65002, neighbors: [{ node: r1, update-source: lo }] }
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`);
    assert.deepEqual(bgpOf(l, "r1").neighbors[0], {
      address: "10.255.0.2",
      remoteAs: 65002,
      updateSource: "lo",
      disableConnectedCheck: true,
      node: "r2",
    });
  });
});

const UNNUMBERED = `name: u
nodes:
  leaf1:
    interfaces: { lo: { ip: 10.255.1.1/32 } }
    bgp: { asn: 65101, neighbors: [{ port: swp1 }] }
  spine1:
    interfaces: { lo: { ip: 10.255.0.1/32 } }
    bgp: { asn: 65000, neighbors: [{ port: swp1 }, leaf2] }
  leaf2:
    interfaces: { lo: { ip: 10.255.1.2/32 } }
    bgp: { asn: 65102 }
links:
  - [leaf1:swp1, spine1:swp1]
  - endpoints: [leaf2:swp1, spine1:swp2]
    bgp: { unnumbered: true }
`;

describe("BGP unnumbered", () => {
  test("{ port } is an interface neighbor named by the kernel port, IPv4 and IPv6 over it", () => {
    const l = lab(UNNUMBERED);
    assert.deepEqual(bgpOf(l, "leaf1").neighbors, [
      { address: "swp1", remoteAs: 65000, unnumbered: true, families: ["ipv4", "ipv6"], node: "spine1", port: "swp1" },
    ]);
  });

  test("an unnumbered link peers its ends without a neighbor entry; by node name over it too", () => {
    const l = lab(UNNUMBERED);
    assert.deepEqual(
      bgpOf(l, "leaf2").neighbors.map((n) => [n.address, n.unnumbered, n.node]),
      [["swp1", true, "spine1"]],
    );
    assert.deepEqual(
      bgpOf(l, "spine1").neighbors.map((n) => [n.address, n.unnumbered, n.node]),
      [
        ["swp1", true, "leaf1"],
        ["swp2", true, "leaf2"],
      ],
    );
  });

  test("a node name over a link without addresses that is not unnumbered says how to fix it", () => {
    const text = UNNUMBERED.replace("[{ port: swp1 }, leaf2]", "[leaf1, leaf2]");
    refused(text, "leaf1, leaf2", "make the link bgp: { unnumbered: true }");
  });

  test("an unnumbered link to a node without bgp is refused at the link", () => {
    const text = UNNUMBERED.replace("    bgp: { asn: 65102 }\n", "").replace(
      "[{ port: swp1 }, leaf2]",
      "[{ port: swp1 }]",
    );
    refused(text, "true }", "leaf2 runs no BGP");
  });

  test("an interface neighbor on a port cabled to a bridge is refused", () => {
    refused(
      `name: b
nodes:
  r1: { bgp: { asn: 65001, router-id: 10.0.0.1, neighbors: [{ port: "1" }] } }
  br: { kind: bridge }
links:
  - [r1:1, br]
`,
      '"1"',
      "needs a point-to-point link",
    );
  });
});

describe("dual-stack sessions by node name", () => {
  const DS = `name: ds
nodes:
  r1: { bgp: { asn: 65001, neighbors: [r2], networks: ["2001:db8:1::/48"] } }
  r2: { bgp: { asn: 65002, neighbors: [r1] } }
links:
  - [{ endpoint: r1:1, ip: [10.0.0.0/31, "2001:db8::/127"] }, { endpoint: r2:1, ip: [10.0.0.1/31, "2001:db8::1/127"] }]
`;
  test("one session per family both ends have on the link, IPv4 first", () => {
    assert.deepEqual(
      bgpOf(lab(DS), "r1").neighbors.map((n) => n.address),
      ["10.0.0.1", "2001:db8::1"],
    );
  });

  test("the IPv6 session written out as well is one session, not an error", () => {
    const l = lab(DS.replace("neighbors: [r2]", 'neighbors: [r2, { node: r2, address: "2001:db8::1" }]'));
    assert.deepEqual(
      bgpOf(l, "r1").neighbors.map((n) => n.address),
      ["10.0.0.1", "2001:db8::1"],
    );
  });

  test("advertise-loopbacks announces each loopback as a host route", () => {
    const l = lab(
      DS.replace(
        "r1: { bgp: { asn: 65001,",
        'r1: { interfaces: { lo: { ip: [10.255.0.1/32, "2001:db8:ff::1/128"] } }, bgp: { asn: 65001, advertise-loopbacks: true,',
      ),
    );
    assert.deepEqual(bgpOf(l, "r1").networks, ["2001:db8:1::/48", "10.255.0.1/32", "2001:db8:ff::1/128"]);
  });
});

describe("neighbor options", () => {
  const two = (opts: string, asn2 = 65002) => `name: o
nodes:
  r1: { bgp: { asn: 65001, originate: [10.1.0.0/16], neighbors: [{ node: r2, ${opts} }] } }
  r2: { bgp: { asn: ${asn2}, bfd: true, neighbors: [r1] } }
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`;
  test("every option lands in the model", () => {
    const l = lab(
      two(
        "local-as: 65009, passive: true, password: s3cret, timers: { keepalive: 1, hold: 3 }, default-originate: true, send-community: large, next-hop-self: true, allowas-in: 2, remove-private-as: true, as-override: true, weight: 200, bfd: true",
      ),
    );
    const b = bgpOf(l, "r1");
    assert.deepEqual(b.originate, ["10.1.0.0/16"]);
    const { address, remoteAs, node, port, ...options } = b.neighbors[0] ?? { address: "" };
    assert.deepEqual(options, {
      nextHopSelf: true,
      bfd: true,
      localAs: 65009,
      passive: true,
      password: "s3cret",
      timers: { keepalive: 1, hold: 3 },
      defaultOriginate: true,
      sendCommunity: "large",
      allowasIn: 2,
      removePrivateAs: true,
      asOverride: true,
      weight: 200,
    });
    assert.deepEqual(findNode(l, "r1")?.stack?.options.daemons, ["zebra", "staticd", "bgpd", "bfdd"]);
  });

  test("eBGP-only options on iBGP, own AS as local-as, a short hold time are refused", () => {
    refused(two("as-override: true", 65001), "as-override", "eBGP sessions only");
    refused(two("local-as: 65001"), "65001 }", "this node's own AS");
    refused(two("timers: { keepalive: 1, hold: 2 }"), "2 }", "must be 0 or at least 3");
  });

  test("bgp.bfd for all, a link's bfd for its sessions, a neighbor's own false wins; one end only is refused", () => {
    const text = (r3: string) => `name: f
nodes:
  r1: { bgp: { asn: 65001, neighbors: [r2, { node: r3, bfd: false }] } }
  r2: { bgp: { asn: 65002, bfd: true, neighbors: [r1] } }
  r3: { interfaces: { lo: { ip: 10.255.0.3/32 } }, bgp: { asn: 65003, neighbors: [${r3}] } }
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
    bfd: true
  - endpoints: [{ endpoint: r1:2, ip: 10.0.1.0/31 }, { endpoint: r3:1, ip: 10.0.1.1/31 }]
    bfd: true
`;
    const l = lab(text("{ node: r1, bfd: false }"));
    assert.deepEqual(
      bgpOf(l, "r1").neighbors.map((n) => n.bfd),
      [true, false],
    );
    assert.equal(bgpOf(l, "r2").neighbors[0]?.bfd, true);
    assert.equal(bgpOf(l, "r3").neighbors[0]?.bfd, false);
    // r3 takes BFD from the link, r1 turns it off: bfdd would keep r3's session down forever.
    refused(text("r1"), "bgp: { asn: 65003", "BFD is on r3's BGP session to r1 (10.0.1.0) but not on r1's end");
  });
});
