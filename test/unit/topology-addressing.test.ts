// Automatic addressing (defaults.addressing): deterministic, never on top of written
// addresses, errors at the pool's place in the file.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { findNode, type Lab } from "../../src/core/model.js";
import { parsePrefix } from "../../src/topology/address.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";
import { AddressPool, allocateAddresses } from "../../src/topology/resolve/addressing.js";

const FILE = "lab.yml";

function lab(text: string): Lab {
  return parseTopology(text, FILE);
}

function addrs(l: Lab, node: string, port: string): string[] {
  return findNode(l, node)?.ports.find((p) => p.name === port)?.addresses ?? [];
}

function errorOf(text: string): TopologyError {
  try {
    parseTopology(text, FILE);
  } catch (e) {
    assert.ok(e instanceof TopologyError, String(e));
    return e;
  }
  assert.fail("expected a TopologyError");
}

const CHAIN = `name: a
defaults:
  addressing: { p2p: 10.0.0.0/24, loopback: 10.255.0.0/24 }
nodes:
  r1: { bgp: { asn: 65001, neighbors: [r2] } }
  r2: { bgp: { asn: 65002, neighbors: [r1, r3] } }
  r3: { bgp: { asn: 65003, neighbors: [r2] } }
links:
  - [r1:1, r2:1]
  - [r2:2, r3:1]
`;

describe("automatic addressing", () => {
  test("links get /31s in link order, routers /32 loopbacks in node order", () => {
    const l = lab(CHAIN);
    assert.deepEqual(addrs(l, "r1", "1"), ["10.0.0.0/31"]);
    assert.deepEqual(addrs(l, "r2", "1"), ["10.0.0.1/31"]);
    assert.deepEqual(addrs(l, "r2", "2"), ["10.0.0.2/31"]);
    assert.deepEqual(addrs(l, "r3", "1"), ["10.0.0.3/31"]);
    assert.deepEqual(
      l.nodes.map((n) => n.loopback),
      [["10.255.0.1/32"], ["10.255.0.2/32"], ["10.255.0.3/32"]],
    );
  });

  test("BGP neighbors by name peer over the automatic addresses; router-id is the loopback", () => {
    const l = lab(CHAIN);
    const r2 = findNode(l, "r2")?.intents.bgp;
    assert.equal(r2?.routerId, "10.255.0.2");
    assert.deepEqual(
      r2?.neighbors.map((n) => [n.node, n.address, n.remoteAs]),
      [
        ["r1", "10.0.0.0", 65001],
        ["r3", "10.0.0.3", 65003],
      ],
    );
  });

  test("deterministic: the same file gives the same addresses", () => {
    assert.deepEqual(lab(CHAIN), lab(CHAIN));
  });

  test("without the block nothing is added (links stay without addresses)", () => {
    const l = lab("name: a\nnodes:\n  h1: { kind: linux }\n  h2: { kind: linux }\nlinks:\n  - [h1:1, h2:1]\n");
    assert.deepEqual(addrs(l, "h1", "1"), []);
    assert.deepEqual(findNode(l, "h1")?.loopback, []);
  });

  test("written addresses are kept, and their subnets are skipped by the pool", () => {
    const l = lab(`name: a
defaults:
  addressing: { p2p: 10.0.0.0/24 }
nodes:
  h1: { kind: linux, interfaces: { lo: { ip: 10.0.0.1/32 } } }
  h2: { kind: linux }
  h3: { kind: linux }
links:
  - [{ endpoint: h1:1, ip: 10.0.0.2/31 }, { endpoint: h2:1, ip: 10.0.0.3/31 }]
  - [h2:2, h3:1]
`);
    assert.deepEqual(addrs(l, "h1", "1"), ["10.0.0.2/31"]);
    // 10.0.0.0/31 holds h1's loopback, 10.0.0.2/31 the written link: the next free block.
    assert.deepEqual(addrs(l, "h2", "2"), ["10.0.0.4/31"]);
    assert.deepEqual(addrs(l, "h3", "1"), ["10.0.0.5/31"]);
    // Linux hosts without forwarding are not routers: no loopback from the pool.
    assert.deepEqual(findNode(l, "h2")?.loopback, []);
  });

  test("/30 links, IPv6 /127 and /64, IPv6 loopbacks", () => {
    const l = lab(`name: a
defaults:
  addressing:
    p2p: 10.1.0.0/24
    p2p-length: 30
    p2p6: "fd00::/48"
    loopback6: "fd00:ff::/64"
nodes:
  r1: { bgp: { asn: 65001 }, frr: { lab-timers: false } }
  r2: { kind: linux, forwarding: true }
links:
  - [r1:1, r2:1]
`);
    assert.deepEqual(addrs(l, "r1", "1"), ["10.1.0.1/30", "fd00::/127"]);
    assert.deepEqual(addrs(l, "r2", "1"), ["10.1.0.2/30", "fd00::1/127"]);
    assert.deepEqual(findNode(l, "r1")?.loopback, ["fd00:ff::1/128"]);
    assert.deepEqual(findNode(l, "r2")?.loopback, ["fd00:ff::2/128"]);
    assert.equal(findNode(l, "r1")?.stack?.options.labTimers, false);
    const v64 = lab(`name: a
defaults: { addressing: { p2p6: "fd00::/48", p2p6-length: 64 } }
nodes: { a: { kind: linux }, b: { kind: linux } }
links: [[a:1, b:1], [a:2, b:2]]
`);
    assert.deepEqual(addrs(v64, "a", "1"), ["fd00::1/64"]);
    assert.deepEqual(addrs(v64, "b", "2"), ["fd00:0:0:1::2/64"]);
  });

  test("links to bridges and links with a subnet of the family are left alone", () => {
    const l = lab(`name: a
defaults: { addressing: { p2p: 10.0.0.0/24 } }
nodes:
  br: { kind: bridge }
  h1: { kind: linux }
  h2: { kind: linux }
links:
  - [h1:1, br]
  - { endpoints: [h1:2, h2:2], subnet: 192.168.0.0/24 }
  - [h2:1, br]
`);
    assert.deepEqual(addrs(l, "h1", "1"), []);
    assert.deepEqual(addrs(l, "h1", "2"), []);
  });

  test("an exhausted pool is an error at the pool's place in the file", () => {
    const text = `name: a
defaults:
  addressing:
    p2p: 10.0.0.0/31
nodes: { a: { kind: linux }, b: { kind: linux } }
links: [[a:1, b:1], [a:2, b:2]]
`;
    const e = errorOf(text);
    assert.equal(`${e.pos?.line}:${e.pos?.col}`, "4:10");
    assert.match(
      e.message,
      /^lab\.yml:4:10: address pool 10\.0\.0\.0\/31 \(addressing\.p2p\) is exhausted: 2 links need a \/31 each and it holds 1/,
    );
    const lo = errorOf(`name: a
defaults: { addressing: { loopback: 10.255.0.0/31 } }
nodes: { r1: { bgp: { asn: 1, router-id: 1.1.1.1 } }, r2: { bgp: { asn: 2, router-id: 1.1.1.2 } } }
`);
    // A /31 loopback pool skips its first address: one router fits, two do not.
    assert.match(
      lo.message,
      /^lab\.yml:2:37: address pool 10\.255\.0\.0\/31 \(addressing\.loopback\) is exhausted: 2 routers/,
    );
  });

  test("bad pools: not a prefix, wrong family, smaller than a block, overlapping", () => {
    assert.match(
      errorOf("name: a\ndefaults: { addressing: { p2p: 10.0.0.1/24 } }\nnodes: {}\n").message,
      /lab\.yml:2:32: invalid address pool 10\.0\.0\.1\/24 \(addressing\.p2p\): host bits are set/,
    );
    assert.match(
      errorOf('name: a\ndefaults: { addressing: { p2p: "fd00::/64" } }\nnodes: {}\n').message,
      /addressing\.p2p must be an IPv4 prefix/,
    );
    assert.match(
      errorOf("name: a\ndefaults: { addressing: { p2p: 10.0.0.0/32 } }\nnodes: {}\n").message,
      /is smaller than one \/31/,
    );
    assert.match(
      errorOf("name: a\ndefaults: { addressing: { p2p: 10.0.0.0/16, loopback: 10.0.255.0/24 } }\nnodes: {}\n").message,
      /lab\.yml:2:55: address pools 10\.0\.0\.0\/16 \(addressing\.p2p\) and 10\.0\.255\.0\/24 \(addressing\.loopback\) overlap/,
    );
    assert.match(errorOf("name: a\ndefaults: { addressing: { p2p-length: 29 } }\nnodes: {}\n").message, /p2p-length/);
  });

  test("AddressPool hands out blocks in order and skips taken ranges", () => {
    const p = (s: string) => {
      const c = parsePrefix(s);
      assert.ok(typeof c !== "string");
      return c;
    };
    const pool = new AddressPool(p("10.0.0.0/29"), 31, [p("10.0.0.2/31")]);
    assert.equal(pool.capacity, 4n);
    const blocks = [pool.take(), pool.take(), pool.take(), pool.take()];
    assert.deepEqual(
      blocks.map((b) => (b === undefined ? undefined : pool.address(b, 0, 31))),
      ["10.0.0.0/31", "10.0.0.4/31", "10.0.0.6/31", undefined],
    );
    const r = allocateAddresses(
      { p2p: "10.0.0.0/30" },
      {
        links: [
          { needs4: true, needs6: false },
          { needs4: false, needs6: true },
        ],
        routers: [],
        taken: [],
      },
    );
    assert.deepEqual(r.links, [
      { a: ["10.0.0.0/31"], b: ["10.0.0.1/31"] },
      { a: [], b: [] },
    ]);
  });
});
