// `npm run bench`: wirelab against the raw floor (`ip -batch`, bench/peers/raw-chain.sh)
// and Mininet (bench/peers/mininet-chain.py), FRR against BIRD, and BIRD at scale, in one
// run, so that the ratios share the machine's mood. Writes docs/benchmarks.md and
// docs/benchmarks.svg (a --quick or --only run writes to a temporary directory instead,
// unless --out is given). Needs root; not part of npm test.
//
//   npm run bench                 full run (about 15 minutes on 2 cores)
//   npm run bench -- --quick      small sizes, one repetition (a few minutes)
//   npm run bench -- --only bird,scale [--scale 300] [--ases 100]   some cases, for development
//   npm run bench -- --reps 5 --out /tmp/b --prefix hb
//   npm run bench -- --report docs/benchmarks.json   rewrite the report from saved figures
//
// Cases (--only): topo (Linux chains vs raw and Mininet, 1000 nodes), frr (FRR chain vs
// raw and Mininet, FRR Clos), bird (the same chain and Clos on BIRD), scale (3,000 BIRD
// routers), internet (1,000-AS BIRD internet, when `wirelab generate internet` exists).
//
// Besides the report, the run's figures are saved as benchmarks.json (for machines).
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { table } from "../src/cli/output.js";
import { chain as chainShape } from "../src/generate/shapes.js";
import { loadTopology } from "../src/topology/load.js";
import { load, machine } from "./machine.js";
import { type BenchResults, type LargeResult, reportMarkdown, reportSvg, type TopoRow, targets } from "./report.js";
import {
  ensureDir,
  generate,
  type LargeRun,
  type NodeMemory,
  type PeerResult,
  PREFIX,
  peer,
  ROOT,
  removeScratch,
  routerMemory,
  scratchFile,
  setPrefix,
  waitNoLeftovers,
  wirelab,
  wirelabBuild,
  wirelabClos,
  wirelabLarge,
  wirelabReach,
} from "./tools.js";

const CASES = ["topo", "frr", "bird", "scale", "internet"] as const;
type Case = (typeof CASES)[number];

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    out: { type: "string" },
    report: { type: "string" },
    only: { type: "string" },
    prefix: { type: "string" },
    scale: { type: "string" },
    ases: { type: "string" },
  },
});
const quick = flags.quick === true;
const only = (flags.only ?? CASES.join(",")).split(",").map((c) => c.trim());
for (const c of only) {
  if (!(CASES as readonly string[]).includes(c)) {
    process.stderr.write(`--only: unknown case '${c}' (cases: ${CASES.join(", ")})\n`);
    process.exit(2);
  }
}
const runs = (c: Case) => only.includes(c);
// Other sizes than the full run's are not the figures docs/benchmarks.md reports either.
const partial = flags.only !== undefined || flags.scale !== undefined || flags.ases !== undefined;
if (flags.prefix) setPrefix(flags.prefix);
const reps = Number(flags.reps ?? (quick ? 1 : 3));
// A partial or quick run never overwrites docs/: its figures are not one complete run.
const outDir = flags.out ?? (quick || partial ? path.join(os.tmpdir(), "wirelab-bench") : path.join(ROOT, "docs"));
const sizes = quick ? [10, 50] : [10, 50, 100, 250];
const bigN = quick ? 250 : 1000;
const chainN = quick ? 10 : 50;
const closShape = quick ? { spines: 2, leaves: 8 } : { spines: 4, leaves: 96 };
/** The BIRD scale case: routers, in chains of SEGMENT (see scaleTopology). */
const scaleN = Number(flags.scale ?? (quick ? 300 : 3000));
const SEGMENT = 100;
const ases = Number(flags.ases ?? (quick ? 100 : 1000));

function say(text: string): void {
  process.stderr.write(`${text}\n`);
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const rotate = <T>(list: T[], k: number): T[] => list.map((_, i) => list[(i + k) % list.length] as T);

/**
 * N BIRD routers as chains of SEGMENT routers in one lab: `generate chain N --stack bird` with
 * every SEGMENT-th cable left out. One chain of 3,000 eBGP hops cannot converge at all: every
 * router would hold 6,000 routes with AS paths up to 3,000 ASNs long (12 KB, past BGP's
 * 4 KB message), 18 million routes in all. Chains of 100 give each router the table of a
 * 100-AS network (~200 networks, paths up to 99 ASes) and keep every router of the 3,000
 * (29 of the 2,999 cables and their sessions left out).
 */
async function scaleTopology(
  n: number,
  name: string,
): Promise<{ file: string; lab: Awaited<ReturnType<typeof loadTopology>> }> {
  const t = chainShape(n, { stack: "bird", name });
  const cut = (i: number) => i % SEGMENT === SEGMENT - 1; // no cable r(i) — r(i+1)
  t.links = (t.links ?? []).filter((_, i) => !cut(i));
  for (const [name, node] of Object.entries(t.nodes)) {
    const i = Number(name.slice(1));
    const bgp = node?.bgp;
    if (!bgp?.neighbors) continue;
    bgp.neighbors = bgp.neighbors.filter((nb) => {
      const j = Number(String(nb).slice(1));
      return !(cut(Math.min(i, j)) && Math.abs(i - j) === 1);
    });
  }
  const file = await scratchFile(`${name}.yml`);
  await writeFile(
    file,
    `# wirelab generate chain ${n} --stack bird, cut into chains of ${SEGMENT} (bench/run.ts)\n${stringify(t)}`,
  );
  return { file, lab: await loadTopology(file) };
}

/**
 * `wirelab generate internet --ases N --stack bird --seed 1 -o FILE`, as a user would write it;
 * the lab renamed to the bench's prefix. A reason instead when the generator is not there.
 */
async function internetTopology(
  n: number,
  name: string,
): Promise<{ file: string; lab: Awaited<ReturnType<typeof loadTopology>> } | { skipped: string }> {
  const file = await scratchFile(`${name}.yml`);
  const g = await wirelab(["generate", "internet", "--ases", String(n), "--stack", "bird", "--seed", "1", "-o", file]);
  if (g.code !== 0) {
    const why = (g.stderr || g.stdout).trim().split("\n")[0] ?? "";
    return {
      skipped: /unknown command|too many arguments|unknown option/i.test(why)
        ? `generator missing (${why})`
        : `generate internet failed: ${why}`,
    };
  }
  const doc = parse(await readFile(file, "utf8")) as { name: string };
  doc.name = name;
  await writeFile(file, stringify(doc));
  return { file, lab: await loadTopology(file) };
}

/** What the report keeps of a large run (every router's memory would be 3,000 rows). */
function large(r: LargeRun, extra: Partial<LargeResult> = {}): LargeResult {
  return {
    lab: r.lab,
    routers: r.routers,
    links: r.links,
    deployOwn: r.deploy.ownMs,
    deployWall: r.deploy.wallMs,
    stopOwn: r.destroy.ownMs,
    stopWall: r.destroy.wallMs,
    phases: r.phases,
    estimateMb: r.estimateMb,
    availableMb: r.availableMb,
    memDropMb: r.memDropMb,
    rssKb: r.memory.map((m) => m.rssKb),
    pssTotalKb: r.memory.reduce((a, m) => a + m.pssKb, 0),
    sessions: r.memory.map((m) => m.sessions ?? 0),
    estimates: r.memory.map((m) => m.estimateMb ?? Number.NaN),
    tables: r.tables,
    maxRssKb: r.deploy.maxRssKb,
    ...extra,
  };
}

/** The whole measurement; whatever happens, checks at the end that nothing was left. */
async function measure(): Promise<BenchResults> {
  const results: BenchResults = {
    quick,
    only: partial ? only : undefined,
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
  const started = performance.now();
  say(
    `wirelab bench${quick ? " (quick)" : ""}: ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.loadBefore.avg.join(" ")}`,
  );

  try {
    // Each case starts on a quiet machine: the kernel frees a deleted namespace's devices and
    // sockets in the background (cleanup_net), seconds to minutes after destroy returns, so
    // a case run straight after a large destroy (or after the test suite) measured that
    // cleanup too. The internet runs before the 3,000 routers for the same reason.
    if (runs("topo")) await settle().then(() => topoCases(results));
    if (runs("frr")) await settle().then(() => frrCases(results));
    if (runs("bird")) await settle().then(() => birdCases(results));
    if (runs("internet")) await settle().then(() => internetCase(results));
    if (runs("scale")) await settle().then(() => scaleCase(results));
  } finally {
    results.leftovers = await waitNoLeftovers();
    results.loadAfter = await load();
    results.totalMs = performance.now() - started;
    await removeScratch();
  }
  return results;
}

/** CPU pressure (PSI, share of the last 10 s some task waited for a CPU), or undefined without PSI. */
async function cpuPressure(): Promise<number | undefined> {
  const text = await readFile("/proc/pressure/cpu", "utf8").catch(() => undefined);
  const m = text ? /^some avg10=([\d.]+)/m.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

/** Waits (at most 3 min) until the CPU has been nearly free for two readings 5 s apart. */
async function settle(): Promise<void> {
  const start = performance.now();
  let calm = 0;
  while (performance.now() - start < 180_000) {
    const p = await cpuPressure();
    if (p === undefined) return;
    calm = p < 5 ? calm + 1 : 0;
    if (calm >= 2) break;
    await new Promise((r) => setTimeout(r, 5000));
  }
  const waited = performance.now() - start;
  if (waited > 6000) say(`  (waited ${s(waited)} for the machine to settle)`);
}

async function topoCases(results: BenchResults): Promise<void> {
  {
    // ---- topology only: chains of linux nodes (addresses, forwarding, no daemons) -------------
    const topoFiles = new Map<number, { file: string; name: string }>();
    for (const n of [...sizes, bigN]) {
      const name = `${PREFIX}l${n}`;
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
  }
}

async function frrCases(results: BenchResults): Promise<void> {
  {
    // ---- FRR chain to end-to-end reachability ------------------------------------------------
    const chain = await generate(["chain", String(chainN)], `${PREFIX}f${chainN}`);
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
      const name = `${PREFIX}clos`;
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
  }
}

/** The FRR chain and Clos again, on BIRD: the same generated shapes with `--stack bird`. */
async function birdCases(results: BenchResults): Promise<void> {
  const bird: NonNullable<BenchResults["bird"]> = { chain: { n: chainN, runs: [], memory: [] } };
  results.bird = bird;
  const chain = await generate(["chain", String(chainN), "--stack", "bird"], `${PREFIX}bf${chainN}`);
  for (let rep = 0; rep < reps; rep++) {
    let memory: NodeMemory[] = [];
    const r = await wirelabReach(chain.file, chain.lab, async () => {
      memory = await routerMemory(chain.lab);
    });
    bird.chain.runs.push({
      reachOwn: r.reachOwnMs,
      reachWall: r.reachWallMs,
      deployOwn: r.deploy.ownMs,
      stop: r.destroy.ownMs,
      phases: r.phases,
    });
    bird.chain.memory = memory;
    results.peakRssKb = Math.max(results.peakRssKb, r.deploy.maxRssKb);
    say(`  BIRD chain ${chainN}: wirelab reachable after ${s(r.reachOwnMs)} (CLI ${s(r.reachWallMs)})`);
  }
  const g = await generate(
    ["clos", "--spines", String(closShape.spines), "--leaves", String(closShape.leaves), "--stack", "bird"],
    `${PREFIX}bclos`,
  );
  const c = await wirelabClos(g.file, g.lab);
  bird.clos = {
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
  say(`  BIRD Clos ${c.routers} routers: every loopback everywhere after ${s(c.convergedMs)}`);
}

/** SCALE BIRD routers on this machine, once: deploy, memory against the estimate, destroy. */
async function scaleCase(results: BenchResults): Promise<void> {
  const t = await scaleTopology(scaleN, `${PREFIX}scale`);
  say(`  BIRD scale: ${scaleN} routers in chains of ${SEGMENT}: deploying`);
  const r = await wirelabLarge(t.file, t.lab, { samples: 12 });
  results.scale = large(r, { segment: SEGMENT });
  results.peakRssKb = Math.max(results.peakRssKb, r.deploy.maxRssKb);
  say(
    `  BIRD scale: ${r.routers} routers deployed in ${s(r.deploy.wallMs)}, destroyed in ${s(r.destroy.wallMs)}, RSS ${Math.round(r.memory.reduce((a, m) => a + m.rssKb, 0) / 1024)} MB (estimate ${r.estimateMb} MB)`,
  );
}

/** The 1,000-AS internet on BIRD, once; skipped (one line) when the generator is not there. */
async function internetCase(results: BenchResults): Promise<void> {
  const t = await internetTopology(ases, `${PREFIX}inet`);
  if ("skipped" in t) {
    results.internet = { ases, skipped: t.skipped };
    say(`  internet ${ases} ASes: skipped: ${t.skipped}`);
    return;
  }
  try {
    const r = await wirelabLarge(t.file, t.lab, { samples: 20 });
    results.internet = { ases, ...large(r) };
    results.peakRssKb = Math.max(results.peakRssKb, r.deploy.maxRssKb);
    say(`  internet ${ases} ASes: deployed in ${s(r.deploy.wallMs)}, destroyed in ${s(r.destroy.wallMs)}`);
  } catch (e) {
    // The generator is another piece of work: its failure is reported, not the bench's.
    const why = (e as Error).message.split("\n")[0] ?? "";
    results.internet = { ases, skipped: `failed: ${why.slice(0, 300)}` };
    say(`  internet ${ases} ASes: failed: ${why.slice(0, 300)}`);
  }
}

let results: BenchResults;
if (flags.report) {
  results = JSON.parse(await readFile(flags.report, "utf8")) as BenchResults;
} else {
  if (process.getuid?.() !== 0) {
    say("npm run bench needs root (it builds namespaces and starts FRR and BIRD)");
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
if (results.totalMs) say(`the run took ${(results.totalMs / 60_000).toFixed(1)} minutes`);
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
