// The runtime seam: where a node lives and how to get into it. netns (namespaces on the
// host) and docker (containers) implement it; a new runtime is a folder here plus one line
// in src/runtimes/index.ts. Nothing above core/ knows which runtime a node uses.

import type { LabInspect } from "../core/inspect.js";
import type { Lab, LinkModel, NodeModel } from "../core/model.js";
import type { Phase, Step } from "../core/plan.js";
import type { LabState, NodeState } from "../core/state.js";
import type { PreparedConfig } from "../stacks/stack.js";
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
  /**
   * true when the node is not on this host (a pod): `execArgv` then needs a client (kubectl),
   * so programs use `run`, and host tools (`ip -n`, tcpdump) do not reach the node.
   */
  remote?: boolean;
}

export type PhaseName = Phase["name"];
/** A runtime's contribution to the plan: groups of steps per phase (see core/plan.ts). */
export type PlanPart = Partial<Record<PhaseName, Step[][]>>;

export interface PlanContext {
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Something the user should hear once (e.g. explicit capabilities instead of --privileged). */
  onNote?: (message: string) => void;
  /**
   * Each routing node's prepared config, by node name: a runtime whose nodes cannot see the
   * host's files ships them with the node (kubernetes: a ConfigMap).
   */
  configs?: ReadonlyMap<string, PreparedConfig>;
}

/** A value known when the plan is printed only as a placeholder, and for real once it runs. */
export interface Deferred<T> {
  describe: string;
  value(): Promise<T>;
}

/**
 * How a runtime's nodes are cabled when two of them may sit on different machines: a
 * point-to-point tunnel per link over the machines' network (src/links/vxlan.ts makes it).
 * Runtimes without it are cabled with veth pairs on this host.
 */
export interface TunnelCabling {
  type: "vxlan";
  /** UDP destination port of every tunnel. */
  udpPort: number;
  /** The tunnel's identifier: one per link. */
  vni(link: LinkModel): number;
  /** MTU of every cabled port: the underlay's MTU less the tunnel's overhead, the same on all. */
  mtu: Deferred<number>;
  /** The address the node's sandbox has on the underlay (a pod's IP). */
  address(node: NodeModel): Deferred<string>;
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
  /** Nodes that may sit on other machines are cabled with tunnels (see TunnelCabling). */
  cabling?(lab: Lab): TunnelCabling;
  /**
   * A node's kernel setup (addresses, MTU, tc) as planned for the host, rewritten to run
   * through the runtime's own channel when the node's namespace is not on this host (a pod).
   */
  nodeSteps?(lab: Lab, node: NodeModel, steps: Step[]): Step[];
  /** The objects the runtime would create for these nodes, as files a person could apply (kubernetes: YAML). */
  manifests?(lab: Lab, nodes: NodeModel[], ctx: PlanContext): string;
  /** Deploy's runtime options (--context, --namespace), applied to the lab's model before anything is checked. */
  applyOptions?(lab: Lab, nodes: NodeModel[], opts: RuntimeOptions): void;
  /**
   * true when the nodes run elsewhere (a cluster): this host's memory is not theirs to
   * count, and their namespaces are not on this host.
   */
  remote?: boolean;
}

/** Options given on deploy's command line for runtimes that talk to a cluster. */
export interface RuntimeOptions {
  context?: string;
  namespace?: string;
}
