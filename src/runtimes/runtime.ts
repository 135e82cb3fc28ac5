// The runtime seam: where a node lives and how to get into it. netns (namespaces on the
// host) and docker (containers) implement it; a new runtime is a folder here plus one line
// in src/runtimes/index.ts. Nothing above core/ knows which runtime a node uses.

import type { LabInspect } from "../core/inspect.js";
import type { Lab, NodeModel } from "../core/model.js";
import type { Phase, Step } from "../core/plan.js";
import type { LabState, NodeState } from "../core/state.js";
import type { RunResult } from "../util/exec.js";

/** How a stack, a check or a user command reaches one node. */
export interface NodeHandle {
  lab: string;
  node: NodeModel;
  /** The node's network namespace as the host names it (`/run/netns/<netns>`). */
  netns: string;
  /**
   * true: the node shares the host's file system (netns runtime), so a stack runs the host's
   * binaries with per-node paths (FRR's pathspace); false: the node has its own (a container
   * image), and the stack runs the image's binaries inside it.
   */
  hostFs: boolean;
  /** The host argv that runs `cmd` inside the node (nsenter into its namespaces). */
  execArgv(cmd: readonly string[]): string[];
  /** Runs `argv` inside the node through the runtime's own channel (Docker: the exec API). */
  run(argv: readonly string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** Shown in plans and messages for steps run through `run` (e.g. the container name). */
  label: string;
}

export type PhaseName = Phase["name"];
/** A runtime's contribution to the plan: groups of steps per phase (see core/plan.ts). */
export type PlanPart = Partial<Record<PhaseName, Step[][]>>;

export interface PlanContext {
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Something the user should hear once (e.g. explicit capabilities instead of --privileged). */
  onNote?: (message: string) => void;
}

export interface RuntimeTeardown {
  containers?: number;
  warning?: string;
}

export interface Runtime {
  name: string;
  /**
   * true when wirelab gives each node its hostname through a UTS namespace it makes (netns);
   * false when the sandbox has its own (a container's hostname).
   */
  ownsHostname: boolean;
  /** Checks made before anything is built: engine reachable, images present, names free. */
  preflight(lab: Lab, nodes: NodeModel[], ctx: PlanContext): Promise<void>;
  /** Steps that make and prepare these nodes' sandboxes (namespaces, containers, port moves). */
  plan(lab: Lab, nodes: NodeModel[], ctx: PlanContext): PlanPart;
  /** The node's record in the lab state. */
  nodeState(lab: string, node: NodeModel): NodeState;
  handle(lab: string, node: NodeModel): NodeHandle;
  /** Removes this runtime's own objects of the lab (containers, networks), by label. */
  teardown(state: LabState): Promise<RuntimeTeardown>;
  /**
   * Removes objects of a lab that has no state left (a crash that also lost the state file),
   * found by the lab's label; undefined when there were none.
   */
  orphans?(lab: string): Promise<(RuntimeTeardown & { containers: number }) | undefined>;
  /** Adds what the runtime knows to an inspection (container state, pid, management address). */
  inspect?(state: LabState, info: LabInspect): Promise<void>;
}
