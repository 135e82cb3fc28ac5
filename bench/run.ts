// `npm run bench`: wirelab against the raw floor (`ip -batch`, bench/peers/raw-chain.sh)
// and Mininet (bench/peers/mininet-chain.py) in one run, so that the ratios share the
// machine's mood. Writes docs/benchmarks.md and docs/benchmarks.svg (a --quick run writes to
// a temporary directory instead, unless --out is given). Needs root; not part of npm test.
//
//   npm run bench                 full run (about 5 minutes on 2 cores)
//   npm run bench -- --quick      small sizes, one repetition (about a minute)
//   npm run bench -- --reps 5 --out /tmp/b
//   npm run bench -- --report docs/benchmarks.json   rewrite the report from saved figures
//
// Besides the report, the run's figures are saved as benchmarks.json (for machines).
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { table } from "../src/cli/output.js";
import { load, machine } from "./machine.js";
import { type BenchResults, reportMarkdown, reportSvg, type TopoRow, targets } from "./report.js";
import {
  ensureDir,
  generate,
  type NodeMemory,
  type PeerResult,
  peer,
  ROOT,
  removeScratch,
  routerMemory,
  waitNoLeftovers,
  wirelabBuild,
  wirelabClos,
  wirelabReach,
} from "./tools.js";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    out: { type: "string" },
    report: { type: "string" },
  },
});
const quick = flags.quick === true;
const reps = Number(flags.reps ?? (quick ? 1 : 3));
const outDir = flags.out ?? (quick ? path.join(os.tmpdir(), "wirelab-bench") : path.join(ROOT, "docs"));
const sizes = quick ? [10, 50] : [10, 50, 100, 250];
const bigN = quick ? 250 : 1000;
const chainN = quick ? 10 : 50;
const closShape = quick ? { spines: 2, leaves: 8 } : { spines: 4, leaves: 96 };

function say(text: string): void {
  process.stderr.write(`${text}\n`);
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const rotate = <T>(list: T[], k: number): T[] => list.map((_, i) => list[(i + k) % list.length] as T);

/** The whole measurement; whatever happens, checks at the end that nothing was left. */
async function measure(): Promise<BenchResults> {
  const results: BenchResults = {
    quick,
    reps,
    date: new Date().toISOString(),
    machine: await machine(),
    loadBefore: await load(),
    loadAfter: { avg: [], running: 0 },
    topo: [],
    big: undefined,
    chain: { n: chainN, wirelab: [], raw: [], mininet: [] },
    clos: undefined,
    chainMemory: [],
    peakRssKb: 0,
    leftovers: [],
  };
  say(
    `wirelab bench${quick ? " (quick)" : ""}: ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.loadBefore.avg.join(" ")}`,
  );

  try {
    // ---- topology only: chains of linux nodes (addresses, forwarding, no daemons) -------------
    const topoFiles = new Map<number, { file: string; name: string }>();
    for (const n of [...sizes, bigN]) {
      const name = `b6bl${n}`;
      topoFiles.set(n, { file: (await generate(["chain", String(n), "--kind", "linux"], name)).file, name });
    }
    const rows = new Map<number, TopoRow>(
      sizes.map((n) => [
        n,
        { n, wirelab: [], wirelabWall: [], wirelabStop: [], wirelabStopWall: [], raw: [], mininet: [] },
      ]),
    );
    for (let rep = 0; rep < reps; rep++) {
      for (const [i, n] of sizes.entries()) {
        const row = rows.get(n) as TopoRow;
        for (const tool of rotate(["wirelab", "raw", "mininet"] as const, rep + i)) {
          if (tool === "wirelab") {
            const t = topoFiles.get(n) as { file: string; name: string };
            const b = await wirelabBuild(t.file, t.name);
            row.wirelab.push(b.deploy.ownMs);
            row.wirelabWall.push(b.deploy.wallMs);
            row.wirelabStop.push(b.destroy.ownMs);
            row.wirelabStopWall.push(b.destroy.wallMs);
            row.phases = b.phases;
            results.peakRssKb = Math.max(results.peakRssKb, b.deploy.maxRssKb);
            say(`  topology ${n}: wirelab build ${s(b.deploy.ownMs)} teardown ${s(b.destroy.ownMs)}`);
          } else {
            const r: PeerResult = await peer(tool, n, false);
            row[tool].push({ build: r.build_s * 1000, stop: r.stop_s * 1000 });
            say(`  topology ${n}: ${tool} build ${r.build_s.toFixed(2)} s teardown ${r.stop_s.toFixed(2)} s`);
          }
        }
      }
    }
    results.topo = [...rows.values()];

    // ---- wirelab alone at the large size ----------------------------------------------------
    {
      const t = topoFiles.get(bigN) as { file: string; name: string };
      const b = await wirelabBuild(t.file, t.name);
      results.big = {
        n: bigN,
        build: b.deploy.ownMs,
        buildWall: b.deploy.wallMs,
        stop: b.destroy.ownMs,
        stopWall: b.destroy.wallMs,
        phases: b.phases,
        maxRssKb: b.deploy.maxRssKb,
      };
      results.peakRssKb = Math.max(results.peakRssKb, b.deploy.maxRssKb);
      say(`  topology ${bigN}: wirelab build ${s(b.deploy.ownMs)} teardown ${s(b.destroy.ownMs)}`);
    }

    // ---- FRR chain to end-to-end reachability ------------------------------------------------
    const chain = await generate(["chain", String(chainN)], `b6bf${chainN}`);
    for (let rep = 0; rep < reps; rep++) {
      for (const tool of rotate(["wirelab", "raw", "mininet"] as const, rep)) {
        if (tool === "wirelab") {
          let memory: NodeMemory[] = [];
          const r = await wirelabReach(chain.file, chain.lab, async () => {
            memory = await routerMemory(chain.lab);
          });
          results.chain.wirelab.push({
            reachOwn: r.reachOwnMs,
            reachWall: r.reachWallMs,
            deployOwn: r.deploy.ownMs,
            stop: r.destroy.ownMs,
            phases: r.phases,
          });
          results.chainMemory = memory;
          results.peakRssKb = Math.max(results.peakRssKb, r.deploy.maxRssKb);
          say(`  FRR chain ${chainN}: wirelab reachable after ${s(r.reachOwnMs)} (CLI ${s(r.reachWallMs)})`);
        } else {
          const p = await peer(tool, chainN, true);
          if (p.converge_s === null) throw new Error(`${tool} --frr reported no convergence`);
          results.chain[tool].push({ build: p.build_s * 1000, converge: p.converge_s * 1000, stop: p.stop_s * 1000 });
          say(`  FRR chain ${chainN}: ${tool} reachable after ${(p.build_s + p.converge_s).toFixed(2)} s`);
        }
      }
    }

    // ---- a Clos fabric of about 100 routers, wirelab alone ------------------------------------
    {
      const name = "b6bclos";
      // The generator's default, as RFC 7938 builds them: spines share one AS. (With one AS per
      // spine, every leaf passes every route on to the other spines: each spine then holds
      // each prefix from every leaf, valley paths included.)
      const g = await generate(
        ["clos", "--spines", String(closShape.spines), "--leaves", String(closShape.leaves)],
        name,
      );
      const c = await wirelabClos(g.file, g.lab);
      results.clos = {
        ...closShape,
        routers: c.routers,
        links: g.lab.links.length,
        convergedMs: c.convergedMs,
        deployOwn: c.deploy.ownMs,
        deployWall: c.deploy.wallMs,
        stop: c.destroy.ownMs,
        phases: c.phases,
        memory: c.memory,
        maxRssKb: c.deploy.maxRssKb,
      };
      results.peakRssKb = Math.max(results.peakRssKb, c.deploy.maxRssKb);
      say(`  Clos ${c.routers} routers: every loopback everywhere after ${s(c.convergedMs)}`);
    }
  } finally {
    results.leftovers = await waitNoLeftovers();
    results.loadAfter = await load();
    await removeScratch();
  }
  return results;
}

let results: BenchResults;
if (flags.report) {
  results = JSON.parse(await readFile(flags.report, "utf8")) as BenchResults;
} else {
  if (process.getuid?.() !== 0) {
    say("npm run bench needs root (it builds namespaces and starts FRR)");
    process.exit(1);
  }
  results = await measure();
}

const dir = flags.report && !flags.out ? path.dirname(flags.report) : outDir;
await ensureDir(dir);
const md = path.join(dir, "benchmarks.md");
const svg = path.join(dir, "benchmarks.svg");
if (!flags.report) await writeFile(path.join(dir, "benchmarks.json"), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(svg, reportSvg(results));
await writeFile(md, reportMarkdown(results, path.basename(svg)));
say(`\nwrote ${md}, ${svg}${flags.report ? "" : " and benchmarks.json"}`);
process.stdout.write(
  `${table(
    ["target", "measured", "met"],
    targets(results).map((t) => [t.what, t.measured, t.met ? "yes" : "no"]),
  )}\n`,
);
if (results.leftovers.length) {
  say(`LEFT BEHIND:\n  ${results.leftovers.join("\n  ")}`);
  process.exitCode = 1;
}
