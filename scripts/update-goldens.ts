// Rewrites test/golden/dry-run/<example>.txt from every example's `deploy --dry-run` plan.
// Run after a change that alters plans on purpose, and say why in the commit:
//   npx tsx scripts/update-goldens.ts [example.yml ...]
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prepareConfigs } from "../src/core/lifecycle/deploy.js";
import { buildLabPlan } from "../src/core/lifecycle/plan.js";
import { renderPlan } from "../src/core/plan.js";
import { loadTopology } from "../src/topology/load.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wanted = process.argv.slice(2).map((f) => path.basename(f));
const examples = readdirSync(path.join(ROOT, "examples")).filter(
  (f) => f.endsWith(".yml") && !f.endsWith(".clab.yml") && (wanted.length === 0 || wanted.includes(f)),
);
for (const file of examples) {
  const lab = await loadTopology(path.join(ROOT, "examples", file));
  const text = renderPlan(buildLabPlan(lab, await prepareConfigs(lab), { dryRun: true }));
  writeFileSync(path.join(ROOT, "test/golden/dry-run", file.replace(/\.yml$/, ".txt")), text);
  console.log(`test/golden/dry-run/${file.replace(/\.yml$/, ".txt")}`);
}
