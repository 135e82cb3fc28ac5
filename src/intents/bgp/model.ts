// BGP intent as the model holds it: resolved neighbors (address and remote-as derived from
// the cabling when given by node name). Stacks render it; checks and readiness read it.

/** Per-neighbor options, as written (see schema.ts); absent means the stack's default. */
export interface BgpNeighborOptions {
  routeReflectorClient?: boolean;
  nextHopSelf?: boolean;
  bfd?: boolean;
  localAs?: number;
  passive?: boolean;
  password?: string;
  timers?: { keepalive: number; hold: number };
  defaultOriginate?: boolean;
  sendCommunity?: "standard" | "large" | "extended" | "all";
  /** true: `allowas-in`; a number: `allowas-in N`. */
  allowasIn?: boolean | number;
  removePrivateAs?: boolean;
  asOverride?: boolean;
  weight?: number;
  /**
   * The neighbor's role relative to this node (eBGP only): `customer` means the neighbor is
   * this node's customer. Rendered as Gao-Rexford policy (relationships.ts of each stack).
   */
  relationship?: Relationship;
  /** The session carries EVPN (address-family l2vpn evpn). */
  evpn?: boolean;
  /** Route maps (policy intent) for routes received and sent. */
  routeMapIn?: string;
  routeMapOut?: string;
}

/** A neighbor's business relationship to this node: what the neighbor is to us. */
export type Relationship = "customer" | "provider" | "peer";

export interface BgpNeighborModel extends BgpNeighborOptions {
  /**
   * The peer address; for an interface neighbor (BGP unnumbered) the kernel name of this
   * node's port, which is also how the stack names the session (FRR's JSON keys it so).
   */
  address: string;
  remoteAs: number;
  /** An interface neighbor: the session runs over the port's IPv6 link-local addresses. */
  unnumbered?: boolean;
  /** Interface neighbors: remote-as written by the user (else `internal`/`external`). */
  remoteAsGiven?: boolean;
  /**
   * The address families the session carries, when not just its address's own: interface
   * neighbors carry both (IPv4 with IPv6 next hops, RFC 8950).
   */
  families?: ("ipv4" | "ipv6")[];
  /** The peer node when known (derived or given). */
  node?: string;
  /** This node's port facing the peer, when the peer is on a directly connected link. */
  port?: string;
  ebgpMultihop?: number;
  /** eBGP between loopbacks of directly cabled routers: TTL 1 is enough, the connected check is not. */
  disableConnectedCheck?: boolean;
  updateSource?: string;
  description?: string;
}

export interface BgpModel {
  asn: number;
  routerId: string;
  networks: string[];
  redistribute: string[];
  /** Route map per redistributed source, when given (`{ source, route-map }`). */
  redistributeMaps?: Record<string, string>;
  neighbors: BgpNeighborModel[];
  /** Prefixes announced with a discard route behind them (`bgp.originate`). */
  originate?: string[];
  /** Route reflector: cluster id when given (`bgp.cluster-id`). */
  clusterId?: string;
}

declare module "../../core/model.js" {
  interface IntentModels {
    bgp?: BgpModel;
  }
}
