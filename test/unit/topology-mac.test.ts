// Every port gets a MAC: written (`mac:`) or derived from lab, node and port, the same on every
// load, so IPv6 link-local addresses and next hops are the same on every deploy.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";
import { derivedMac } from "../../src/topology/resolve/mac.js";

const text = `name: m
nodes:
  r1: { interfaces: { "1": { mac: "02:AA:00:00:00:01" } } }
  r2: {}
links:
  - [r1:1, r2:1]
  - endpoints: [r1:2, { endpoint: r2:2, mac: "02:bb:00:00:00:02" }]
`;

const macs = (t: string) =>
  Object.fromEntries(
    parseTopology(t, "m.yml").nodes.flatMap((n) => n.ports.map((p) => [`${n.name}:${p.name}`, p.mac])),
  );

test("written MACs are used (lower case), the others derived, the same on every load", () => {
  const a = macs(text);
  assert.equal(a["r1:1"], "02:aa:00:00:00:01");
  assert.equal(a["r2:2"], "02:bb:00:00:00:02");
  assert.equal(a["r2:1"], derivedMac("m/r2/1"));
  assert.deepEqual(macs(text), a);
  for (const mac of Object.values(a)) {
    const first = Number.parseInt((mac as string).slice(0, 2), 16);
    assert.equal(first & 1, 0, `${mac} is unicast`);
    assert.equal(first & 2, 2, `${mac} is locally administered`);
  }
});

test("a bad, multicast or duplicate MAC is refused at its place in the file", () => {
  for (const [mac, re] of [
    ["02:aa:00:00:00", /invalid MAC/],
    ["01:00:5e:00:00:01", /multicast/],
    ["02:bb:00:00:00:02", /already r2:2's|already r1:1's/],
  ] as const) {
    const t = text.replace('"02:AA:00:00:00:01"', `"${mac}"`);
    assert.throws(
      () => parseTopology(t, "m.yml"),
      (e: unknown) => e instanceof TopologyError && re.test(e.message) && /^m\.yml:\d+:\d+: /.test(e.message),
      mac,
    );
  }
});
