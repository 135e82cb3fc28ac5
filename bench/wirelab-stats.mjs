// Runs the wirelab CLI (dist/) like bin/wirelab.js does, and writes to the file named by
// WIRELAB_BENCH_STATS how long its own work took (main(), after Node has started and loaded
// the modules: the same span the peer scripts time for themselves) and its peak RSS.
import { writeFileSync } from "node:fs";

const started = performance.now();
const { main } = await import("../dist/cli/main.js");
const loaded = performance.now();
const code = await main(process.argv);
const done = performance.now();
if (process.env.WIRELAB_BENCH_STATS) {
  writeFileSync(
    process.env.WIRELAB_BENCH_STATS,
    JSON.stringify({
      loadMs: loaded - started,
      mainMs: done - loaded,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}
process.exitCode = code;
