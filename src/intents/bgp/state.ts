// BGP state as every stack reports it to checks and the web view (FRR's JSON and BIRD's
// birdc output are parsed into these). Defined here, with the intent, so that checks and
// the web view depend on the protocol, not on one stack's parser.

export interface BgpPeer {
  address: string;
  remoteAs: number;
  localAs?: number;
  /** Session state: Established, Idle, Connect, Active, OpenSent, "Idle (Admin)", … */
  state: string;
  established: boolean;
  /** The stack's own peer state (FRR: OK, Policy, Admin, …). */
  peerState?: string;
  /** Established, but no prefix is exchanged for lack of a policy (FRR 8: `(Policy)`). */
  policyBlocked: boolean;
  /** Prefixes received / sent, summed over the address families. */
  pfxRcd: number;
  pfxSnt: number;
  /** Per address family (keys as the stack names them, FRR: ipv4Unicast, ipv6Unicast, …). */
  families: Record<string, { pfxRcd: number; pfxSnt: number }>;
  /** "never" or hh:mm:ss / 1d02h03m. */
  uptime: string;
  uptimeMsec: number;
  /** The peer's hostname (BGP hostname capability). */
  hostname?: string;
  description?: string;
}

/** A node's BGP instance and its peers, as the web view shows them. */
export interface BgpSummary {
  /** The instance's own AS and router id, as it runs (may differ from the intent with raw config). */
  asn?: number;
  routerId?: string;
  peers: BgpPeer[];
}

export interface BgpNexthop {
  ip: string;
  afi?: string;
  /** IPv6: global or link-local. */
  scope?: string;
  /** The next hop the RIB uses. */
  used: boolean;
  hostname?: string;
}

export interface BgpPath {
  valid: boolean;
  bestpath: boolean;
  multipath: boolean;
  /** The AS path: "" for a local route, "65002 65003" for a learned one. */
  aspath: string;
  origin?: string;
  /** internal / external. */
  pathFrom?: string;
  /** Address of the peer it came from; "(unspec)" for local routes. */
  peerId?: string;
  weight?: number;
  metric?: number;
  locPrf?: number;
  nexthops: BgpNexthop[];
}

/**
 * A path's AS path for people. An empty AS path means "originated here" only when no peer
 * sent it: a route learned over iBGP inside one AS also has an empty AS path.
 */
export function describeAsPath(p: Pick<BgpPath, "aspath" | "peerId" | "pathFrom">): string {
  if (p.aspath !== "") return p.aspath;
  const peer = p.peerId && p.peerId !== "(unspec)" && p.peerId !== "0.0.0.0" ? p.peerId : undefined;
  return peer ? `(empty: iBGP, from ${peer})` : "(local)";
}
