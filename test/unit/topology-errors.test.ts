// Every malformed file in test/fixtures/bad gives one TopologyError: one line, starting with
// file:line:col, at the exact position written in the fixture's first line:
//   # expect: <line>:<col> <text the message must contain>
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { TopologyError } from "../../src/topology/errors.js";
import { loadTopology } from "../../src/topology/load.js";

const dir = fileURLToPath(new URL("../fixtures/bad/", import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".yml"))
  .sort();

test("there are enough malformed fixtures", () => {
  assert.ok(fixtures.length >= 12, `${fixtures.length} fixtures`);
});

for (const name of fixtures) {
  const file = `${dir}${name}`;
  const first = readFileSync(file, "utf8").split("\n")[0] ?? "";
  const m = /^# expect: (\d+):(\d+) (.+)$/.exec(first);
  test(`bad/${name}`, async () => {
    assert.ok(m, `${name} starts with '# expect: <line>:<col> <text>'`);
    const [, line, col, text] = m;
    await assert.rejects(loadTopology(file), (e: unknown) => {
      assert.ok(e instanceof TopologyError, `a TopologyError, got ${String(e)}`);
      assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
      const prefix = `${file}:${line}:${col}: `;
      assert.ok(e.message.startsWith(prefix), `expected prefix ${prefix}\n     got ${e.message}`);
      assert.ok(e.message.includes(text as string), `expected ${JSON.stringify(text)} in\n ${e.message}`);
      assert.deepEqual(e.pos, { file, line: Number(line), col: Number(col) });
      assert.equal(e.detail, e.message.slice(prefix.length));
      assert.doesNotMatch(e.message, /Invalid input|ZodError|\bat .*\.ts:\d+/);
      return true;
    });
  });
}

test("a missing file is a TopologyError too", async () => {
  await assert.rejects(loadTopology(`${dir}does-not-exist.yml`), (e: unknown) => {
    assert.ok(e instanceof TopologyError);
    assert.match(e.message, /does-not-exist\.yml:1:1: cannot read the topology file: no such file$/);
    return true;
  });
});
