// The node's bird process, from its pid file (never by name: other labs' BIRDs, and a
// system BIRD, are not ours). Used by inspect (daemonStatus), destroy (processes, cleanup)
// and node stop/start (node.ts).
import { constants as C } from "node:fs";
import { type FileHandle, open, readFile } from "node:fs/promises";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { isAlive } from "../../util/procs.js";
import { removeTree } from "../../util/safe-fs.js";
import type { DaemonStatus, OwnedProcesses } from "../stack.js";
import { confPath, pidPath, runDir, socketPath } from "./paths.js";

/** The one daemon of a BIRD node, as the lab state records it. */
export const BIRD_DAEMON = "bird";

/**
 * The pid in a pid file. The run directory is BIRD's user's, so root reads its pid file the
 * careful way: never through a link (O_NOFOLLOW), never blocking on a FIFO planted there
 * (O_NONBLOCK, regular files only), a few bytes at most.
 */
export async function readPid(file: string): Promise<number | undefined> {
  let h: FileHandle | undefined;
  try {
    h = await open(file, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
    if (!(await h.stat()).isFile()) return undefined;
    const buf = Buffer.alloc(32);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    const pid = Number(buf.subarray(0, bytesRead).toString("utf8").trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    await h?.close();
  }
}

/** The value after `flag` in an argv. */
function arg(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/**
 * Whether `pid` is this node's live bird. A pid file can outlive its daemon and the pid be
 * reused: trust only a command line that names this node's config and socket.
 */
export async function isNodeBird(pid: number, handle: NodeHandle): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0");
  const { lab, node } = handle;
  return arg(argv, "-c") === confPath(lab, node.name) && arg(argv, "-s") === socketPath(lab, node.name);
}

/** The node's live, verified bird pid, if it runs. */
export async function birdPid(handle: NodeHandle): Promise<number | undefined> {
  const pid = await readPid(pidPath(handle.lab, handle.node.name));
  return pid !== undefined && (await isNodeBird(pid, handle)) ? pid : undefined;
}

/** RoutingStack.daemonStatus: the node's bird and whether it runs. */
export async function daemonStatus(handle: NodeHandle, daemons: string[]): Promise<DaemonStatus[]> {
  const pid = await readPid(pidPath(handle.lab, handle.node.name));
  const alive = pid !== undefined && (await isNodeBird(pid, handle));
  return daemons.map((name) => (pid === undefined ? { name, alive: false } : { name, pid, alive }));
}

/** RoutingStack.processes: the verified bird; BIRD leaves nothing that only a live process reveals. */
export async function processes(handle: NodeHandle): Promise<OwnedProcesses> {
  const pid = await birdPid(handle);
  return { pids: pid === undefined ? [] : [pid], leftovers: [] };
}

/**
 * RoutingStack.cleanup: the run directory (socket and pid file a killed bird leaves). It is
 * BIRD's user's: removed without following links (safe-fs removeTree). The rest of the
 * node's files go with the lab's directory.
 */
export async function cleanup(handle: NodeHandle): Promise<void> {
  await removeTree(runDir(handle.lab, handle.node.name));
}
