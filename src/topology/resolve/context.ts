// What the resolve steps share while a topology becomes a Lab: the nodes, ports and links as
// read so far (drafts, with the file positions errors point at), the bridge segments, the
// address owners, and helpers that intent modules (src/intents/*/resolve.ts) use too.
// Kept apart from index.ts so intent and stack modules import these types without importing
// the orchestration (which imports them).
import type { ConfigPart, IntentModels } from "../../core/model.js";
import type { Kind } from "../../kinds/index.js";
import { type Cidr, compareIp, type IP, ipString } from "../address.js";
import { TopologyError } from "../errors.js";
import type { NodeInput, TopologyInput } from "../schema.js";
import type { Path, PosPart, SourceInfo } from "../source.js";
import { facing, isBridge } from "./bridges.js";

export type NodeIn = NonNullable<NodeInput>;

/** An address with the place it was written (or the addressing pool it came from). */
export interface Addr {
  cidr: Cidr;
  path: Path;
}

export interface PortDraft {
  node: string;
  name: string;
  ifname: string;
  addrs: Addr[];
  mtu?: number;
  /** Written by the user (`mac:`); otherwise derived in the model (resolve/mac.ts). */
  mac?: string;
  /** Where `mac:` was written, for errors. */
  macAt?: Path;
  description?: string;
  stub?: boolean;
  shutdown?: boolean;
  bandwidthKbps?: number;
  ra?: boolean;
  /** IPv4 unnumbered: the port borrows its node's loopback /32 (where it was asked for). */
  unnumbered?: Path;
  link?: number;
  peer?: { node: string; port: string };
  /** Where the port was first named (interfaces key or link endpoint). */
  at: Path;
  atPart: PosPart;
}

export interface NodeDraft {
  name: string;
  kind: Kind;
  /** The node as written (after the schema check). */
  input: NodeIn;
  path: Path;
  ports: PortDraft[];
  portsByName: Map<string, PortDraft>;
  loopback: Addr[];
  /** Bridges: the segment subnets. */
  subnets: Cidr[];
  subnetPaths: Path[];
  /** Where the stack's raw config came from when read from `startup-config:` (absolute). */
  configFile?: string;
  /** A per-daemon `config:` map: where each daemon's block sits in the joined text (resolve/config.ts). */
  configParts?: ConfigPart[];
}

export interface EndDraft {
  node: NodeDraft;
  /** Undefined for a bridge written without a port, until bridges.ts names it. */
  port?: string;
  /** Path of the endpoint string. */
  path: Path;
  addrs: Addr[];
  mtu?: number;
  mac?: string;
  /** `ip: unnumbered` on the endpoint or the link (where it was written). */
  unnumbered?: Path;
}

export interface LinkDraft {
  index: number;
  path: Path;
  ends: [EndDraft, EndDraft];
  subnet?: Cidr;
  subnetPath?: Path;
  mtu?: number;
  /** The ports at the ends, set once cabled. */
  ports: [PortDraft, PortDraft];
}

/** The port (or loopback: no port) that carries an address. */
export interface Owner {
  node: string;
  port?: string;
}

/** A pair of ports of two nodes on one link or one bridge segment. */
export interface Facing {
  mine: PortDraft;
  theirs: PortDraft;
}

export type Fail = (path: Path, message: string, part?: PosPart) => never;

export interface ResolveContext {
  readonly input: TopologyInput;
  readonly src: SourceInfo;
  /** Nodes by name, in the order written. */
  readonly nodes: Map<string, NodeDraft>;
  readonly links: LinkDraft[];
  /** Bridge name -> segment id (bridges cabled to each other share a segment). */
  readonly segment: Map<string, string>;
  /** "node:port" -> the link that cables it and where. */
  readonly cabled: Map<string, { link: number; path: Path }>;
  /** Address -> first owner; filled once every address is known (after auto addressing). */
  readonly owners: Map<string, Owner>;
  /** Throws a TopologyError at the place `path` was written. */
  fail: Fail;
  /** The line `path` was written on. */
  line(path: Path): number;
  isBridge(name: string): boolean;
  /** Pairs of (node's port, peer's port) that share a link or a bridge segment, in link order. */
  facing(node: NodeDraft, peer: NodeDraft): Facing[];
  /** The default router-id: the lowest loopback IPv4 address, else the lowest interface one. */
  routerId(node: NodeDraft): string | undefined;
}

export function createContext(input: TopologyInput, src: SourceInfo): ResolveContext {
  const ctx: ResolveContext = {
    input,
    src,
    nodes: new Map(),
    links: [],
    segment: new Map(),
    cabled: new Map(),
    owners: new Map(),
    fail: (path, message, part = "value") => {
      throw new TopologyError(message, src.pos(path, part));
    },
    line: (path) => src.pos(path).line,
    isBridge: (name) => isBridge(ctx, name),
    facing: (node, peer) => facing(ctx, node, peer),
    routerId: (node) => {
      const lowest = (addrs: Addr[]): IP | undefined =>
        addrs
          .filter((a) => a.cidr.family === 4)
          .map((a) => a.cidr.ip)
          .sort(compareIp)[0];
      const ip = lowest(node.loopback) ?? lowest(node.ports.flatMap((p) => p.addrs));
      return ip === undefined ? undefined : ipString(ip);
    },
  };
  return ctx;
}

/**
 * The node's raw config text. After readNode a per-daemon map or a startup-config file has
 * become text in the draft's input, so a map here is only the input as written.
 */
export function configText(node: NodeIn): string | undefined {
  return typeof node.config === "string" ? node.config : undefined;
}

/** Every address of the node: loopback, then ports. */
export function ownAddresses(node: NodeDraft): Addr[] {
  return [...node.loopback, ...node.ports.flatMap((p) => p.addrs)];
}

// ---- routing stacks ---------------------------------------------------------------------

/** What the loader hands a stack's options resolver for one node. */
export interface StackArgs {
  name: string;
  /** The node's path in the file. */
  path: Path;
  /** The node as written. */
  node: NodeIn;
  defaults: TopologyInput["defaults"];
  /** The node's resolved intents. */
  intents: IntentModels;
  fail(path: Path, message: string): never;
}

/** A routing stack's part in loading a topology (src/stacks/<name>/options.ts). */
export interface StackLoader {
  /** Node keys of the stack's schema fragment: refused on nodes that run another stack or none. */
  keys: readonly string[];
  /**
   * Raw-config sections that configure an intent, by intent name: a node that sets the intent
   * and also has such a section is refused.
   */
  sections?: Readonly<Record<string, { label: string; pattern: RegExp }>>;
  /** node.stack.options, from the node's settings, the lab defaults and its intents. */
  options(args: StackArgs): Record<string, unknown>;
}
