// The routing-stack seam: the software that routes inside a node (FRR first, BIRD next).
// A stack owns its daemons, the rendering of every intent it supports, config checking,
// start steps, readiness per protocol, queries for checks and the web view, save, and
// stop/start. A new stack is a folder here plus one line in src/stacks/index.ts.
import type { Lab, NodeModel } from "../core/model.js";
import type { Step } from "../core/plan.js";
import type { BgpPath, BgpPeer } from "../intents/bgp/state.js";
import type { NodeHandle } from "../runtimes/runtime.js";

export type Afi = "ipv4" | "ipv6";

/** A node's rendered configuration, checked before anything is built. */
export interface PreparedConfig {
  node: string;
  text: string;
  /** Things the user should know (a daemon the config needs is not started, …). */
  warnings: string[];
}

/** One protocol's convergence across the lab, as deploy reports it (one progress line each). */
export interface ReadyProgress {
  protocol: string;
  done: boolean;
  timedOut: boolean;
  ms: number;
  /** One line for the progress display: "BGP 12/12 sessions Established, 12/12 synced". */
  summary: string;
  /** What is still down, for the timeout message ("r1 → 10.0.0.2 (Active)"). */
  down: string[];
  /** Protocol-specific counters (BGP: established, total, synced, answering, routers). */
  detail?: Record<string, number>;
}

export interface ReadyOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (p: ReadyProgress) => void;
}

export interface DaemonStatus {
  name: string;
  pid?: number;
  alive: boolean;
}

export interface StopOptions {
  /** SIGKILL at once, like a crash. */
  kill?: boolean;
}

export interface RoutingStack {
  name: string;
  /** Intent modules this stack renders; a node using another is refused with file:line:col. */
  intents: readonly string[];
  /** Daemons the node runs, in start order (recorded in the lab state). */
  daemons(node: NodeModel): string[];
  /** Protocols the node runs, from its intent and its raw config (what deploy waits for). */
  protocols(node: NodeModel): string[];
  /** Expected memory per node in MB (deploy refuses a lab that will not fit). */
  memoryMb(node: NodeModel): number;
  /** System user that must be able to write the node's directory (logs), if any. */
  user?: string;
  /** Host-level checks (the stack is installed where nodes share the host's file system). */
  preflight?(lab: Lab, nodes: NodeModel[], handles: NodeHandle[]): Promise<void>;
  /** Renders and checks the nodes' configs; throws with node, file:line:col on a bad line. */
  prepare(lab: Lab, nodes: NodeModel[], handles: NodeHandle[]): Promise<Map<string, PreparedConfig>>;
  /** Steps that start the stack in the node with its prepared config (the routing phase). */
  startSteps(lab: Lab, node: NodeModel, config: PreparedConfig, handle: NodeHandle): Step[];
  /** Waits until `protocol` has converged on these nodes (all of this stack). */
  waitReady(protocol: string, handles: NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress>;
  /** The node's daemons and whether each runs. */
  daemonStatus(handle: NodeHandle, daemons: string[]): Promise<DaemonStatus[]>;
  /** Processes of the lab's nodes this stack owns, to be killed at destroy (verified pids). */
  processes(handle: NodeHandle, daemons: string[]): Promise<number[]>;
  /** Removes the stack's files for the node after its processes are gone (run dirs, crash logs). */
  cleanup(handle: NodeHandle, pids: number[]): Promise<void>;
  stop(handle: NodeHandle, daemons: string[], opts?: StopOptions): Promise<string[]>;
  start(handle: NodeHandle, daemons: string[]): Promise<string[]>;
  /** The running configuration, loadable again (`wirelab save`). */
  runningConfig(handle: NodeHandle): Promise<string>;
  /** argv of the stack's interactive CLI inside the node (`wirelab cli`). */
  cliArgv(handle: NodeHandle): string[];
  /** Rewrites a user's command run with `wirelab exec` so the stack's CLI reaches this node. */
  execCommand?(handle: NodeHandle, argv: string[]): string[];
  /** BGP sessions as the stack reports them (checks, web view). */
  bgpPeers?(handle: NodeHandle): Promise<BgpPeer[]>;
  /** BGP table for one family, by prefix. */
  bgpRoutes?(handle: NodeHandle, afi: Afi): Promise<Record<string, BgpPath[]>>;
}
