// Recorded lab state. Written before anything is created (so destroy works after a crash
// half-way through deploy) and atomically (temp file + rename), so it is never half-written.
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Lab } from "./model.js";
import { labDir, RUN_ROOT, stateFile } from "./paths.js";

export type LabPhase = "deploying" | "running" | "failed";

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

export async function writeState(state: LabState): Promise<void> {
  const file = stateFile(state.name);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  state.updatedAt = new Date().toISOString();
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}

export async function readState(lab: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(lab), "utf8")) as LabState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`lab '${lab}': cannot read its state file ${stateFile(lab)}: ${(e as Error).message}`);
  }
}

/** Names of every lab with a state directory. */
export async function listLabs(): Promise<string[]> {
  try {
    const entries = await readdir(path.join(RUN_ROOT, "labs"), { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export { labDir };
