// Small things a new user tripped over (issue "living labs": rough edges), one test each.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deploySummary } from "../../src/cli/commands/deploy-summary.js";
import { faultLine } from "../../src/cli/commands/verify.js";
import { describeAsPath } from "../../src/intents/bgp/state.js";
import { noSuchNode } from "../../src/topology/endpoints.js";

test("a fault applied as asked is not shown as a failure", () => {
  assert.doesNotMatch(faultLine("apply", "link r1:1 — r2:1 down"), /✗/);
  assert.match(faultLine("apply", "link r1:1 — r2:1 down"), /fault applied: link r1:1 — r2:1 down/);
  assert.match(faultLine("revert", "node r3 stopped"), /^✓ fault undone: node r3 stopped$/);
});

test("an iBGP-learned route is not called local", () => {
  assert.equal(describeAsPath({ aspath: "", peerId: "(unspec)", pathFrom: "external" }), "(local)");
  assert.equal(describeAsPath({ aspath: "", peerId: "0.0.0.0" }), "(local)");
  assert.equal(
    describeAsPath({ aspath: "", peerId: "10.255.0.2", pathFrom: "internal" }),
    "(empty: iBGP, from 10.255.0.2)",
  );
  assert.equal(describeAsPath({ aspath: "65002 65003", peerId: "192.168.101.2" }), "65002 65003");
});

test("an unknown node in exec, cli, node or capture gets a did-you-mean", () => {
  assert.equal(
    noSuchNode("seed", ["ops1", "ops2", "ops3"], "ops22"),
    "lab 'seed' has no node 'ops22' (did you mean 'ops2'?) (nodes: ops1, ops2, ops3)",
  );
});

test("deploy's table of a large lab fits the terminal; --json keeps every cable", async () => {
  const { clos } = await import("../../src/generate/shapes.js");
  const { toYaml } = await import("../../src/generate/yaml.js");
  const { parseTopology } = await import("../../src/topology/load.js");
  const lab = parseTopology(toYaml(clos({ spines: 4, leaves: 32 })), "clos.yml");
  const text = deploySummary(lab, 120);
  for (const line of text.split("\n")) assert.ok(line.length <= 120, `${line.length}: ${line}`);
  assert.match(text, /32 cables|4 cables/);
  assert.match(text, /every cable: wirelab inspect/);
  // A small lab keeps its cable list.
  const small = parseTopology("name: s\nnodes: { a: {}, b: {} }\nlinks: [[a:1, b:1]]\n", "s.yml");
  assert.match(deploySummary(small, 120), /1→b:1/);
});

test("the benchmark's peer scripts live in the repository and parse", async () => {
  const { execFileSync } = await import("node:child_process");
  const { PEERS } = await import("../../bench/tools.js");
  assert.match(PEERS, /bench\/peers$/);
  execFileSync("bash", ["-n", `${PEERS}/raw-chain.sh`]);
  execFileSync("python3", ["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())", `${PEERS}/mininet-chain.py`]);
});
