// The validated lab model: what the topology file means, with every name, address and
// peer resolved. Runtimes, link types and stacks read only this, never the raw YAML.
//
// A node's routing intent lives in `intents`, keyed by module name. Each module in
// src/intents/ adds its own key to `IntentModels` (TypeScript declaration merging), so a new
// protocol is a new folder, not an edit here.

/** Where something was written in the topology file (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface PortRef {
  node: string;
  /** The user's port name, as written in the topology file (`1`, `swp1`, `Ethernet1/1`). */
  port: string;
}

export interface PortModel {
  node: string;
  /** The user's name for the port. */
  name: string;
  /** The kernel interface name (equals `name` unless the kernel cannot take it). */
  ifname: string;
  /** Addresses in CIDR form (IPv4 and IPv6). */
  addresses: string[];
  mtu?: number;
  description?: string;
  /** Index into Lab.links; undefined for ports without a cable (e.g. `lo`). */
  link?: number;
  /** The port at the other end of the cable. */
  peer?: PortRef;
  /** Its MAC address: written, or derived from lab, node and port (the same on every deploy). */
  mac?: string;
  /** A port with no cable (`stub: true`): addresses, up, nobody at the other end (links/stub.ts). */
  stub?: boolean;
  /** Administratively down from the start (`shutdown: true`). */
  shutdown?: boolean;
  /** The port's bandwidth for routing protocols' metrics, kbit/s (`bandwidth:`). */
  bandwidthKbps?: number;
  /** Send IPv6 router advertisements on this port (`ipv6: { ra: true }`). */
  ra?: boolean;
  /** IPv4 unnumbered: its IPv4 address is its node's loopback /32 (OSPF/IS-IS point-to-point). */
  unnumbered?: boolean;
}

/**
 * Routing intent per node, by module name. Empty here: each intent module declares its key,
 * e.g. src/intents/bgp/model.ts adds `bgp?: BgpModel`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in src/intents/*
export interface IntentModels {}

/** What a node is, from its kind (src/kinds/): the only distinction code outside kinds/ makes. */
export type Role = "router" | "host" | "bridge";

/** The routing software of a node (src/stacks/<name>/) and what the user gave it. */
export interface StackModel {
  name: string;
  /** Raw configuration text in the stack's own syntax, as the user wrote it. */
  config?: string;
  /** The file `config` was read from (`startup-config:`), for error messages. */
  configFile?: string;
  /** Where the first line of an inline `config:` is in the topology file (error positions). */
  configPos?: SourcePos;
  /**
   * A per-daemon `config:` map, joined into `config` in daemon order: where each daemon's
   * block sits in the joined text and where it was written (errors point there).
   */
  configParts?: ConfigPart[];
  /** The stack's options (FRR: profile, daemons, …), merged from defaults; owned by the stack. */
  options: Record<string, unknown>;
}

/** One daemon's block of a per-daemon raw config (`config: { zebra: …, bgpd: … }`). */
export interface ConfigPart {
  daemon: string;
  /** Its first line in the joined text (1-based) and how many lines it has. */
  first: number;
  count: number;
  /** Read from this file (absolute path) … */
  file?: string;
  /** … or written inline: where its first line is in the topology file (set by the loader). */
  pos?: SourcePos;
}

/** Where a node lives (src/runtimes/<name>/) and the runtime's settings for it. */
export interface RuntimeModel {
  name: string;
  /** Image-based runtimes (docker): how the node's container is built. */
  container?: ContainerModel;
}

export interface NodeModel {
  name: string;
  /** The kind as written (frr, linux, bridge, openswitch, …); see src/kinds/. */
  kind: string;
  role: Role;
  /** Ports in the order they were first seen (interfaces, then links). */
  ports: PortModel[];
  /** Addresses on the loopback (`interfaces.lo`). */
  loopback: string[];
  forwarding: boolean;
  /** Routing intent by module (bgp, static, …). */
  intents: IntentModels;
  /** Routing software; absent for nodes that run none (hosts, bridges). */
  stack?: StackModel;
  runtime: RuntimeModel;
  /** bridge nodes: the segment subnets. */
  subnets: string[];
  /** How the graph page places the node (`graph:`): its tier, 0 on top. */
  graph?: { tier?: number };
  pos?: SourcePos;
}

/** How a container node is run (docker runtime, src/runtimes/docker/). */
export interface ContainerModel {
  image: string;
  /**
   * Inner network namespace the image keeps its data ports in (the seed's `swns`): wirelab
   * waits for it inside the container and moves each cabled port there.
   */
  portNamespace?: string;
  /** Who starts the routing daemons: wirelab (exec API) or the image's own init. */
  init: "wirelab" | "image";
  /** Command replacing the image's (and, for routers started by wirelab, the keep-alive). */
  cmd?: string[];
  /** `privileged: true`: --privileged (root on the host); otherwise confined (runtime/docker/caps.ts). */
  privileged?: boolean;
}

export interface LinkModel {
  index: number;
  a: PortRef;
  b: PortRef;
  subnet?: string;
  mtu?: number;
  /** tc conditions on the cable, applied to both ends (each direction). */
  impairment?: Impairment;
  pos?: SourcePos;
}

export interface Lab {
  name: string;
  /** Absolute path of the topology file, when loaded from one. */
  file?: string;
  nodes: NodeModel[];
  links: LinkModel[];
  /** What the lab must prove (`checks:`), run by `wirelab verify`. */
  checks?: CheckModel[];
  /** Named failures (`scenarios:`), run by `wirelab verify --scenario NAME`. */
  scenarios?: ScenarioModel[];
  /** Docker management network for the lab's container nodes (`management:`). */
  management?: { subnet?: string };
}

export function findNode(lab: Lab, name: string): NodeModel | undefined {
  return lab.nodes.find((n) => n.name === name);
}

/** Finds a port by the user's name or its kernel name. */
export function findPort(node: NodeModel, name: string): PortModel | undefined {
  return node.ports.find((p) => p.name === name) ?? node.ports.find((p) => p.ifname === name);
}

// ---- impairments, checks and scenarios --------------------------------------------------

/** Link conditions (tc netem/tbf), per direction. */
export interface Impairment {
  delayMs?: number;
  jitterMs?: number;
  lossPct?: number;
  duplicatePct?: number;
  corruptPct?: number;
  /** Bits per second. */
  rateBps?: number;
}

/** A BGP peer named in a check: matched by any of these addresses. */
export interface PeerRef {
  /** As the user wrote it: a node name or an address. */
  label: string;
  addresses: string[];
}

/** An OSPF neighbor or IS-IS adjacency named in a check: matched by any of these. */
export interface IgpPeerRef {
  /** As the user wrote it: a node name or a router-id. */
  label: string;
  /** OSPF router-ids, or IS-IS hostnames and system ids. */
  ids: string[];
  /** OSPFv2 neighbor addresses that also identify it (a peer whose router-id is not known). */
  addresses: string[];
}

export type CheckSpec =
  | { type: "ping"; from: string; to: string; target: string; source?: string; expect: "success" | "failure" }
  | { type: "bgp-session"; node: string; neighbors?: PeerRef[]; expect: "established" | "down" }
  | {
      type: "bgp-route";
      node: string;
      prefix: string;
      afi: "ipv4" | "ipv6";
      nexthop?: string;
      /** Normalised: ASNs separated by single spaces; "" for a local route. */
      asPath?: string;
      /** The path must be valley-free by the lab's BGP relationships (intents/bgp/valley-free.ts). */
      valleyFree?: boolean;
      best: boolean;
      expect: "present" | "absent";
    }
  | {
      type: "route";
      node: string;
      prefix: string;
      afi: "ipv4" | "ipv6";
      via?: string;
      port?: string;
      ifname?: string;
      /** Checked in the routing stack's RIB, from this source (ospf, isis, bgp, static, connected); else the kernel's table. */
      protocol?: string;
      expect: "present" | "absent";
    }
  | {
      type: "ospf-neighbor";
      node: string;
      neighbor: IgpPeerRef;
      /** Families the two are OSPF neighbors in (4: OSPFv2, 6: OSPFv3); [] when not known (raw config). */
      families: (4 | 6)[];
      /** Only the adjacency over this port (two routers joined twice). */
      port?: string;
      ifname?: string;
      expect: "full" | "down";
    }
  | { type: "isis-adjacency"; node: string; neighbor: IgpPeerRef; expect: "up" | "down" }
  | { type: "interface"; node: string; port: string; ifname: string; expect: "up" | "down" }
  | { type: "bfd-session"; node: string; peers?: BfdPeerRef[]; expect: "up" | "down" }
  | {
      type: "evpn-vni";
      node: string;
      vni: number;
      /** Remote VTEPs that must be in the VNI's flood list (node name or address as label). */
      vteps?: { label: string; address: string }[];
      /** Exactly this many remote VTEPs. */
      vtepCount?: number;
      /** At least this many MACs. */
      macs?: number;
    };

/** A BFD peer named in a check: a session to any of these addresses or over any of these ports. */
export interface BfdPeerRef {
  /** As the user wrote it: a node name, an address or a port. */
  label: string;
  addresses: string[];
  /** Kernel names of this node's ports toward the peer (sessions over link-local addresses). */
  ifnames: string[];
}

export interface CheckModel {
  name: string;
  timeoutMs: number;
  spec: CheckSpec;
  pos?: SourcePos;
}

export type FaultModel = { type: "link-down"; link: number } | { type: "node-stop"; node: string };

export interface ScenarioModel {
  name: string;
  description?: string;
  faults: FaultModel[];
  checks: CheckModel[];
  pos?: SourcePos;
}
