// The three contenders of `npm run bench`, each driven the way a user would run it:
// wirelab through its CLI, the raw floor and Mininet through the peer scripts kept with the
// project (bench/peers/, written for it). Every run is cleaned up, also on failure.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pLimit from "p-limit";
import { availableMb, estimateMb } from "../src/core/limits.js";
import type { Lab, NodeModel } from "../src/core/model.js";
import { birdCommand } from "../src/stacks/bird/control.js";
import { pidPath, socketPath } from "../src/stacks/bird/paths.js";
import { vtyJson } from "../src/stacks/frr/vty.js";
import { stackOf } from "../src/stacks/index.js";
import { loadTopology } from "../src/topology/load.js";
import { run } from "../src/util/exec.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The peer scripts: beside the repository, as CI lays it out. */
/** The peer scripts, written for this project and kept with it (bench/peers/). */
export const PEERS = path.resolve(ROOT, "bench/peers");
const STATS = path.join(ROOT, "bench/wirelab-stats.mjs");

/**
 * Every lab the bench deploys is named PREFIX…; leftovers() looks for that prefix. `--prefix`
 * changes it, so that a run does not collide with someone else's labs on a shared machine.
 */
export let PREFIX = "b6b";
export function setPrefix(p: string): void {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(p))
    throw new Error(`--prefix must be 1-8 lower-case letters and digits, not '${p}'`);
  PREFIX = p;
}

export interface PeerResult {
  tool: string;
  nodes: number;
  build_s: number;
  converge_s: number | null;
  stop_s: number;
}

/** One wirelab CLI run: wall time from spawn to exit, its own time (main()), peak RSS. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  ownMs: number;
  maxRssKb: number;
}

export interface Phase {
  name: string;
  ms: number;
}

export interface WirelabBuild {
  lab: string;
  deploy: CliRun;
  phases: Phase[];
  destroy: CliRun;
}

let scratch: string | undefined;
async function scratchDir(): Promise<string> {
  scratch ??= await mkdtemp(path.join(os.tmpdir(), "wirelab-bench-"));
  return scratch;
}

/** A path in the run's scratch directory (removed at the end). */
export async function scratchFile(name: string): Promise<string> {
  return path.join(await scratchDir(), name);
}

export async function removeScratch(): Promise<void> {
  if (scratch) await rm(scratch, { recursive: true, force: true });
}

/** Runs `wirelab ARGS` through bench/wirelab-stats.mjs. */
export async function wirelab(args: string[], timeoutMs = 600_000): Promise<CliRun> {
  const stats = path.join(await scratchDir(), `stats-${process.pid}-${Date.now()}.json`);
  const t0 = performance.now();
  const r = await run(process.execPath, [STATS, ...args], {
    env: { ...process.env, WIRELAB_BENCH_STATS: stats },
    timeoutMs,
  });
  const wallMs = performance.now() - t0;
  const s = JSON.parse(await readFile(stats, "utf8").catch(() => "{}")) as { mainMs?: number; maxRssKb?: number };
  await rm(stats, { force: true });
  return { ...r, wallMs, ownMs: s.mainMs ?? wallMs, maxRssKb: s.maxRssKb ?? 0 };
}

function must(r: CliRun, what: string): CliRun {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
  return r;
}

/** Writes a generated topology and returns its path and model. */
export async function generate(args: string[], name: string): Promise<{ file: string; lab: Lab }> {
  const file = path.join(await scratchDir(), `${name}.yml`);
  must(await wirelab(["generate", ...args, "--name", name, "-o", file]), `wirelab generate ${args.join(" ")}`);
  return { file, lab: await loadTopology(file) };
}

/** The routers of a lab: nodes with a routing stack (FRR or BIRD). */
export function routersOf(lab: Lab): NodeModel[] {
  return lab.nodes.filter((n) => stackOf(n) !== undefined);
}

const isBird = (n: NodeModel) => stackOf(n)?.name === "bird";

/** The node's control socket is there: its routing daemon has started. */
function answering(lab: string, n: NodeModel): boolean {
  return existsSync(isBird(n) ? socketPath(lab, n.name) : `/var/run/frr/wl_${lab}_${n.name}/zebra.vty`);
}

/** The router has a route to `address` (zebra's RIB; BIRD's master4 table). */
async function routeKnown(lab: string, n: NodeModel, address: string): Promise<boolean> {
  try {
    if (isBird(n)) {
      const lines = await birdCommand(socketPath(lab, n.name), `show route for ${address} table master4`, 5_000);
      return lines.some((l) => l.code === 1007);
    }
    const rib = await vtyJson<Record<string, unknown[]>>(
      `wl_${lab}_${n.name}`,
      "zebra",
      `show ip route ${address} json`,
    );
    return Object.values(rib).some((v) => Array.isArray(v) && v.length > 0);
  } catch {
    return false;
  }
}

/** The networks of the router's IPv4 routing table: zebra's RIB, BIRD's master4 (best routes). */
async function tableOf(lab: string, n: NodeModel): Promise<Set<string>> {
  try {
    if (isBird(n)) {
      const lines = await birdCommand(socketPath(lab, n.name), "show route table master4 primary", 10_000);
      return new Set(lines.map((l) => /^(\d+\.\d+\.\d+\.\d+\/\d+)\s/.exec(l.text)?.[1]).filter((x) => x !== undefined));
    }
    return new Set(
      Object.keys(await vtyJson<Record<string, unknown>>(`wl_${lab}_${n.name}`, "zebra", "show ip route json")),
    );
  } catch {
    return new Set();
  }
}

/** BIRD's `show route count`: how many networks its master4 table holds. */
export async function birdNetworks(lab: string, node: string): Promise<number> {
  const lines = await birdCommand(socketPath(lab, node), "show route count table master4", 10_000);
  const m = lines.map((l) => / for (\d+) networks? in table master4/.exec(l.text)).find(Boolean);
  return Number(m?.[1] ?? Number.NaN);
}

/** Removes a lab of ours if a previous, interrupted run left it. */
export async function destroyIfLeft(name: string): Promise<void> {
  if (existsSync(`/run/wirelab/labs/${name}/state.json`)) await wirelab(["destroy", "--lab", name]);
}

function phasesOf(deploy: CliRun): Phase[] {
  const r = JSON.parse(deploy.stdout) as { phases?: Phase[] };
  return r.phases ?? [];
}

/** Deploys a topology file and destroys it again; both timed. */
export async function wirelabBuild(file: string, name: string, opts: { whileUp?: () => Promise<void> } = {}) {
  await destroyIfLeft(name);
  try {
    const deploy = must(await wirelab(["deploy", "-t", file, "--json", "--timeout", "300"]), `wirelab deploy ${name}`);
    if (opts.whileUp) await opts.whileUp();
    const destroy = must(await wirelab(["destroy", "--lab", name, "--json"]), `wirelab destroy ${name}`);
    return { lab: name, deploy, phases: phasesOf(deploy), destroy } satisfies WirelabBuild;
  } finally {
    await destroyIfLeft(name);
  }
}

/** The last JSON line a peer script printed. */
function peerJson(stdout: string, what: string): PeerResult {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`${what}: no JSON result in its output: ${stdout.slice(-500)}`);
  // Older peer scripts printed bc's numbers without the leading zero (".178"): not JSON.
  return JSON.parse(line.replace(/([:\s])(-?)\.(\d)/g, "$1$20.$3")) as PeerResult;
}

/** Runs a peer script as it is (its own interpreter line). */
export async function peer(tool: "raw" | "mininet", n: number, frr: boolean): Promise<PeerResult> {
  const script = path.join(PEERS, tool === "raw" ? "raw-chain.sh" : "mininet-chain.py");
  const r = await run(script, [String(n), ...(frr ? ["--frr"] : [])], { timeoutMs: 900_000 });
  if (r.code !== 0) {
    throw new Error(
      `${path.basename(script)} ${n}${frr ? " --frr" : ""} failed (exit ${r.code}): ${r.stderr.slice(-1500)}`,
    );
  }
  return peerJson(r.stdout, path.basename(script));
}

/** Where wirelab's far end of a chain is: r(N-1)'s address on its last link, as the peers ping. */
export function farEnd(lab: Lab): string {
  const last = lab.nodes[lab.nodes.length - 1];
  const port = last?.ports.find((p) => p.name === "e1");
  const addr = port?.addresses.find((a) => !a.includes(":"));
  if (!last || !addr) throw new Error("chain without a far end");
  return addr.split("/")[0] as string;
}

/**
 * Chain to end-to-end reachability: deploy (which waits for BGP), and meanwhile watch r0: as
 * soon as its routing table (zebra's, or BIRD's) has a route to the far end, ping it (asking
 * the daemon's socket costs nothing, pinging in a tight loop would take CPU from the lab
 * coming up). Reachable = the first ping that comes back; time from the deploy command's start.
 */
export async function wirelabReach(file: string, lab: Lab, whileUp?: () => Promise<void>) {
  await destroyIfLeft(lab.name);
  const far = farEnd(lab);
  const ps = `wl_${lab.name}_r0`;
  const r0 = lab.nodes.find((n) => n.name === "r0");
  if (!r0) throw new Error("chain without r0");
  const t0 = performance.now();
  let reachedMs: number | undefined;
  let stop = false;
  const watcher = (async () => {
    while (!stop && reachedMs === undefined) {
      if (answering(lab.name, r0) && (await routeKnown(lab.name, r0, far))) {
        const r = await run("nsenter", [`--net=/run/netns/${ps}`, "--", "ping", "-c", "1", "-W", "1", far]);
        if (r.code === 0) reachedMs = performance.now() - t0;
      }
      await delay(50);
    }
  })();
  try {
    const deploy = must(
      await wirelab(["deploy", "-t", file, "--json", "--timeout", "300"]),
      `wirelab deploy ${lab.name}`,
    );
    const deadline = performance.now() + 120_000;
    while (reachedMs === undefined && performance.now() < deadline) await delay(20);
    stop = true;
    await watcher;
    if (reachedMs === undefined) throw new Error(`${lab.name}: r0 never reached ${far}`);
    if (whileUp) await whileUp();
    const destroy = must(await wirelab(["destroy", "--lab", lab.name, "--json"]), `wirelab destroy ${lab.name}`);
    // Own time, as the peers count theirs: without Node's start and module loading.
    const startup = deploy.wallMs - deploy.ownMs;
    return { deploy, destroy, phases: phasesOf(deploy), reachWallMs: reachedMs, reachOwnMs: reachedMs - startup };
  } finally {
    stop = true;
    await watcher;
    await destroyIfLeft(lab.name);
  }
}

/**
 * The loopbacks each router can learn: every router's, except those of other routers in its
 * own AS (eBGP drops a path that carries its own AS: spines sharing one AS never carry each
 * other's loopbacks, by the design of RFC 7938 fabrics).
 */
export function expectedLoopbacks(lab: Lab): Map<string, string[]> {
  const routers = routersOf(lab);
  return new Map(
    routers.map((r) => [
      r.name,
      routers
        .filter((o) => o === r || o.intents.bgp?.asn !== r.intents.bgp?.asn)
        .flatMap((o) => o.loopback.filter((a) => !a.includes(":"))),
    ]),
  );
}

/**
 * Clos convergence: time from the deploy command's start until every router's routing table
 * has every loopback it can learn (FRR: show ip route json on zebra's socket; BIRD: show route
 * primary on its control socket; every 100 ms). Memory of each router is read once converged.
 */
export async function wirelabClos(file: string, lab: Lab) {
  await destroyIfLeft(lab.name);
  const routers = routersOf(lab);
  const expected = expectedLoopbacks(lab);
  const done = new Set<string>();
  const t0 = performance.now();
  let convergedMs: number | undefined;
  let stop = false;
  const limit = pLimit(8);
  const watcher = (async () => {
    while (!stop && convergedMs === undefined) {
      await Promise.all(
        routers.map((n) =>
          limit(async () => {
            if (done.has(n.name)) return;
            if (!answering(lab.name, n)) return;
            const table = await tableOf(lab.name, n);
            if ((expected.get(n.name) ?? []).every((l) => table.has(l))) done.add(n.name);
          }),
        ),
      );
      if (done.size === routers.length) convergedMs = performance.now() - t0;
      else await delay(100);
    }
  })();
  try {
    const deploy = must(
      await wirelab(["deploy", "-t", file, "--json", "--timeout", "300"]),
      `wirelab deploy ${lab.name}`,
    );
    const deadline = performance.now() + 180_000;
    while (convergedMs === undefined && performance.now() < deadline) await delay(50);
    stop = true;
    await watcher;
    if (convergedMs === undefined) {
      throw new Error(`${lab.name}: ${routers.length - done.size} routers never had every loopback`);
    }
    const memory = await routerMemory(lab);
    const destroy = must(await wirelab(["destroy", "--lab", lab.name, "--json"]), `wirelab destroy ${lab.name}`);
    return { deploy, destroy, phases: phasesOf(deploy), convergedMs, memory, routers: routers.length };
  } finally {
    stop = true;
    await watcher;
    await destroyIfLeft(lab.name);
  }
}

export interface NodeMemory {
  node: string;
  daemons: string[];
  rssKb: number;
  pssKb: number;
  /** frr or bird (older runs: frr). */
  stack?: string;
  /** BGP sessions the router has (its neighbors). */
  sessions?: number;
  /** What its stack estimates it costs (memoryMb), for deploy's up-front check. */
  estimateMb?: number;
}

async function procKb(pid: number, file: string, key: string): Promise<number> {
  const text = await readFile(`/proc/${pid}/${file}`, "utf8").catch(() => "");
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
}

/**
 * RSS and PSS of each router's daemons (FRR: the pid files of its pathspace; BIRD: its pid
 * file), with the number of its BGP sessions and what its stack estimates it costs.
 */
export async function routerMemory(lab: Lab): Promise<NodeMemory[]> {
  const limit = pLimit(16);
  return Promise.all(
    routersOf(lab).map((n) =>
      limit(async () => {
        const stack = stackOf(n);
        const m: NodeMemory = {
          node: n.name,
          daemons: [],
          rssKb: 0,
          pssKb: 0,
          stack: stack?.name,
          sessions: n.intents.bgp?.neighbors.length ?? 0,
          estimateMb: stack?.memoryMb(n, lab),
        };
        const pids: [string, string][] = isBird(n)
          ? [["bird", pidPath(lab.name, n.name)]]
          : (await readdir(`/var/run/frr/wl_${lab.name}_${n.name}`).catch(() => [] as string[]))
              .filter((x) => x.endsWith(".pid"))
              .map((f) => [f.replace(/\.pid$/, ""), `/var/run/frr/wl_${lab.name}_${n.name}/${f}`]);
        for (const [daemon, file] of pids) {
          const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
          if (!(pid > 0)) continue;
          m.daemons.push(daemon);
          m.rssKb += await procKb(pid, "status", "VmRSS");
          m.pssKb += await procKb(pid, "smaps_rollup", "Pss");
        }
        return m;
      }),
    ),
  );
}

/** One deploy of a large lab, measured: what deploy's memory check estimated and what it used. */
export interface LargeRun {
  lab: string;
  routers: number;
  links: number;
  deploy: CliRun;
  destroy: CliRun;
  phases: Phase[];
  /** estimateMb(lab) and MemAvailable before deploy: deploy's own up-front check. */
  estimateMb: number;
  availableMb: number;
  /** How much MemAvailable fell while the lab was up (namespaces, cables and daemons). */
  memDropMb: number;
  memory: NodeMemory[];
  /** `show route count` of some routers (BIRD), evenly spread over the lab. */
  tables: { node: string; networks: number }[];
}

/**
 * Deploys a large lab (deploy waits for its own readiness: every session up and every
 * route counter still), reads every router's memory and some routers' table sizes, and
 * destroys it; both commands timed. Destroyed also when something fails.
 */
export async function wirelabLarge(file: string, lab: Lab, opts: { samples?: number } = {}): Promise<LargeRun> {
  await destroyIfLeft(lab.name);
  try {
    const before = await availableMb();
    const estimate = estimateMb(lab);
    const deploy = must(
      // Generous: on a shared 2-core machine 3,000 routers take minutes before BGP even starts.
      await wirelab(["deploy", "-t", file, "--json", "--timeout", "900"], 1_800_000),
      `wirelab deploy ${lab.name}`,
    );
    const during = await availableMb();
    const memory = await routerMemory(lab);
    const routers = routersOf(lab);
    const samples = Math.min(opts.samples ?? 12, routers.length);
    const tables: LargeRun["tables"] = [];
    for (let i = 0; i < samples; i++) {
      const n = routers[Math.floor((i * routers.length) / samples)] as NodeModel;
      if (isBird(n))
        tables.push({ node: n.name, networks: await birdNetworks(lab.name, n.name).catch(() => Number.NaN) });
    }
    const destroy = must(
      await wirelab(["destroy", "--lab", lab.name, "--json"], 300_000),
      `wirelab destroy ${lab.name}`,
    );
    return {
      lab: lab.name,
      routers: routers.length,
      links: lab.links.length,
      deploy,
      destroy,
      phases: phasesOf(deploy),
      estimateMb: estimate,
      availableMb: before,
      memDropMb: before - during,
      memory,
      tables,
    };
  } finally {
    await destroyIfLeft(lab.name);
  }
}

/** Anything a benchmark run may have left: must be empty at the end. */
export async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  const ns = await run("ip", ["-j", "netns", "list"]);
  for (const { name } of JSON.parse(ns.stdout || "[]") as { name: string }[]) {
    if (name.startsWith(`wl_${PREFIX}`) || name.startsWith("rawb")) found.push(`namespace ${name}`);
  }
  for (const d of await readdir("/var/run/frr").catch(() => [] as string[])) {
    if (d.startsWith(`wl_${PREFIX}`) || /^(rawb|mn\d)/.test(d)) found.push(`FRR run directory /var/run/frr/${d}`);
  }
  for (const d of ["/tmp/rawfrr", "/tmp/mnfrr"]) if (existsSync(d)) found.push(`directory ${d}`);
  for (const l of await readdir("/run/wirelab/labs").catch(() => [] as string[])) {
    if (l.startsWith(PREFIX)) found.push(`lab state /run/wirelab/labs/${l}`);
  }
  // Mininet's links live in the root namespace while it runs: r0-e2 and so on.
  const links = await run("ip", ["-j", "link", "show"]);
  for (const { ifname } of JSON.parse(links.stdout || "[]") as { ifname: string }[]) {
    if (/^r\d+-e\d$/.test(ifname)) found.push(`link ${ifname}`);
  }
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const cmd = (await readFile(`/proc/${e}/cmdline`, "utf8").catch(() => "")).split("\0").join(" ");
    // FRR: `-N wl_<lab>_<node>`; BIRD: its control socket under the lab's directory.
    if (
      cmd.includes(`-N wl_${PREFIX}`) ||
      /-N (rawb|mn\d)/.test(cmd) ||
      /^mnexec /.test(cmd) ||
      cmd.includes(`/run/wirelab/labs/${PREFIX}`)
    ) {
      found.push(`process ${e}: ${cmd.trim()}`);
    }
  }
  return found;
}

/** Waits (polling real state) for the last zombies and namespaces to go, then lists what is left. */
export async function waitNoLeftovers(timeoutMs = 10_000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = await leftovers();
    if (!left.length || performance.now() > deadline) return left;
    await delay(200);
  }
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}
