// docs/reliability.md quotes the figures the reliability tests run with; keep them in step.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { DECOYS, FUZZ_RUNS, KILL_POINTS } from "../integration/reliability-figures.js";

const doc = await readFile(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/reliability.md"),
  "utf8",
);

test("docs/reliability.md quotes the fuzz case count", () => {
  assert.equal(doc.match(new RegExp(`\\| ${FUZZ_RUNS} cases \\|`, "g"))?.length, 4);
});

test("docs/reliability.md names every kill point", () => {
  assert.match(doc, new RegExp(`${KILL_POINTS.length} kill points: ${KILL_POINTS.join(", ")}`));
});

test("docs/reliability.md counts the decoys", () => {
  assert.match(
    doc,
    new RegExp(
      `${DECOYS.namespaces.length} namespaces, 1 veth pair, 1 bridge, 1 process, 1 FRR run dir, 1 container \\(with Docker\\)`,
    ),
  );
});
