// The graph page's view model: what a snapshot holds (nodes, cables with both ends' kernel
// truth, BGP sessions) and the diffs the server pushes. Built by snapshot.ts.
import type { NodeIgp } from "../core/igp.js";

export type Family = "ipv4" | "ipv6";

export interface DaemonView {
  name: string;
  alive: boolean;
}

export interface ReceivedPrefix {
  prefix: string;
  /** AS path of the best path ("65002 65003"). */
  aspath: string;
  nexthop?: string;
  /** Node the best path came from (peer address when it is not a lab node). */
  from?: string;
}

export interface NodeView {
  name: string;
  /** frr, linux, bridge, … (the topology's kind). */
  kind: string;
  /** router, host or bridge (from the kind): what the page draws. */
  role: string;
  /** running, degraded (a daemon down), missing (namespace gone), or "not deployed". */
  status: string;
  netns?: string;
  asn?: number;
  routerId?: string;
  loopback: string[];
  /** Bridge nodes: the segment's subnets. */
  subnets: string[];
  daemons: DaemonView[];
  /** The node's ports (user names) in model order. */
  ports: string[];
  /** Prefixes this node originates into BGP (best path is local). */
  announced: string[];
  /** Best paths learned from peers. */
  received: ReceivedPrefix[];
  /** Why the router's BGP state could not be read (bgpd not answering, …). */
  bgpError?: string;
  /** OSPF areas and neighbors, IS-IS levels and adjacencies, as the node's daemons report them. */
  igp?: NodeIgp;
  /** Layout tier from the topology (`graph: { tier: N }`): 0 on top (a Clos's spines). */
  tier?: number;
}

/** One end of a cable, as the kernel sees it. */
export interface EndView {
  node: string;
  /** The user's port name. */
  port: string;
  /** Kernel interface name. */
  ifname: string;
  netns?: string;
  ifindex?: number;
  /** The veth's peer ifindex (`@ifN`, ethtool's peer_ifindex). */
  peerIfindex?: number;
  /** Both ends' ifindexes point at each other. */
  peerOk?: boolean;
  mac?: string;
  mtu?: number;
  /** Kernel operstate: UP, DOWN, LOWERLAYERDOWN, …; MISSING when the interface is gone. */
  operstate: string;
  addresses: string[];
  /** Bridge device the end is enslaved to (bridge nodes). */
  bridge?: string;
  /**
   * tc conditions on this end's egress as the kernel has them (inspect reads tc's netem and
   * tbf): "delay 50ms ±5ms, loss 1%, rate 10mbit". From the topology when not deployed.
   */
  impairment?: string;
}

export interface CableView {
  id: string;
  /** Index of the link in the topology. */
  index: number;
  a: EndView;
  b: EndView;
  /** up: both ends UP; down: an end is not UP; missing: an end is gone; unknown: not deployed. */
  state: "up" | "down" | "missing" | "unknown";
  /** An impairment (netem/tbf) is set on either end. */
  impaired: boolean;
  subnet?: string;
}

/** A BGP session as seen from one of its two routers. */
export interface SessionHalf {
  node: string;
  /** Address this node peers with. */
  peerAddress: string;
  remoteAs: number;
  localAs?: number;
  /** FRR's state (Established, Active, Connect, Idle, …) or "configured" / "unknown". */
  state: string;
  pfxRcd?: number;
  pfxSnt?: number;
}

export interface SessionView {
  id: string;
  family: Family;
  /** The two routers (b is undefined for a peer outside the lab). */
  a: string;
  b?: string;
  asA?: number;
  asB?: number;
  /** b's address (what a peers with), and a's address (what b peers with). */
  addressB: string;
  addressA?: string;
  halfA?: SessionHalf;
  halfB?: SessionHalf;
  /** Established when every half is; otherwise the first half's state that is not. */
  state: string;
  established: boolean;
  /** eBGP (different ASes) or iBGP. */
  type: "ebgp" | "ibgp";
}

export interface SnapshotMeta {
  lab: string;
  /** The recorded phase (running, deploying, failed), "not deployed" or "destroyed". */
  phase: string;
  /** Read from the running lab (true) or only from the topology model (false). */
  live: boolean;
  runtime?: string;
  file?: string;
  /** How the page lays the cabling out: tiers (hierarchical) or force; from `wirelab graph --layout`, else automatic. */
  layout?: "tiers" | "force";
}

export interface GraphSnapshot {
  meta: SnapshotMeta;
  nodes: Record<string, NodeView>;
  cables: Record<string, CableView>;
  sessions: Record<string, SessionView>;
}

export type Section = "meta" | "nodes" | "cables" | "sessions";
/** [section, id, new value or null when removed]; meta has id "". */
export type Change = [Section, string, unknown];

export interface SnapshotDiff {
  changes: Change[];
}
