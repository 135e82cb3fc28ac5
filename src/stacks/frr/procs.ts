// FRR's processes of a node, from its pathspace's pid files (never by name: other FRR
// instances on the host are not ours), and what they leave behind. Used by inspect
// (daemonStatus), destroy (processes, cleanup) and node stop/start (node.ts).
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { frrDir } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { isAlive } from "../../util/procs.js";
import { removeTree } from "../../util/safe-fs.js";
import type { DaemonStatus, OwnedProcesses } from "../stack.js";
import { vtyshInside } from "./channel.js";
import { vtyshPathspaceDir } from "./paths.js";

async function readPid(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/**
 * Whether `pid` is a live daemon of `pathspace`. A pid file can outlive its daemon and the
 * pid be reused: trust only a command line that names the pathspace (`-N <pathspace>`).
 */
export async function isPathspaceDaemon(pid: number, pathspace: string): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0");
  const i = argv.indexOf("-N");
  return i >= 0 && argv[i + 1] === pathspace;
}

/** The live, verified pid of one daemon of a pathspace, if it runs. */
export async function daemonPid(pathspace: string, daemon: string): Promise<number | undefined> {
  const pid = await readPid(path.join(frrDir(pathspace), `${daemon}.pid`));
  return pid !== undefined && (await isPathspaceDaemon(pid, pathspace)) ? pid : undefined;
}

/** Each daemon of the node and whether it runs (RoutingStack.daemonStatus). */
export async function daemonStatus(handle: NodeHandle, daemons: string[]): Promise<DaemonStatus[]> {
  if (!handle.hostFs) {
    // The pid files in a container hold the container's pids: ask its own vtysh who answers.
    const up = await vtyshInside(handle, ["show daemons"], 5000)
      .then((out) => new Set(out.split(/\s+/).filter(Boolean)))
      .catch(() => new Set<string>());
    return daemons.map((name) => ({ name, alive: up.has(name) }));
  }
  const dir = frrDir(handle.netns);
  const files = new Set(await readdir(dir).catch(() => [] as string[]));
  return Promise.all(
    daemons.map(async (name): Promise<DaemonStatus> => {
      if (!files.has(`${name}.pid`)) return { name, alive: false };
      const pid = await readPid(path.join(dir, `${name}.pid`));
      if (pid === undefined) return { name, alive: false };
      return { name, pid, alive: await isPathspaceDaemon(pid, handle.netns) };
    }),
  );
}

/**
 * FRR's crash-log directory of a running daemon, /var/tmp/frr/<daemon>.<pid of its parent
 * before daemonizing>, found through the log buffers the daemon has mapped. A daemon removes
 * it when it exits cleanly, never after SIGKILL: destroy removes it (seen: thousands of them
 * piling up, and a reused pid making FRR start without crash logs, "File exists").
 */
async function crashDirs(pid: number): Promise<string[]> {
  const maps = await readFile(`/proc/${pid}/maps`, "utf8").catch(() => "");
  return [...new Set([...maps.matchAll(/ (\/var\/tmp\/frr\/[\w.-]+)\/logbuf\.\d+$/gm)].map((m) => m[1] as string))];
}

/**
 * The node's daemons by the pathspace's pid files (every file, not only `daemons`: a daemon
 * started by hand counts too), with their crash-log directories (RoutingStack.processes).
 * Container daemons go with their container: nothing here.
 */
export async function processes(handle: NodeHandle): Promise<OwnedProcesses> {
  if (!handle.hostFs) return { pids: [], leftovers: [] };
  const dir = frrDir(handle.netns);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".pid"));
  const pids: number[] = [];
  for (const f of files) {
    const pid = await readPid(path.join(dir, f));
    if (pid !== undefined && (await isPathspaceDaemon(pid, handle.netns))) pids.push(pid);
  }
  const leftovers = (await Promise.all(pids.map(crashDirs))).flat();
  return { pids, leftovers };
}

/** FRR's crash-log directories are named `<daemon>[-<instance>].<pid>` in /var/tmp/frr. */
const CRASH_DIR = /^\/var\/tmp\/frr\/[a-z0-9]+(?:-\d+)?\.\d+$/;

/**
 * Removes crash-log directories (only paths of FRR's own pattern) and the pathspace's run
 * directory (sockets, pid files). Both live in directories the frr user controls: removed
 * without following links (safe-fs removeTree).
 */
export async function removeCrashDirs(dirs: readonly string[]): Promise<void> {
  await Promise.all(dirs.filter((d) => CRASH_DIR.test(d)).map((d) => removeTree(d).catch(() => {})));
}

export async function cleanup(handle: NodeHandle, owned: OwnedProcesses): Promise<void> {
  await removeCrashDirs(owned.leftovers);
  // Container nodes too: the runtime binds this directory as the container's /var/run/frr.
  await removeTree(frrDir(handle.netns));
  // vtysh's directory for the pathspace (a node removed by reconfigure may come back).
  await removeTree(vtyshPathspaceDir(handle.lab, handle.netns));
}

/** The crash-log directories of the node's running daemons (recorded after a start). */
export async function runningCrashDirs(handle: NodeHandle): Promise<string[]> {
  return (await processes(handle)).leftovers;
}
