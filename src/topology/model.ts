// The validated lab model: what the topology file means, with every name, address and
// BGP peer resolved. Runtimes and config renderers read only this, never the raw YAML.
import type { KindName } from "./schema.js";

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
}

export interface StaticRoute {
  to: string;
  via: string;
}

export interface BgpNeighborModel {
  address: string;
  remoteAs: number;
  /** The peer node when known (derived or given). */
  node?: string;
  /** This node's port facing the peer, when the peer is on a directly connected link. */
  port?: string;
  ebgpMultihop?: number;
  updateSource?: string;
  description?: string;
}

export interface BgpModel {
  asn: number;
  routerId: string;
  networks: string[];
  redistribute: string[];
  neighbors: BgpNeighborModel[];
}

export interface FrrOptionsModel {
  profile: "datacenter" | "traditional";
  ebgpRequiresPolicy: boolean;
  /** Daemons to start, zebra first. */
  daemons: string[];
}

export interface NodeModel {
  name: string;
  kind: KindName;
  /** Ports in the order they were first seen (interfaces, then links). */
  ports: PortModel[];
  /** Addresses on the loopback (`interfaces.lo`). */
  loopback: string[];
  routes: StaticRoute[];
  forwarding: boolean;
  bgp?: BgpModel;
  /** Raw FRR configuration text, as the user wrote it. */
  config?: string;
  /** FRR options for frr nodes (merged from defaults). */
  frr?: FrrOptionsModel;
  /** bridge nodes: the segment subnets. */
  subnets: string[];
  pos?: SourcePos;
}

export interface LinkModel {
  index: number;
  a: PortRef;
  b: PortRef;
  subnet?: string;
  mtu?: number;
  pos?: SourcePos;
}

export interface Lab {
  name: string;
  /** Absolute path of the topology file, when loaded from one. */
  file?: string;
  nodes: NodeModel[];
  links: LinkModel[];
}

export function findNode(lab: Lab, name: string): NodeModel | undefined {
  return lab.nodes.find((n) => n.name === name);
}

/** Finds a port by the user's name or its kernel name. */
export function findPort(node: NodeModel, name: string): PortModel | undefined {
  return node.ports.find((p) => p.name === name) ?? node.ports.find((p) => p.ifname === name);
}
