// Recorded lab state. Written before anything is created (so destroy works after a crash
// half-way through deploy) and atomically (temp file + rename), so it is never half-written;
// root's alone (0600: a config's BGP password is in the model). Read back, it is checked:
// every name must be one wirelab makes, and the host names it leads to (namespaces,
// containers) are recomputed from lab and node names, never taken from the file.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { LAB_NAME, NODE_NAME } from "../topology/names.js";
import { ensureDirChain, writeFileAtomic } from "../util/safe-fs.js";
import type { Lab } from "./model.js";
import { containerName, labDir, nsName, RUN_ROOT, stateFile } from "./paths.js";

/** `reconfiguring`: a `deploy --reconfigure` is changing it (nodes holds old and new ones). */
export type LabPhase = "deploying" | "running" | "reconfiguring" | "failed";

export interface NodeState {
  name: string;
  kind: string;
  /** Network namespace name (also the FRR pathspace for frr nodes). */
  netns: string;
  /** FRR daemons started for this node (frr nodes). */
  daemons: string[];
  /**
   * Container nodes (docker runtime): the container, found again by its name and labels.
   * `netns` then names the container's namespace attached on the host (`ip netns attach`),
   * or, with a port namespace, the inner namespace the ports were moved into.
   */
  container?: { name: string; image: string; portNamespace?: string };
}

export interface LabState {
  version: 1;
  name: string;
  /** The runtimes the lab uses besides netns ("docker"), else "netns". */
  runtime: string;
  phase: LabPhase;
  /** Topology file the lab was deployed from, if any. */
  file?: string;
  createdAt: string;
  updatedAt: string;
  /** wirelab pid that did the deploy (a crashed deploy leaves phase=deploying). */
  pid: number;
  nodes: NodeState[];
  /** Lab-wide facts each stack keeps for its teardown (RoutingStack.beforeDeploy), by stack name. */
  stacks?: Record<string, unknown>;
  /** The validated model, so inspect/destroy work when the file has changed or is gone. */
  model: Lab;
}

/**
 * wirelab's run directory and a lab's directory in it, made one component at a time without
 * following links: /run/wirelab and labs/ 0755, the lab's 0711 (a stack's user passes
 * through to its node's files, lists nothing).
 */
export async function ensureLabDir(lab: string): Promise<string> {
  if (!LAB_NAME.test(lab)) throw new Error(`invalid lab name '${lab}'`);
  await ensureDirChain(path.dirname(RUN_ROOT), [path.basename(RUN_ROOT), "labs"], 0o755);
  return ensureDirChain(path.join(RUN_ROOT, "labs"), [lab], 0o711);
}

export async function writeState(state: LabState): Promise<void> {
  const dir = await ensureLabDir(state.name);
  state.updatedAt = new Date().toISOString();
  await writeFileAtomic(dir, path.basename(stateFile(state.name)), `${JSON.stringify(state, null, 2)}\n`, {
    mode: 0o600,
    uid: 0,
  });
}

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateError";
  }
}

/**
 * The state as wirelab may act on it: its lab and node names follow wirelab's patterns (so
 * nothing derived from them points outside the lab), and each node's namespace and
 * container names are recomputed from them.
 */
export function checkState(raw: unknown, lab: string): LabState {
  const bad = (why: string) => new StateError(`lab '${lab}': state file ${stateFile(lab)} ${why}; not acting on it`);
  const s = raw as LabState;
  if (!s || typeof s !== "object" || s.name !== lab || !LAB_NAME.test(lab)) throw bad("is not this lab's");
  if (!Array.isArray(s.nodes) || !Array.isArray(s.model?.nodes)) throw bad("has no nodes");
  for (const n of [...s.nodes, ...s.model.nodes]) {
    if (typeof n?.name !== "string" || !NODE_NAME.test(n.name)) {
      throw bad(`names a node ${JSON.stringify(n?.name)} that wirelab would never make`);
    }
  }
  for (const n of s.nodes) {
    n.netns = nsName(lab, n.name);
    if (n.container) n.container.name = containerName(lab, n.name);
    if (!Array.isArray(n.daemons) || n.daemons.some((d) => typeof d !== "string" || !/^[a-z0-9_-]+$/.test(d))) {
      n.daemons = [];
    }
  }
  return s;
}

export async function readState(lab: string): Promise<LabState | undefined> {
  if (!LAB_NAME.test(lab)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(stateFile(lab), "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`lab '${lab}': cannot read its state file ${stateFile(lab)}: ${(e as Error).message}`);
  }
  return checkState(raw, lab);
}

/** Names of every lab with a state directory. */
export async function listLabs(): Promise<string[]> {
  try {
    const entries = await readdir(path.join(RUN_ROOT, "labs"), { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && LAB_NAME.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export { labDir };
