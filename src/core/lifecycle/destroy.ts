// Tears a lab down from its recorded state: processes first (by namespace and pid file),
// then namespaces (which take their veths and bridges with them), then files.
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { run } from "../../util/exec.js";
import { withLabLock } from "../lock.js";
import { frrDir, labDir, netnsPath, nodesDir, OSPF_GR_FILE, utsFile } from "../paths.js";
import { type LabState, readState } from "../state.js";
import { ipBatch, listNetns } from "../../util/ip.js";
import { anyAlive, isAlive, nsInode, pidsByNetns, terminate } from "../../util/procs.js";

export interface DestroyReport {
  lab: string;
  namespaces: number;
  processes: number;
  ms: number;
  /** Containers removed (docker runtime). */
  containers?: number;
  /** Something not removed, e.g. containers while no Docker daemon answered. */
  warning?: string;
}

/** Pids from a pathspace's pid files whose command line really names that pathspace. */
async function frrPidFilePids(pathspace: string): Promise<number[]> {
  const dir = frrDir(pathspace);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".pid"));
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const f of files) {
    const pid = Number((await readFile(path.join(dir, f), "utf8").catch(() => "")).trim());
    if (!Number.isInteger(pid) || pid <= 1 || !(await isAlive(pid))) continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0");
    const i = argv.indexOf("-N");
    if (i >= 0 && argv[i + 1] === pathspace) pids.push(pid);
  }
  return pids;
}

/**
 * FRR's crash-log directory of a running daemon, /var/tmp/frr/<daemon>.<pid of its parent
 * before daemonizing>, found through the log buffers the daemon has mapped. A daemon removes
 * it when it exits cleanly, never after SIGKILL: destroy removes it (seen: thousands of them
 * piling up, and a reused pid making FRR start without crash logs, "File exists").
 */
async function frrTmpDirs(pid: number): Promise<string[]> {
  const maps = await readFile(`/proc/${pid}/maps`, "utf8").catch(() => "");
  return [...new Set([...maps.matchAll(/ (\/var\/tmp\/frr\/[\w.-]+)\/logbuf\.\d+$/gm)].map((m) => m[1] as string))];
}

/** Mount points from /proc/self/mountinfo (field 5), to unmount only what is mounted. */
async function mountPoints(): Promise<Set<string>> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return new Set(text.split("\n").map((l) => (l.split(" ")[4] ?? "").replace(/\\040/g, " ")));
}

/**
 * Removes everything the lab made, holding the lab's lock (waits for a deploy in progress).
 * Safe to run on a half-built or already half-removed lab.
 */
export async function destroyLab(
  state: LabState,
  opts: { onWait?: (op: string) => void } = {},
): Promise<DestroyReport> {
  return withLabLock(state.name, { op: "destroy", onWait: (h) => opts.onWait?.(h.op) }, async () => {
    // Re-read: what we waited for may have changed or removed the lab.
    const current = await readState(state.name);
    if (!current) return { lab: state.name, namespaces: 0, processes: 0, ms: 0 };
    return teardownLab(current);
  });
}

/** The teardown itself, without the lock (deploy's rollback already holds it). */
export async function teardownLab(state: LabState): Promise<DestroyReport> {
  const t0 = performance.now();
  const namespaces = state.nodes.map((n) => n.netns);

  // 0. Container nodes (docker runtime): the lab's containers and networks, by label.
  const docker =
    state.runtime === "docker" || state.nodes.some((n) => n.container)
      ? await (await import("../../runtimes/docker/destroy.js")).teardownDocker(state)
      : undefined;

  // 1. Every process living in one of the lab's namespaces, and FRR daemons by pid file.
  const inodes = new Map<string, number>();
  for (const ns of namespaces) {
    const ino = await nsInode(netnsPath(ns));
    if (ino !== undefined) inodes.set(ns, ino);
  }
  const byNs = await pidsByNetns(new Set(inodes.values()));
  const pids = new Set<number>([...byNs.values()].flat());
  // FRR daemons have nothing to save when their namespace goes away: SIGKILL at once (a
  // SIGTERM'd zebra takes ~2 s to exit). Anything else (a user's tcpdump) gets SIGTERM first.
  const daemons = new Set<number>();
  for (const n of state.nodes) if (n.kind === "frr") for (const p of await frrPidFilePids(n.netns)) daemons.add(p);
  for (const p of daemons) pids.delete(p);
  pids.delete(process.pid);
  const crashDirs = (await Promise.all([...daemons].map(frrTmpDirs))).flat();
  await Promise.all([terminate([...daemons], 0), terminate([...pids])]);
  await Promise.all(crashDirs.map((d) => rm(d, { recursive: true, force: true })));

  // 2. Namespaces: deleting one removes its veth ends (and so the pairs) and bridges.
  const existing = new Set(await listNetns());
  await ipBatch(
    namespaces.filter((ns) => existing.has(ns)).map((ns) => `netns del ${ns}`),
    { force: true },
  );

  // 3. Hostname (UTS) namespaces are bind mounts: unmount before removing the files. They
  // sit below the lab's nodes directory, itself a bind mount: one lazy unmount detaches it
  // with all of them. (Labs deployed before that mount existed: one by one.)
  const mounted = await mountPoints();
  const nodes = nodesDir(state.name);
  if (mounted.has(nodes)) await run("umount", ["-l", nodes]);
  const uts = state.nodes
    .map((n) => utsFile(state.name, n.name))
    .filter((f) => mounted.has(f) && !(mounted.has(nodes) && f.startsWith(`${nodes}/`)));
  if (uts.length) await run("umount", uts);

  // 4. Run directories: the lab's own and each FRR pathspace's (sockets, pid files).
  await Promise.all(state.nodes.map((n) => rm(frrDir(n.netns), { recursive: true, force: true })));
  await rm(labDir(state.name), { recursive: true, force: true });
  // The shared ospfd graceful-restart file: ours only if it appeared with this lab, and
  // removable only when no ospfd at all is left on the machine.
  if (state.ospfGrFileOurs && !(await anyAlive("ospfd"))) await rm(OSPF_GR_FILE, { force: true });

  return {
    lab: state.name,
    namespaces: existing.size ? namespaces.filter((ns) => existing.has(ns)).length : 0,
    processes: pids.size + daemons.size,
    ms: performance.now() - t0,
    ...(docker ? { containers: docker.containers, warning: docker.warning } : {}),
  };
}
