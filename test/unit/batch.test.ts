// Values on `ip -batch` lines: one validating function, and a plan built from hostile port
// names whose batch lines hold only such tokens (no `#` comment cutting off `netns …`).
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import { parseTopology } from "../../src/topology/load.js";
import { BatchTokenError, batchToken } from "../../src/util/batch.js";

test("batchToken passes what ip needs: names, addresses, prefixes, numbers", () => {
  for (const v of [
    "eth0",
    "Ethernet1_1",
    "wl_lab_r1",
    "10.0.0.1/31",
    "2001:db8::1/64",
    "::1",
    "fe80::1%eth0",
    "1500",
    "GigabitEth-1a2b",
    "br0",
    "veth.100",
  ]) {
    assert.equal(batchToken(v, "value"), v);
  }
});

test("batchToken refuses whitespace, comments, quotes, backslashes, control characters, options", () => {
  for (const v of [
    "",
    "leak#",
    "#",
    "a b",
    "a\tb",
    "a\nlink del dev eth0",
    'a"b',
    "a'b",
    "a\\b",
    "a\u0000b",
    "a\u007fb",
    "-force",
    "--help",
    "pört",
    "a\u200bb",
    "a;b",
    "$(reboot)",
    "a".repeat(300),
  ]) {
    assert.throws(
      () => batchToken(v, "interface name"),
      (e: unknown) => {
        assert.ok(e instanceof BatchTokenError);
        assert.match(e.message, /^interface name ".*" cannot go on an ip -batch line/s);
        return true;
      },
      JSON.stringify(v),
    );
  }
});

test("a plan from hostile port names has only safe tokens on its cable and address lines", () => {
  const lab = parseTopology(
    `name: hostile
defaults: {kind: linux}
nodes: {n1: {}, n2: {}}
links:
  - endpoints: [{endpoint: n1:a, ip: 10.0.0.0/31}, {endpoint: n2:"leak#", ip: 10.0.0.1/31}]
  - ['n1:a"b', 'n2:a\\b']
  - ["n1:a b", "n2:pört"]
`,
    "hostile.yml",
  );
  const plan = buildLabPlan(lab, new Map());
  const lines = plan.phases.flatMap((p) => p.groups.flat()).flatMap((s) => (s.type === "ip" ? s.lines : []));
  // Both ends in their namespaces: nothing after the peer's name is cut off.
  assert.ok(
    lines.some((l) =>
      /^link add name a address [0-9a-f:]{17} netns wl_hostile_n1 type veth peer name _leak__-[0-9a-f]{4} address [0-9a-f:]{17} netns wl_hostile_n2$/.test(
        l,
      ),
    ),
    lines.join("\n"),
  );
  for (const line of lines) {
    const words = line.split(" ");
    // The user's own name as alias is plan.ts's to route through argv when it is not a token.
    const alias = words.indexOf("alias");
    for (const [i, w] of words.entries()) if (alias < 0 || i !== alias + 1) batchToken(w, `word ${i} of '${line}'`);
  }
});
