// The routing-stack seam: the software that routes inside a node (FRR first, BIRD next).
// A stack owns its daemons, the rendering of every intent it supports, config checking,
// start steps, readiness per protocol, queries for checks and the web view, save, and
// stop/start. A new stack is a folder here plus one line in src/stacks/index.ts.
import type { Lab, NodeModel } from "../core/model.js";
import type { Step } from "../core/plan.js";
import type { BgpPath, BgpPeer, BgpSummary } from "../intents/bgp/state.js";
import type { EvpnVniState } from "../intents/evpn/state.js";
import type { IsisAdjacency, IsisInstanceState, IsisInterfaceState } from "../intents/isis/state.js";
import type { OspfInterfaceState, OspfNeighbor } from "../intents/ospf/state.js";
import type { NodeHandle, PlanContext } from "../runtimes/runtime.js";

export type Afi = "ipv4" | "ipv6";

/**
 * A stack's refusal: a bad config line, its software missing, a daemon that did not start.
 * Deploy reports it as its own failure (DeployError); `node stop/start` as is.
 */
export class StackError extends Error {
  constructor(
    message: string,
    /** The user's input is wrong (a bad config line): an input error, exit code 2. */
    readonly input = false,
  ) {
    super(message);
    this.name = "StackError";
  }
}

export interface PrepareOptions {
  /** Refuse what is otherwise a warning (FRR: navigation-only lines FRR skips). */
  strict?: boolean;
}

/** A node's rendered configuration, checked before anything is built. */
export interface PreparedConfig {
  node: string;
  text: string;
  /** Things the user should know (a daemon the config needs is not started, …). */
  warnings: string[];
  /**
   * Where the stack reads it inside a node that has its own file system: a runtime that
   * cannot share the host's node directory with the node puts it there (kubernetes).
   */
  file?: string;
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
  /**
   * Every node of the lab, whatever its stack: an IGP domain may span stacks (FRR and BIRD
   * in one OSPF area), and each router waits for the prefixes of the whole domain.
   */
  labNodes?: readonly NodeModel[];
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

/** A node's processes the stack owns, found before they are killed (destroy). */
export interface OwnedProcesses {
  /** Verified pids: nothing to save, SIGKILLed at once. */
  pids: number[];
  /**
   * Files the processes leave behind that can only be found while they run (FRR: crash-log
   * directories, named after a pid and found through /proc/<pid>/maps); removed by cleanup.
   */
  leftovers: string[];
}

export interface QueryOptions {
  /** Give up after this many ms. */
  timeoutMs?: number;
}

/** One route of the stack's RIB (FRR: zebra's `show ip route json`). */
export interface RibNexthop {
  ip?: string;
  interfaceName?: string;
  active: boolean;
  /** In the kernel's forwarding table. */
  fib: boolean;
  directlyConnected: boolean;
}

export interface RibRoute {
  prefix: string;
  /** connected, kernel, static, bgp, ospf, … */
  protocol: string;
  selected: boolean;
  /** Installed in the kernel. */
  installed: boolean;
  distance: number;
  metric: number;
  uptime?: string;
  nexthops: RibNexthop[];
}

/** One BFD session as the stack reports it (FRR: `show bfd peers json`). */
export interface BfdPeer {
  /** The peer's address (an IPv6 link-local one for a session over an unnumbered link). */
  peer: string;
  local?: string;
  /** Kernel name of the port, for single-hop sessions. */
  interface?: string;
  /** up, down, init, shutdown, … */
  status: string;
  up: boolean;
  multihop: boolean;
  uptimeS?: number;
}

/**
 * A node's link-state IGPs as they run (inspect, the web view's routing pane): each part
 * present when the node runs that protocol; `errors` says which did not answer.
 */
export interface IgpState {
  ospf?: { interfaces: OspfInterfaceState[]; neighbors: OspfNeighbor[] };
  isis?: { instance: IsisInstanceState; interfaces: IsisInterfaceState[]; adjacencies: IsisAdjacency[] };
  errors: string[];
}

/** One routing protocol a node runs, as read back from its running daemons. */
export interface RunningProtocol {
  /** bgp, ospf, isis, static, bfd, … */
  name: string;
  /** What goes with it in a summary: "AS65001", "area 0.0.0.0 0.0.0.1", "level-2". */
  detail?: string;
}

export interface RoutingStack {
  name: string;
  /** Intent modules this stack renders; a node using another is refused with file:line:col. */
  intents: readonly string[];
  /** Daemons the node runs, in start order (recorded in the lab state). */
  daemons(node: NodeModel): string[];
  /** Protocols the node runs, from its intent and its raw config (what deploy waits for). */
  protocols(node: NodeModel): string[];
  /** Expected memory per node in MB (deploy refuses a lab that will not fit); `lab` lets it count routes. */
  memoryMb(node: NodeModel, lab?: Lab): number;
  /** System user that must be able to write the node's directory (logs), if any. */
  user?: string;
  /** Host-level checks (the stack is installed where nodes share the host's file system). */
  preflight?(lab: Lab, nodes: NodeModel[], handles: NodeHandle[]): Promise<void>;
  /**
   * Renders and checks the nodes' configs (`handles[i]` is `nodes[i]`'s); throws StackError
   * naming the node, the topology file and the bad line. Keyed by node name.
   */
  prepare(
    lab: Lab,
    nodes: NodeModel[],
    handles: NodeHandle[],
    opts?: PrepareOptions,
  ): Promise<Map<string, PreparedConfig>>;
  /**
   * Steps that start the stack in the node with its prepared config: one group of the
   * routing phase. `ctx.signal` stops waits inside `call` steps.
   */
  startSteps(lab: Lab, node: NodeModel, config: PreparedConfig, handle: NodeHandle, ctx?: PlanContext): Step[];
  /** Waits until `protocol` (one of `protocols()`) has converged on these nodes (all of this stack). */
  waitReady(protocol: string, handles: NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress>;
  /** The node's daemons and whether each runs. */
  daemonStatus(handle: NodeHandle, daemons: string[]): Promise<DaemonStatus[]>;
  /** The node's processes this stack owns (verified pids), found before destroy kills them. */
  processes(handle: NodeHandle, daemons: string[]): Promise<OwnedProcesses>;
  /** Removes the stack's files for the node once its processes are gone (run dirs, crash logs). */
  cleanup(handle: NodeHandle, owned: OwnedProcesses): Promise<void>;
  /** Stops the node's running daemons (last first); returns those stopped, [] when none ran. */
  stop(handle: NodeHandle, daemons: string[], opts?: StopOptions): Promise<string[]>;
  /** Starts the daemons that are not running and loads the config; returns those started, [] when all ran. */
  start(handle: NodeHandle, daemons: string[]): Promise<string[]>;
  /** Pushes a snippet of the stack's configuration into the running node (`wirelab config`). */
  applyConfig?(handle: NodeHandle, text: string): Promise<void>;
  /**
   * `deploy --reconfigure`: the steps that bring the running node to `config` without
   * restarting what need not restart (FRR: the difference with its running config through
   * vtysh, frr-reload style; BIRD: the new file, then `birdc configure`), or undefined when
   * the node's config and daemons are those it was deployed with. `daemons` are the ones it
   * runs now (lab state). It may read the node's running state to plan: a dry run prints
   * the exact lines it would push.
   */
  reconfigureSteps?(
    lab: Lab,
    node: NodeModel,
    config: PreparedConfig,
    handle: NodeHandle,
    daemons: string[],
  ): Promise<Step[] | undefined>;
  /** The running configuration, loadable again (`wirelab save`). */
  runningConfig(handle: NodeHandle): Promise<string>;
  /**
   * The stack's interactive CLI as a command inside the node (`wirelab cli`); the caller
   * runs it with `handle.execArgv(...)`.
   */
  cliArgv(handle: NodeHandle): string[];
  /** Rewrites a user's command run with `wirelab exec` so the stack's CLI reaches this node. */
  execCommand?(handle: NodeHandle, argv: string[]): string[];
  /** Lab-wide facts to keep in the lab state for the teardown (saved before anything is built). */
  beforeDeploy?(nodes: NodeModel[]): Promise<unknown>;
  /**
   * What to remember once the stack runs on these nodes (after deploy's start, after a node
   * start): FRR's crash-log directories, which only a live daemon reveals and which a daemon
   * killed later leaves behind. Gets what the state holds for the stack, returns the new value.
   */
  afterStart?(handles: NodeHandle[], saved: unknown): Promise<unknown>;
  /** Lab-wide cleanup once every node of the lab is gone; `saved` is what beforeDeploy returned. */
  afterTeardown?(saved: unknown): Promise<void>;
  /** BGP sessions as the stack reports them (checks, web view); throws when BGP does not answer. */
  bgpPeers?(handle: NodeHandle, opts?: QueryOptions): Promise<BgpPeer[]>;
  /** The BGP instance (its AS and router id as it runs) with its peers (web view). */
  bgpSummary?(handle: NodeHandle, opts?: QueryOptions): Promise<BgpSummary>;
  /** BGP table for one family, by prefix; {} without a BGP instance. */
  bgpRoutes?(handle: NodeHandle, afi: Afi, opts?: QueryOptions): Promise<Record<string, BgpPath[]>>;
  /** BFD sessions (checks); throws when the BFD daemon does not answer. */
  bfdPeers?(handle: NodeHandle, opts?: QueryOptions): Promise<BfdPeer[]>;
  /** The stack's RIB for one family, by prefix (web view: a node's routes). */
  ribRoutes?(handle: NodeHandle, afi: Afi, opts?: QueryOptions): Promise<Record<string, RibRoute[]>>;
  /** OSPF neighbors of both families (OSPFv2 and OSPFv3, those that run); throws when no OSPF daemon answers. */
  ospfNeighbors?(handle: NodeHandle, opts?: QueryOptions): Promise<OspfNeighbor[]>;
  /** IS-IS adjacencies; throws when IS-IS does not answer. */
  isisAdjacencies?(handle: NodeHandle, opts?: QueryOptions): Promise<IsisAdjacency[]>;
  /** EVPN VNIs of a VTEP with their remote VTEPs and MAC counts; throws when it does not answer. */
  evpnVnis?(handle: NodeHandle, opts?: QueryOptions): Promise<EvpnVniState[]>;
  /**
   * The node's OSPF (areas per interface, neighbors, DR/BDR) and IS-IS (levels, circuits,
   * adjacencies) as they run, for those of `protocols` the node runs; never throws for a
   * daemon that does not answer (it goes to `errors`).
   */
  igpState?(handle: NodeHandle, protocols: readonly string[], opts?: QueryOptions): Promise<IgpState>;
  /** The protocols the node's daemons run now (raw config included), read from the daemons. */
  runningProtocols?(handle: NodeHandle, opts?: QueryOptions): Promise<RunningProtocol[]>;
}
