// Host safety against someone who can write where root works: user `frr` owns /var/run/frr
// (so every FRR pathspace directory's parent) and whatever lab directory wirelab hands it;
// whoever can edit a lab's state file steers destroy. Regression tests of the host-safety
// issue: 1a (a link planted at a pathspace), 1b/1c and "Also" (links raced into every path
// wirelab writes), 7 (destroy trusting the state file), 6 (secrets readable by anyone) and
// "Also" (FRR crash-log directories left behind). Each test builds a small lab of its own
// (names start with `hs`) and removes everything it made in `after`, even on failure.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, unlink, writeFile } from "node:fs/promises";
import { createRequire, syncBuiltinESMExports } from "node:module";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab } from "../../src/core/model.js";
import { FRR_RUN, labDir, NETNS_RUN, nodesDir, stateFile } from "../../src/core/paths.js";
import { type LabState, readState } from "../../src/core/state.js";
import { parseTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";
import { isAlive } from "../../src/util/procs.js";
import { leftovers, ROOT, skipUnlessRoot } from "./helpers.js";

const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv"].find((p) => existsSync(p));
const RACER = path.join(ROOT, "test/integration/fixtures/symlink-racer.mjs");
const skip =
  skipUnlessRoot ||
  (!existsSync("/usr/lib/frr/zebra") && "FRR is not installed") ||
  (!SETPRIV && "needs setpriv (util-linux)");

// ---------------------------------------------------------------------------------------
// FRR crash-log directories this file's labs leave (before the fix: every daemon killed
// before destroy, or whose pid file destroy could not trust). FRR names one
// /var/tmp/frr/<daemon>.<pid> after the pid wirelab started the daemon with, and other
// sessions may run labs on this machine meanwhile: the pids of every process this file
// starts (wirelab runs programs with child_process.spawn) say which directories are ours.

const CRASH_DIR = "/var/tmp/frr";
const spawnedPids = new Set<number>();
const childProcess = createRequire(import.meta.url)("node:child_process") as { spawn: unknown };
const originalSpawn = childProcess.spawn as (...args: unknown[]) => ChildProcess;
let crashDirsAtStart = new Set<string>();

async function crashListing(): Promise<Set<string>> {
  return new Set(await readdir(CRASH_DIR).catch(() => [] as string[]));
}

/** New directories in /var/tmp/frr named after a pid this file started. */
async function ourNewCrashDirs(since: ReadonlySet<string>): Promise<string[]> {
  return [...(await crashListing())].filter((d) => {
    const pid = Number(/^\w+\.(\d+)$/.exec(d)?.[1]);
    return !since.has(d) && spawnedPids.has(pid);
  });
}

before(async () => {
  crashDirsAtStart = await crashListing();
  childProcess.spawn = function (this: unknown, ...args: unknown[]) {
    const child = originalSpawn.apply(this, args);
    if (child.pid) spawnedPids.add(child.pid);
    return child;
  };
  syncBuiltinESMExports();
});

after(async () => {
  childProcess.spawn = originalSpawn;
  syncBuiltinESMExports();
  const inUse = new Set<string>();
  for (const e of await readdir("/proc")) {
    if (/^\d+$/.test(e)) for (const d of await crashDirsOf(Number(e))) inUse.add(path.basename(d));
  }
  for (const d of await ourNewCrashDirs(crashDirsAtStart)) {
    if (!inUse.has(d)) await rm(path.join(CRASH_DIR, d), { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------
// Helpers

async function idOf(user: string): Promise<{ uid: number; gid: number }> {
  const u = await run("id", ["-u", user]);
  const g = await run("id", ["-g", user]);
  assert.equal(u.code, 0, `no user ${user}: ${u.stderr}`);
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** Runs argv as another user, with no supplementary groups (setpriv, util-linux). */
function asUser(user: string, group: string, argv: string[]) {
  return run(SETPRIV as string, [`--reuid=${user}`, `--regid=${group}`, "--clear-groups", "--", ...argv], {
    timeoutMs: 10_000,
  });
}

function topology(yaml: string): Lab {
  return parseTopology(yaml, "host-safety.test.ts");
}

/** Two eBGP routers on one cable (intent: per-daemon config files, zebra + staticd + bgpd). */
function twoRouters(lab: string, net: string): Lab {
  return topology(`name: ${lab}
nodes:
  r1: { bgp: { asn: 65001, neighbors: [r2] } }
  r2: { bgp: { asn: 65002, neighbors: [r1] } }
links:
  - endpoints:
      - { endpoint: r1:1, ip: ${net}.1/30 }
      - { endpoint: r2:1, ip: ${net}.2/30 }
`);
}

/** What a path is, recursively, without following links: to prove decoys did not change. */
interface Snap {
  kind: "file" | "dir" | "link" | "other";
  ino: number;
  uid: number;
  gid: number;
  mode: string;
  content?: string;
  entries?: Record<string, Snap | undefined>;
}

async function snap(p: string): Promise<Snap | undefined> {
  const st = await lstat(p).catch(() => undefined);
  if (!st) return undefined;
  const base = { ino: st.ino, uid: st.uid, gid: st.gid, mode: (st.mode & 0o7777).toString(8) };
  if (st.isDirectory()) {
    const entries: Record<string, Snap | undefined> = {};
    for (const name of (await readdir(p)).sort()) entries[name] = await snap(path.join(p, name));
    return { kind: "dir", ...base, entries };
  }
  if (st.isFile()) {
    const content = await readFile(p, "utf8").catch((e: NodeJS.ErrnoException) => `<unreadable: ${e.code}>`);
    return { kind: "file", ...base, content };
  }
  if (st.isSymbolicLink()) return { kind: "link", ...base, content: await readlink(p) };
  return { kind: "other", ...base };
}

/** Owner and mode of a directory (not its contents). */
async function meta(p: string): Promise<string> {
  const st = await lstat(p);
  return `${st.uid}:${st.gid}:${(st.mode & 0o7777).toString(8)}:${st.isDirectory() ? "dir" : "not a dir"}`;
}

async function namespaces(): Promise<string[]> {
  return (await run("ip", ["netns", "list"])).stdout
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter(Boolean);
}

/** Live processes whose command line carries `-N <pathspace>` with the given prefix. */
async function pathspaceProcesses(prefix: string): Promise<number[]> {
  const pids: number[] = [];
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const argv = (await readFile(`/proc/${e}/cmdline`, "utf8").catch(() => "")).split("\0");
    const i = argv.indexOf("-N");
    if (i >= 0 && argv[i + 1]?.startsWith(prefix) && (await isAlive(Number(e)))) pids.push(Number(e));
  }
  return pids;
}

/** FRR crash-log directories (/var/tmp/frr/<daemon>.<pid>) a live process has mapped. */
async function crashDirsOf(pid: number): Promise<string[]> {
  const maps = await readFile(`/proc/${pid}/maps`, "utf8").catch(() => "");
  return [...new Set([...maps.matchAll(/ (\/var\/tmp\/frr\/[^/\s]+)\/logbuf\.\d+$/gm)].map((m) => m[1] as string))];
}

/** The lab's namespaces and live daemons (what a failed deploy's rollback must not leave). */
async function runtimeLeft(lab: string): Promise<string[]> {
  const prefix = `wl_${lab}_`;
  return [
    ...(await namespaces()).filter((n) => n.startsWith(prefix)).map((n) => `namespace ${n}`),
    ...(await Promise.all(
      (
        await pathspaceProcesses(prefix)
      ).map(async (p) => {
        const argv = (await readFile(`/proc/${p}/cmdline`, "utf8").catch(() => "")).split("\0").join(" ").trim();
        const ns = await readlink(`/proc/${p}/ns/net`).catch(() => "?");
        return `process ${p} (${ns}): ${argv}`;
      }),
    )),
  ];
}

/** Ends the lab's daemons (started by this file's deploys) and deletes its namespaces. */
async function clearRuntime(lab: string): Promise<void> {
  const prefix = `wl_${lab}_`;
  for (const pid of await pathspaceProcesses(prefix)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  for (const ns of (await namespaces()).filter((n) => n.startsWith(prefix))) await run("ip", ["netns", "del", ns]);
}

/**
 * helpers.leftovers without what other labs on this machine may own meanwhile (host veths,
 * any FRR zombie awaiting PID 1), polled until empty or `timeoutMs`.
 */
async function waitLabGone(lab: string, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = (await leftovers(lab)).filter((l) => !l.startsWith("host veth") && !l.startsWith("zombie FRR"));
    if (!left.length || Date.now() > deadline) return left;
    await delay(100);
  }
}

/**
 * Removes whatever a test's lab left, whatever wirelab did: destroy when a state is there,
 * then by hand the lab's own daemons (started by this file's deploys, found by their
 * pathspace argument) with their crash-log directories, namespaces, mounts and files.
 */
async function forceCleanup(lab: string): Promise<void> {
  const state = await readState(lab).catch(() => undefined);
  if (state) await destroyLab(state).catch(() => {});
  const prefix = `wl_${lab}_`;
  const crash: string[] = [];
  for (const pid of await pathspaceProcesses(prefix)) crash.push(...(await crashDirsOf(pid)));
  await clearRuntime(lab);
  for (const d of crash) await rm(d, { recursive: true, force: true });
  await unmountUnder(labDir(lab));
  // fs.rm never follows a link: a planted one is removed, not its target.
  await rm(labDir(lab), { recursive: true, force: true });
  for (const d of await readdir(FRR_RUN).catch(() => [] as string[])) {
    if (d.startsWith(prefix)) await rm(path.join(FRR_RUN, d), { recursive: true, force: true });
  }
}

/** Mount points at or below `dir` (/proc/self/mountinfo, field 5), deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return text
    .split("\n")
    .map((l) => (l.split(" ")[4] ?? "").replace(/\\040/g, " "))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Detaches every mount at or below `dir` (e.g. a UTS namespace bound through a planted link). */
async function unmountUnder(dir: string): Promise<void> {
  for (const m of await mountsUnder(dir)) await run("umount", ["-l", m]);
}

/** Polls `cond` every 20 ms for at most `timeoutMs`; returns its last answer. */
async function until(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > deadline) return false;
    await delay(20);
  }
}

// ---------------------------------------------------------------------------------------
// Finding 1a: a link planted at a pathspace directory before deploy.

describe("a link planted at an FRR pathspace (finding 1a)", { skip }, () => {
  const lab = "hsplant";
  const link = path.join(FRR_RUN, `wl_${lab}_r1`);
  let decoyRoot = "";

  before(async () => {
    await forceCleanup(lab);
    decoyRoot = await mkdtemp("/tmp/wl-decoy-");
    await mkdir(path.join(decoyRoot, "dir"), { mode: 0o700 });
    await writeFile(path.join(decoyRoot, "dir", "secret"), "root's own file\n", { mode: 0o600 });
  });

  after(async () => {
    await forceCleanup(lab); // removes the link too (rm does not follow it)
    await rm(link, { force: true });
    if (decoyRoot) await rm(decoyRoot, { recursive: true, force: true });
  });

  test("deploy refuses, naming the path; the decoy keeps its owner, mode and contents", async () => {
    const decoy = path.join(decoyRoot, "dir");
    const planted = await asUser("frr", "frr", ["ln", "-s", decoy, link]);
    assert.equal(planted.code, 0, `ln -s as frr: ${planted.stderr}`);
    assert.equal(await readlink(link), decoy);
    const before = await snap(decoyRoot);
    assert.equal(before?.entries?.dir?.uid, 0);

    const refused = await deployLab(twoRouters(lab, "10.201.1"), { wait: false }).then(
      () => undefined,
      (e: Error) => e,
    );

    assert.deepEqual(await snap(decoyRoot), before, "the decoy (owner root, mode 0700, its file) is unchanged");
    assert.ok(refused, "deploy refuses");
    // The pathspace itself, not a file in it (as in FRR's own "Can't create pid lock file
    // /var/run/frr/wl_hsplant_r1/zebra.pid" after root had followed the link).
    assert.match(refused.message, new RegExp(`${link}(?![\\w/])`), `the error names ${link}`);
    assert.deepEqual(await runtimeLeft(lab), [], "no namespace or daemon of the lab remains");
    // The planted link is the attacker's: remove it (if wirelab has not), then nothing of the lab is left.
    if ((await lstat(link).catch(() => undefined))?.isSymbolicLink()) await unlink(link);
    assert.deepEqual(await waitLabGone(lab), []);
  });
});

// ---------------------------------------------------------------------------------------
// Findings 1b/1c and the "Also": links raced into every path wirelab writes.

describe("links raced into every path wirelab writes (findings 1b, 1c)", { skip }, () => {
  const lab = "hsrace";
  const nodes = ["r1", "r2"];
  const durationMs = 4000;
  let decoyRoot = "";
  let racer: ChildProcess | undefined;
  const hostDirs = [FRR_RUN, "/run/wirelab", path.dirname(labDir(lab))];
  const hostBefore = new Map<string, string>();

  /** The attacker's own leftovers in /var/run/frr: links at the lab's pathspaces, dirs it renamed away. */
  async function attackerLeftovers(): Promise<{ links: string[]; moved: string[]; other: string[] }> {
    const out = { links: [] as string[], moved: [] as string[], other: [] as string[] };
    for (const d of await readdir(FRR_RUN).catch(() => [] as string[])) {
      const p = path.join(FRR_RUN, d);
      if (d.startsWith(".hsrace-moved-")) out.moved.push(p);
      else if (d.startsWith(`wl_${lab}_`)) {
        if ((await lstat(p).catch(() => undefined))?.isSymbolicLink()) out.links.push(p);
        else out.other.push(p);
      }
    }
    return out;
  }

  async function removeAttackerLeftovers(): Promise<void> {
    const left = await attackerLeftovers();
    for (const p of [...left.links, ...left.moved]) await rm(p, { recursive: true, force: true });
  }

  before(async () => {
    await forceCleanup(lab);
    await removeAttackerLeftovers();
    for (const d of hostDirs) hostBefore.set(d, await meta(d).catch(() => "missing"));
    // root's decoys, in a directory only root may enter: a file with known content, a
    // directory with a file inside (0700 and 0755), all owned by root.
    decoyRoot = await mkdtemp("/tmp/wl-hsrace-");
    await writeFile(path.join(decoyRoot, "file-a"), "decoy a: root only\n", { mode: 0o600 });
    await writeFile(path.join(decoyRoot, "file-b"), "decoy b: root only\n", { mode: 0o600 });
    for (const [d, mode] of [
      ["dir-a", 0o700],
      ["dir-b", 0o755],
    ] as const) {
      await mkdir(path.join(decoyRoot, d), { mode });
      await writeFile(path.join(decoyRoot, d, "inside"), `inside ${d}\n`, { mode: 0o600 });
    }
  });

  after(async () => {
    if (racer && racer.exitCode === null && racer.signalCode === null) racer.kill("SIGKILL");
    await forceCleanup(lab);
    await removeAttackerLeftovers();
    if (decoyRoot) {
      // A UTS namespace bound onto a decoy through a planted `uts` link (seen before the fix).
      await unmountUnder(decoyRoot);
      await rm(decoyRoot, { recursive: true, force: true });
    }
  });

  test("under a racing attacker, deploy/destroy fail cleanly or succeed, and no decoy changes", {
    timeout: 180_000,
  }, async (t) => {
    const decoysBefore = await snap(decoyRoot);
    const cfg = {
      lab,
      nodes,
      frrRun: FRR_RUN,
      labDir: labDir(lab),
      fileTargets: [path.join(decoyRoot, "file-a"), path.join(decoyRoot, "file-b")],
      dirTargets: [path.join(decoyRoot, "dir-a"), path.join(decoyRoot, "dir-b")],
      durationMs,
    };
    const child = spawn(
      SETPRIV as string,
      ["--reuid=frr", "--regid=frr", "--clear-groups", "--", process.execPath, RACER, JSON.stringify(cfg)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    racer = child;
    let out = "";
    let err = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr?.on("data", (b: Buffer) => {
      err += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const running = () => child.exitCode === null && child.signalCode === null;
    assert.ok(await until(async () => out.includes("ready\n") || !running(), 10_000), "the racer starts within 10 s");
    assert.ok(running(), `the racer runs as frr: ${err}`);

    const topo = twoRouters(lab, "10.201.2");
    const deployFailures: string[] = [];
    const destroyFailures: string[] = [];
    const unclean: string[] = [];
    let deployed = 0;
    let attempts = 0;
    while (running() && attempts < 10) {
      attempts++;
      try {
        await deployLab(topo, { wait: false, lockWaitMs: 10_000 });
        deployed++;
      } catch (e) {
        assert.ok(e instanceof Error && e.message, `deploy fails with a message: ${String(e)}`);
        deployFailures.push(e.message);
        // Failing cleanly: its rollback ended the lab's daemons and removed its namespaces.
        const left = await runtimeLeft(lab);
        if (left.length) {
          unclean.push(`after deploy failed (${e.message}): ${left.join(", ")}`);
          await clearRuntime(lab); // so that the next attempt is judged on its own
        }
      }
      const state = await readState(lab).catch(() => undefined);
      if (state) {
        try {
          await destroyLab(state);
        } catch (e) {
          assert.ok(e instanceof Error && e.message, `destroy fails with a message: ${String(e)}`);
          destroyFailures.push(e.message);
        }
      }
    }
    const code = await Promise.race([exited, delay(durationMs + 15_000).then(() => "timeout")]);
    assert.equal(code, 0, `the racer ends by itself: ${err}`);
    const summary = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { planted?: number; moved?: string[] };
    assert.ok((summary.planted ?? 0) > 0, `the racer planted links: ${out}`);
    assert.ok(attempts >= 2, `deployed ${attempts} times during the race`);

    // The attacker is gone: destroy now succeeds.
    let finalDestroy: Error | undefined;
    const state = await readState(lab).catch((e: Error) => {
      finalDestroy = e;
      return undefined;
    });
    if (state) await destroyLab(state).catch((e: Error) => (finalDestroy = e));

    // Every decoy as it was: same inode, owner, group, mode, content, nothing mounted on it;
    // the shared directories' owners and modes too.
    const story = `deploys: ${deployed} ok, ${deployFailures.length} failed (${[...new Set(deployFailures)].slice(0, 4).join(" | ")}); destroy failures: ${destroyFailures.length} (${[...new Set(destroyFailures)].slice(0, 2).join(" | ")})`;
    t.diagnostic(`${story}; racer: ${JSON.stringify({ ...summary, moved: undefined })}`);
    assert.deepEqual(await mountsUnder(decoyRoot), [], `nothing is mounted on a decoy; ${story}`);
    assert.deepEqual(await snap(decoyRoot), decoysBefore, `decoys unchanged; ${story}`);
    for (const d of hostDirs) assert.equal(await meta(d).catch(() => "missing"), hostBefore.get(d), d);

    assert.deepEqual(unclean, [], "every failed deploy rolled back its namespaces and daemons");
    assert.equal(finalDestroy, undefined, `the last destroy succeeds: ${finalDestroy?.message}`);
    const left = await attackerLeftovers();
    assert.deepEqual(left.other, [], "in /var/run/frr only the attacker's links are left");
    await removeAttackerLeftovers();
    const labTree = await snap(labDir(lab));
    assert.equal(labTree, undefined, `the lab's directory is removed: ${JSON.stringify(labTree)}`);
    assert.deepEqual(await waitLabGone(lab), []);
    assert.ok(!(await namespaces()).some((n) => n.startsWith(`wl_${lab}_`)));
  });
});

// ---------------------------------------------------------------------------------------
// Finding 7: destroy took names from the state file.

describe("destroy does not trust names in the state file (finding 7)", { skip }, () => {
  const lab = "hsstate";
  const victimNs = "wl_hsvictim_x";
  const escapeDir = "/tmp/hs-escape";
  let sleeper: ChildProcess | undefined;

  before(async () => {
    await forceCleanup(lab);
    if ((await namespaces()).includes(victimNs)) await run("ip", ["netns", "del", victimNs]);
    await rm(escapeDir, { recursive: true, force: true });
    await mkdir(escapeDir, { mode: 0o755 });
    await writeFile(path.join(escapeDir, "keep"), "not wirelab's\n");
    assert.equal((await run("ip", ["netns", "add", victimNs])).code, 0);
    sleeper = spawn("ip", ["netns", "exec", victimNs, "sleep", "600"], { stdio: "ignore" });
    const pid = sleeper.pid as number;
    const victimIno = (await stat(path.join(NETNS_RUN, victimNs))).ino;
    assert.ok(
      await until(async () => {
        const comm = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
        const ns = await readlink(`/proc/${pid}/ns/net`).catch(() => "");
        return comm === "sleep" && ns === `net:[${victimIno}]`;
      }, 5000),
      "the victim's sleep runs in its namespace",
    );
  });

  after(async () => {
    if (sleeper && sleeper.exitCode === null && sleeper.signalCode === null) sleeper.kill("SIGKILL");
    await run("ip", ["netns", "del", victimNs]);
    await rm(escapeDir, { recursive: true, force: true });
    await forceCleanup(lab);
  });

  test("a tampered state.json: foreign namespace, process and directory survive; the lab's namespaces go", {
    timeout: 120_000,
  }, async (t) => {
    const topo = topology(`name: ${lab}
nodes:
  r1: {}
  r2: {}
  h1: { kind: linux }
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.201.3.1/30 }, { endpoint: r2:1, ip: 10.201.3.2/30 }]
  - endpoints: [{ endpoint: r2:2, ip: 10.201.3.5/30 }, { endpoint: h1:eth0, ip: 10.201.3.6/30 }]
`);
    await deployLab(topo, { wait: false });
    const own = ["r1", "r2", "h1"].map((n) => `wl_${lab}_${n}`);
    for (const ns of own) assert.ok((await namespaces()).includes(ns), `${ns} deployed`);

    const file = stateFile(lab);
    const original = await readFile(file, "utf8");
    const state = JSON.parse(original) as LabState;
    const rec = (name: string) => state.nodes.find((n) => n.name === name) as LabState["nodes"][number];
    const model = (name: string) => state.model.nodes.find((n) => n.name === name) as Lab["nodes"][number];
    // Recorded namespace names pointing elsewhere…
    rec("r1").netns = victimNs;
    rec("r2").netns = "../../../tmp/hs-escape";
    // …and node names (record and model) that, joined into wirelab's paths, lead out of them:
    // /run/netns/wl_hsstate_../../wl_hsvictim_x is the victim's namespace, and
    // /var/run/frr/wl_hsstate_../../../../../tmp/hs-escape is /tmp/hs-escape.
    const toVictim = "../../wl_hsvictim_x";
    const toEscape = "../../../../../tmp/hs-escape";
    state.nodes.push({ ...rec("h1"), name: toVictim, netns: victimNs });
    state.model.nodes.push({ ...model("h1"), name: toVictim });
    state.nodes.push({ ...rec("r2"), name: toEscape, netns: "../../../tmp/hs-escape" });
    state.model.nodes.push({ ...model("r2"), name: toEscape });
    await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);

    let refused: Error | undefined;
    try {
      await destroyLab((await readState(lab)) as LabState);
    } catch (e) {
      refused = e as Error;
    }
    t.diagnostic(
      refused ? `destroy refused the state: ${refused.message}` : "destroy went ahead without the foreign names",
    );
    if (refused) {
      // Refused entirely: the message says why (the state file), and a valid state destroys the lab.
      assert.match(
        refused.message,
        /state(\.json| file)/,
        `destroy's refusal names the state file: ${refused.message}`,
      );
      if (existsSync(path.dirname(file))) {
        await writeFile(file, original);
        await destroyLab((await readState(lab)) as LabState);
      }
    }

    const pid = sleeper?.pid as number;
    const victimIno = (await stat(path.join(NETNS_RUN, victimNs)).catch(() => undefined))?.ino;
    assert.ok(victimIno !== undefined && (await namespaces()).includes(victimNs), "the victim namespace survives");
    assert.ok(await isAlive(pid), "the victim's process survives");
    assert.equal(await readlink(`/proc/${pid}/ns/net`).catch(() => ""), `net:[${victimIno}]`);
    assert.equal(await readFile(path.join(escapeDir, "keep"), "utf8").catch(() => "gone"), "not wirelab's\n");
    const left = await namespaces();
    for (const ns of own) assert.ok(!left.includes(ns), `the lab's own ${ns} is removed`);
    assert.deepEqual(await runtimeLeft(lab), []);
  });
});

// ---------------------------------------------------------------------------------------
// Finding 6: secrets in a lab's files were readable by every user.

describe("a lab's secrets are not world-readable (finding 6)", { skip }, () => {
  const lab = "hssecret";
  const secret = "s3cret-wl";

  before(() => forceCleanup(lab));
  after(() => forceCleanup(lab));

  test("nobody can read state.json or any node's *.conf; no directory is writable by others", {
    timeout: 120_000,
  }, async () => {
    const topo = topology(`name: ${lab}
nodes:
  r1:
    config: |
      interface 1
       ip address 10.201.4.1/30
      router bgp 65001
       bgp router-id 10.201.4.1
       neighbor 10.201.4.2 remote-as 65002
       neighbor 10.201.4.2 password ${secret}
  r2:
    config: |
      interface 1
       ip address 10.201.4.2/30
      router bgp 65002
       bgp router-id 10.201.4.2
       neighbor 10.201.4.1 remote-as 65001
       neighbor 10.201.4.1 password ${secret}
links:
  - [r1:1, r2:1]
`);
    const result = await deployLab(topo, { timeoutMs: 60_000 });
    assert.ok(
      result.bgp && result.bgp.total === 2 && result.bgp.established === 2,
      `the MD5-protected session comes up: ${JSON.stringify(result.bgp)}`,
    );

    const root = labDir(lab);
    const state = stateFile(lab);
    const frr = await idOf("frr");
    const st = await lstat(state);
    assert.ok(st.isFile());
    assert.equal(st.uid, 0, "state.json is owned by root");
    assert.equal((st.mode & 0o7777).toString(8), "600", "state.json is 0600");
    assert.ok((await readFile(state, "utf8")).includes(secret), "state.json holds the secret (the model's config)");

    // Every file and directory of the lab's tree, without following links.
    const dirs: string[] = [];
    const confs: string[] = [];
    async function walk(dir: string): Promise<void> {
      dirs.push(dir);
      for (const name of await readdir(dir)) {
        const p = path.join(dir, name);
        const s = await lstat(p);
        if (s.isDirectory()) await walk(p);
        else if (s.isFile() && name.endsWith(".conf") && p.startsWith(`${nodesDir(lab)}/`)) confs.push(p);
      }
    }
    await walk(root);
    for (const n of ["r1", "r2"]) {
      const conf = path.join(nodesDir(lab), n, "frr.conf");
      assert.ok(confs.includes(conf), `${conf} exists`);
      assert.ok((await readFile(conf, "utf8")).includes(secret), `${conf} holds the secret`);
    }

    for (const f of [state, ...confs]) {
      const r = await asUser("nobody", "nogroup", ["cat", f]);
      assert.notEqual(r.code, 0, `nobody can read ${f}`);
      assert.ok(!r.stdout.includes(secret), `nothing of ${f} reaches nobody`);
    }
    for (const d of dirs) {
      const s = await lstat(d);
      assert.equal(s.mode & 0o002, 0, `${d} is not writable by others (mode ${(s.mode & 0o7777).toString(8)})`);
      // FRR (user frr) writes only its log: nodes/<node>/log/frr.log. No other directory of
      // the lab is frr's, so frr cannot plant anything where root writes.
      const rel = path.relative(root, d);
      if (s.uid === frr.uid) assert.match(rel, /^nodes\/[^/]+\/log$/, `${d} is owned by frr`);
    }
  });
});

// ---------------------------------------------------------------------------------------
// The "Also": a daemon killed with SIGKILL leaves /var/tmp/frr/<daemon>.<pid>.

describe("no FRR crash-log directory is left (the issue's 'Also')", { skip }, () => {
  const lab = "hscrash";
  const ours = new Set<string>();

  before(() => forceCleanup(lab));
  after(async () => {
    await forceCleanup(lab);
    // Only directories this lab's daemons had mapped (the file's last `after` removes the rest of ours).
    for (const d of ours) await rm(d, { recursive: true, force: true });
  });

  test("a bgpd killed before destroy leaves no /var/tmp/frr directory behind", { timeout: 120_000 }, async () => {
    const before = await crashListing();
    await deployLab(twoRouters(lab, "10.201.5"), { timeoutMs: 60_000 });

    // The crash-log directories of every daemon of the lab, while they run.
    for (const pid of await pathspaceProcesses(`wl_${lab}_`)) for (const d of await crashDirsOf(pid)) ours.add(d);
    const made = await ourNewCrashDirs(before);

    const ps = `wl_${lab}_r1`;
    const pid = Number((await readFile(path.join(FRR_RUN, ps, "bgpd.pid"), "utf8")).trim());
    const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
    assert.ok(argv.includes("-N") && argv[argv.indexOf("-N") + 1] === ps, `pid ${pid} is bgpd of ${ps}: ${argv}`);
    process.kill(pid, "SIGKILL");
    assert.ok(await until(async () => !(await isAlive(pid)), 5000), "bgpd died");

    await destroyLab((await readState(lab)) as LabState);
    assert.deepEqual(await waitLabGone(lab), []);

    const after = await crashListing();
    const remaining = [...ours].filter((d) => after.has(path.basename(d)));
    assert.deepEqual(remaining, [], `no crash-log directory of the lab's daemons remains (${[...ours]})`);
    // Every name new in /var/tmp/frr since the test began that this lab made (named after a
    // pid the test started; other sessions' labs may add theirs meanwhile).
    assert.deepEqual(await ourNewCrashDirs(before), [], `no new directory of ours in ${CRASH_DIR} (made: ${made})`);
  });
});
