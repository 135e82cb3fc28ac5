// Tears a lab down from its recorded state: processes first (by namespace and pid file),
// then namespaces (which take their veths and bridges with them), then files.
import { readFile } from "node:fs/promises";
import { linkNamespaces } from "../../links/index.js";
import { nodeHandle, runtimeOf } from "../../runtimes/index.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { stackOf } from "../../stacks/index.js";
import type { OwnedProcesses } from "../../stacks/stack.js";
import { run } from "../../util/exec.js";
import { ipBatch, listNetns } from "../../util/ip.js";
import { nsInode, pidsByNetns, terminate } from "../../util/procs.js";
import { removeTree } from "../../util/safe-fs.js";
import { withLabLock } from "../lock.js";
import type { NodeModel } from "../model.js";
import { labDir, netnsPath, nodeDir, nodesDir, utsFile } from "../paths.js";
import { type LabState, readState } from "../state.js";

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

/** The lab's nodes with how to reach each, from the recorded model (names are recomputed). */
function labNodes(state: LabState): { node: NodeModel; rec: LabState["nodes"][number]; handle: NodeHandle }[] {
  const out: { node: NodeModel; rec: LabState["nodes"][number]; handle: NodeHandle }[] = [];
  for (const rec of state.nodes) {
    const node = state.model.nodes.find((n) => n.name === rec.name);
    if (node) out.push({ node, rec, handle: nodeHandle(state.name, node) });
  }
  return out;
}

/** The teardown itself, without the lock (deploy's rollback already holds it). */
export async function teardownLab(state: LabState): Promise<DestroyReport> {
  const t0 = performance.now();
  const nodes = labNodes(state);
  // The nodes' namespaces and the link types' own (stub holders), all derived from names.
  const namespaces = [...nodes.map((n) => n.handle.netns), ...linkNamespaces(state.model)];

  // 0. The runtimes' own objects (containers and networks, by label).
  let containers: number | undefined;
  let warning: string | undefined;
  const runtimes = new Set(nodes.map((n) => runtimeOf(n.node)));
  for (const rt of runtimes) {
    const r = await rt.teardown(state);
    if (r.containers !== undefined) containers = (containers ?? 0) + r.containers;
    if (r.warning) warning = r.warning;
  }

  // 1. Every process living in one of the lab's namespaces, and the stacks' daemons by their
  // verified pid files. Daemons have nothing to save when their namespace goes away: SIGKILL
  // at once (a SIGTERM'd zebra takes ~2 s to exit). Anything else (a user's tcpdump) gets
  // SIGTERM first.
  const inodes = new Map<string, number>();
  for (const ns of namespaces) {
    const ino = await nsInode(netnsPath(ns));
    if (ino !== undefined) inodes.set(ns, ino);
  }
  const byNs = await pidsByNetns(new Set(inodes.values()));
  const pids = new Set<number>([...byNs.values()].flat());
  const daemons = new Set<number>();
  const owned = await Promise.all(
    nodes.map(async (n) => {
      const stack = stackOf(n.node);
      const mine: OwnedProcesses = stack
        ? await stack.processes(n.handle, n.rec.daemons).catch(() => ({ pids: [], leftovers: [] }))
        : { pids: [], leftovers: [] };
      for (const p of mine.pids) daemons.add(p);
      return { ...n, stack, owned: mine };
    }),
  );
  for (const p of daemons) pids.delete(p);
  pids.delete(process.pid);
  await Promise.all([terminate([...daemons], 0), terminate([...pids])]);

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
  const nodesRoot = nodesDir(state.name);
  if (mounted.has(nodesRoot)) await run("umount", ["-l", nodesRoot]);
  const uts = state.nodes
    .map((n) => utsFile(state.name, n.name))
    .filter((f) => mounted.has(f) && !(mounted.has(nodesRoot) && f.startsWith(`${nodesRoot}/`)));
  if (uts.length) await run("umount", uts);

  // 4. The stacks' files (run directories, crash logs), then the lab's own directory.
  await Promise.all(owned.map((n) => n.stack?.cleanup(n.handle, n.owned)));
  // Never following a link: the lab's tree holds a directory its stack's user writes (logs).
  await removeTree(labDir(state.name), { expectOwner: 0 });
  for (const stack of new Set(owned.map((n) => n.stack))) {
    if (stack) await stack.afterTeardown?.(state.stacks?.[stack.name]);
  }

  return {
    lab: state.name,
    namespaces: existing.size ? namespaces.filter((ns) => existing.has(ns)).length : 0,
    processes: pids.size + daemons.size,
    ms: performance.now() - t0,
    ...(containers !== undefined || warning ? { containers: containers ?? 0, warning } : {}),
  };
}

/**
 * Removes some nodes of a running lab (`deploy --reconfigure`), the rest untouched: the
 * processes in their namespaces (stack daemons by verified pid files, SIGKILL; others
 * SIGTERM), their namespaces (which take their cables with them: the peer ends vanish from
 * the nodes that stay), hostname mounts, the stacks' files and each node's directory.
 * Nodes on the host's file system only (the caller refuses the others).
 */
export async function teardownNodes(labName: string, nodes: { node: NodeModel; daemons: string[] }[]): Promise<void> {
  const handles = nodes.map((n) => ({ ...n, handle: nodeHandle(labName, n.node), stack: stackOf(n.node) }));
  const inodes = new Set<number>();
  for (const n of handles) {
    const ino = await nsInode(netnsPath(n.handle.netns));
    if (ino !== undefined) inodes.add(ino);
  }
  const pids = new Set<number>([...(await pidsByNetns(inodes)).values()].flat());
  const daemons = new Set<number>();
  const owned = await Promise.all(
    handles.map(async (n) => {
      const mine: OwnedProcesses = n.stack
        ? await n.stack.processes(n.handle, n.daemons).catch(() => ({ pids: [], leftovers: [] }))
        : { pids: [], leftovers: [] };
      for (const p of mine.pids) daemons.add(p);
      return { ...n, owned: mine };
    }),
  );
  for (const p of daemons) pids.delete(p);
  pids.delete(process.pid);
  await Promise.all([terminate([...daemons], 0), terminate([...pids])]);
  const existing = new Set(await listNetns());
  await ipBatch(
    handles
      .map((n) => n.handle.netns)
      .filter((ns) => existing.has(ns))
      .map((ns) => `netns del ${ns}`),
    { force: true },
  );
  const mounted = await mountPoints();
  const uts = handles.map((n) => utsFile(labName, n.node.name)).filter((f) => mounted.has(f));
  if (uts.length) await run("umount", uts);
  await Promise.all(owned.map((n) => n.stack?.cleanup(n.handle, n.owned)));
  for (const n of handles) await removeTree(nodeDir(labName, n.node.name), { expectOwner: 0 });
}
