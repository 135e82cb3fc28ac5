// `deploy --dry-run` of every example prints the plan deploy runs. The golden files were
// captured before the architecture change (runtimes, stacks, intents, links as seams) and
// must still match: the seams moved code, not commands. Needs FRR's vtysh (configs are
// checked by FRR's own parser even in a dry run), as on every machine the suite runs on.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { prepareConfigs } from "../../src/core/lifecycle/deploy.js";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import { renderPlan } from "../../src/core/plan.js";
import { loadTopology } from "../../src/topology/load.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GOLDEN = path.join(ROOT, "test/golden/dry-run");

for (const file of readdirSync(GOLDEN).filter((f) => f.endsWith(".txt"))) {
  const example = path.join(ROOT, "examples", file.replace(/\.txt$/, ".yml"));
  test(`deploy --dry-run of examples/${path.basename(example)} matches its golden plan`, async () => {
    const lab = await loadTopology(example);
    const text = renderPlan(buildLabPlan(lab, await prepareConfigs(lab), { dryRun: true }));
    assert.equal(text, readFileSync(path.join(GOLDEN, file), "utf8"));
  });
}
