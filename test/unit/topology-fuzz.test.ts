// Property-based tests of the loader: generated valid topologies load to the model they
// describe; mutated and garbage files always give one positioned TopologyError (never a
// stack trace, never a hang). The loader creates nothing, so none of this touches the host.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";
import { isValidKernelIfname } from "../../src/topology/resolve/ifname.js";
import { FUZZ_RUNS } from "../integration/reliability-figures.js";
import { validTopology } from "../topology-arbitrary.js";

test("generated valid topologies load to the model they describe", () => {
  fc.assert(
    fc.property(validTopology, (t) => {
      const lab = parseTopology(stringify({ name: t.name, nodes: t.nodes, links: t.links }), "gen.yml");
      assert.deepEqual(
        lab.nodes.map((x) => x.name),
        t.names,
      );
      assert.equal(lab.links.length, t.n - 1);
      for (const node of lab.nodes) {
        const ifnames = node.ports.map((p) => p.ifname);
        assert.equal(new Set(ifnames).size, ifnames.length, `${node.name}: kernel names unique`);
        for (const p of node.ports) {
          assert.ok(isValidKernelIfname(p.ifname), `${node.name}:${p.name} → ${p.ifname} is a kernel name`);
          const peer = lab.nodes.find((x) => x.name === p.peer?.node)?.ports.find((x) => x.name === p.peer?.port);
          assert.deepEqual(peer?.peer, { node: node.name, port: p.name }, "cables pair both ways");
        }
      }
    }),
    { numRuns: FUZZ_RUNS },
  );
});

/** What the loader must do with anything: a Lab, or one TopologyError line with file:line:col. */
function assertCleanOutcome(text: string): void {
  const t0 = performance.now();
  try {
    parseTopology(text, "fuzz.yml");
  } catch (e) {
    assert.ok(e instanceof TopologyError, `not a TopologyError: ${(e as Error)?.stack ?? e}`);
    assert.equal(e.message.split("\n").length, 1, `one line: ${e.message}`);
    assert.match(e.message, /^fuzz\.yml:\d+:\d+: \S/);
    assert.doesNotMatch(e.message, /\n\s+at |TypeError|undefined is not/);
  }
  assert.ok(performance.now() - t0 < 2000, "no hang");
}

const seedText = stringify({
  name: "seed",
  nodes: {
    ops1: { bgp: { asn: 65001, networks: ["192.168.101.0/24"], neighbors: ["ops2"] } },
    ops2: { bgp: { asn: 65002, neighbors: ["ops1"] } },
  },
  links: [
    {
      endpoints: [
        { endpoint: "ops1:1", ip: "192.168.101.1/24" },
        { endpoint: "ops2:1", ip: "192.168.101.2/24" },
      ],
    },
  ],
});

const nasty = fc.constantFrom(
  "$(reboot)",
  "`id`",
  "; rm -rf /",
  "../x",
  "../../etc/passwd",
  "a/b",
  "\u202e\u0000",
  "ops1\nops2",
  "9".repeat(400),
  "-1",
  "1e309",
  "0x10",
  "~",
  "null",
  "*a",
  "&a [",
  "{",
  "]",
  "ü🙂".repeat(40),
  "x".repeat(5000),
  "'",
  '"',
  "\t",
  "- - -",
  "!!binary aGVsbG8=",
  "!!js/function x",
  "<<: *x",
);

test("mutated topology files give one positioned error or a valid lab", () => {
  const lines = seedText.split("\n");
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant("delete"), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
          fc.record({ op: fc.constant("insert"), at: fc.nat(), what: fc.oneof(nasty, fc.string()) }),
          fc.record({ op: fc.constant("dupline"), at: fc.nat() }),
          fc.record({ op: fc.constant("swaplines"), at: fc.nat(), other: fc.nat() }),
          fc.record({ op: fc.constant("value"), at: fc.nat(), what: nasty }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      (mutations) => {
        let ls = [...lines];
        for (const m of mutations) {
          const i = m.at % ls.length;
          if (m.op === "delete") {
            const text = ls.join("\n");
            const at = m.at % (text.length || 1);
            ls = (text.slice(0, at) + text.slice(at + m.len)).split("\n");
          } else if (m.op === "insert") {
            const text = ls.join("\n");
            const at = m.at % (text.length || 1);
            ls = (text.slice(0, at) + m.what + text.slice(at)).split("\n");
          } else if (m.op === "dupline") ls.splice(i, 0, ls[i] ?? "");
          else if (m.op === "swaplines") {
            const j = m.other % ls.length;
            [ls[i], ls[j]] = [ls[j] ?? "", ls[i] ?? ""];
          } else {
            // Replace a scalar value: the text after the last ': ' on the line.
            const line = ls[i] ?? "";
            const k = line.lastIndexOf(": ");
            ls[i] = k >= 0 ? `${line.slice(0, k + 2)}${JSON.stringify(m.what)}` : `${line}${m.what}`;
          }
        }
        assertCleanOutcome(ls.join("\n"));
      },
    ),
    { numRuns: FUZZ_RUNS },
  );
});

test("garbage input of any kind gives one positioned error", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.string(), nasty), (text) => assertCleanOutcome(text)),
    { numRuns: FUZZ_RUNS },
  );
});

const badNames = fc.oneof(
  fc.constantFrom(
    "$(reboot)",
    "`id`",
    "; rm -rf /",
    "../x",
    "../../etc/passwd",
    "a/b",
    "a b",
    "a.b",
    "-x",
    "ops1\nops2",
  ),
  // Anything with a character outside letters, digits, '-' and '_'.
  fc
    .tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.constantFrom(..."$`;|&<>(){}[]!*?'\"\\/.: \t~#%^=,+@"))
    .map(([a, c]) => a + c),
);

test("names with shell metacharacters or path parts are refused at their position", () => {
  fc.assert(
    fc.property(badNames, fc.boolean(), (bad, asLab) => {
      const doc = asLab
        ? { name: bad, nodes: { r1: {} } }
        : { name: "ok", nodes: { [bad]: {} }, links: [] as unknown[] };
      const text = stringify(doc);
      assert.throws(
        () => parseTopology(text, "fuzz.yml"),
        (e: unknown) => e instanceof TopologyError && /^fuzz\.yml:\d+:\d+: /.test(e.message),
      );
    }),
    { numRuns: FUZZ_RUNS },
  );
});
