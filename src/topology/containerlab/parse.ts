// Reads a containerlab topology (the parsed YAML object) into what wirelab can map: the lab
// name, nodes with their kind, image, startup-config, binds and exec lines (merged from
// topology.defaults and topology.kinds as containerlab does), and the links' endpoints.
// Every value keeps the containerlab path it came from, so each note, warning and error
// points at file:line:col in the containerlab file. Fields wirelab has no use for are
// reported here, one warning each; the mapping itself is map.ts.
import { q, TopologyError } from "../errors.js";
import { orderedKeys, type Path, type PosPart, type SourceInfo } from "../source.js";

/** A value with the containerlab path it was written at. */
export interface At<T> {
  value: T;
  path: Path;
}

export interface Finding {
  severity: "note" | "warning";
  path: Path;
  part: PosPart;
  message: string;
}

/** Collects notes and warnings; throws TopologyError for what cannot be read at all. */
export class Report {
  readonly findings: Finding[] = [];
  constructor(readonly src: SourceInfo) {}
  note(path: Path, message: string, part: PosPart = "value"): void {
    this.findings.push({ severity: "note", path, part, message });
  }
  warn(path: Path, message: string, part: PosPart = "value"): void {
    this.findings.push({ severity: "warning", path, part, message });
  }
  fail(path: Path, message: string, part: PosPart = "value"): never {
    throw new TopologyError(message, this.src.pos(path, part));
  }
}

export interface ClabNode {
  name: string;
  path: Path;
  kind: At<string>;
  image?: At<string>;
  startupConfig?: At<string>;
  /** `host:container[:mode]`, merged defaults, kind, node (a later one replaces the same target). */
  binds: At<string>[];
  exec: At<string>[];
}

export interface ClabEnd {
  /** `node:interface` (the new link format's endpoint object, written the same way). */
  text: string;
  node: string;
  path: Path;
  /** The endpoint was written as `node:interface` text (not an object). */
  short: boolean;
}

export interface ClabLink {
  path: Path;
  ends: ClabEnd[];
  mtu?: At<number>;
}

export interface ClabTopology {
  name: At<string>;
  nodes: ClabNode[];
  links: ClabLink[];
  /** Top-level `mgmt:` (the management network). */
  mgmt?: At<unknown>;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Why a common containerlab field has no wirelab counterpart (said in its warning). */
const WHY: Record<string, string> = {
  labels: "wirelab labels its containers itself",
  env: "wirelab sets no environment variables",
  "env-files": "wirelab sets no environment variables",
  entrypoint: "wirelab runs the image's command, or its own for routers",
  cmd: "wirelab runs the image's command, or its own for routers",
  ports: "wirelab publishes no ports",
  prefix: "wirelab names its namespaces and containers wl_<lab>_<node>",
  "network-mode": "wirelab cables every node itself",
  sysctls: "only forwarding is mapped, from exec sysctl lines",
};

const unmapped = (where: string, field: string): string =>
  `${where}${field} is not mapped to wirelab and is ignored${WHY[field] ? ` (${WHY[field]})` : ""}`;

/** Node fields about containerlab's management network: a note, not a warning. */
const MGMT_FIELDS = new Set(["mgmt-ipv4", "mgmt-ipv6", "mgmt_ipv4", "mgmt_ipv6"]);

/** Fields a node (and, but for `kind`, topology.kinds.<kind>) may carry that map. */
const NODE_FIELDS = new Set(["kind", "image", "startup-config", "binds", "exec"]);

/** Link types of the newer link format other than veth, and what they are. */
const LINK_TYPES: Record<string, string> = {
  host: "a veth into the host's namespace",
  "mgmt-net": "a veth into the management network's bridge",
  macvlan: "a macvlan on a host interface",
  vxlan: "a VXLAN tunnel to another host",
  "vxlan-stitched": "a VXLAN tunnel to another host",
  dummy: "a dummy interface",
};

/** Node names the brief link format reserves for links that are not node-to-node. */
const SPECIAL_ENDPOINTS: Record<string, string> = {
  host: "a veth into the host's namespace",
  "mgmt-net": "a veth into the management network's bridge",
  macvlan: "a macvlan on a host interface",
};

function text(r: Report, v: unknown, path: Path, what: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return r.fail(path, `${what} must be text, not ${Array.isArray(v) ? "a list" : typeof v}`);
}

function list(r: Report, v: unknown, path: Path, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  return r.fail(path, `${what} must be a list`);
}

function mapping(r: Report, v: unknown, path: Path, what: string): Obj {
  if (v === null || v === undefined) return {};
  if (isObj(v)) return v;
  return r.fail(path, `${what} must be a mapping${Array.isArray(v) ? ", not a list" : ""}`);
}

/** The level settings (topology.defaults, topology.kinds.<kind>) nodes inherit. */
interface Level {
  obj: Obj;
  path: Path;
}

function strings(r: Report, level: Level | undefined, field: string, what: string): At<string>[] {
  const v = level?.obj[field];
  if (v === undefined || v === null || !level) return [];
  const path = [...level.path, field];
  return list(r, v, path, what).map((x, i) => ({ value: text(r, x, [...path, i], what), path: [...path, i] }));
}

function scalar(r: Report, level: Level | undefined, field: string, what: string): At<string> | undefined {
  const v = level?.obj[field];
  if (v === undefined || v === null || !level) return undefined;
  return { value: text(r, v, [...level.path, field], what), path: [...level.path, field] };
}

/** The container path of a bind (`host:container[:ro]`), or undefined for an anonymous volume. */
export function bindTarget(bind: string): string | undefined {
  const parts = bind.split(":");
  return parts.length >= 2 ? parts[1] : undefined;
}

/** Binds of all levels, a later level's bind replacing an earlier one with the same target. */
function mergeBinds(levels: At<string>[][]): At<string>[] {
  const out = new Map<string, At<string>>();
  for (const level of levels) for (const b of level) out.set(bindTarget(b.value) ?? b.value, b);
  return [...out.values()];
}

/** Reads the containerlab file's structure; warns about each field that does not map. */
export function readClab(data: Obj, r: Report): ClabTopology {
  for (const key of Object.keys(data)) {
    if (key === "name" || key === "topology") continue;
    if (key === "mgmt") continue; // map.ts: it depends on the runtime
    r.warn([key], unmapped("top-level field ", q(key)), "key");
  }
  if (data.name === undefined || data.name === null) r.fail([], "a containerlab topology needs a name (name: my-lab)");
  const name = { value: text(r, data.name, ["name"], "name"), path: ["name"] };

  const topo = mapping(r, data.topology, ["topology"], "topology");
  for (const key of Object.keys(topo)) {
    if (!["nodes", "links", "kinds", "defaults"].includes(key)) {
      r.warn(["topology", key], unmapped("topology.", key), "key");
    }
  }
  const defaults: Level = {
    obj: mapping(r, topo.defaults, ["topology", "defaults"], "topology.defaults"),
    path: ["topology", "defaults"],
  };
  for (const key of Object.keys(defaults.obj)) {
    if (!NODE_FIELDS.has(key)) r.warn([...defaults.path, key], unmapped("topology.defaults.", key), "key");
  }
  const kinds = mapping(r, topo.kinds, ["topology", "kinds"], "topology.kinds");
  const kindLevel = new Map<string, Level>();
  for (const [kind, v] of Object.entries(kinds)) {
    const path: Path = ["topology", "kinds", kind];
    const level = { obj: mapping(r, v, path, `topology.kinds.${kind}`), path };
    kindLevel.set(kind, level);
    for (const key of Object.keys(level.obj)) {
      if (!NODE_FIELDS.has(key) || key === "kind")
        r.warn([...path, key], unmapped(`topology.kinds.${kind}.`, key), "key");
    }
  }

  if (topo.nodes === undefined || topo.nodes === null)
    r.fail(["topology"], "topology.nodes is missing: a lab needs nodes");
  const nodesObj = mapping(r, topo.nodes, ["topology", "nodes"], "topology.nodes");
  const nodes: ClabNode[] = [];
  for (const nodeName of orderedKeys(nodesObj, r.src.keys(["topology", "nodes"]))) {
    const path: Path = ["topology", "nodes", nodeName];
    const own: Level = { obj: mapping(r, nodesObj[nodeName], path, `node ${q(nodeName)}`), path };
    const where = `node ${q(nodeName)} `;
    for (const key of Object.keys(own.obj)) {
      if (NODE_FIELDS.has(key)) continue;
      if (MGMT_FIELDS.has(key)) {
        r.note([...path, key], `${where}${key} is ignored: wirelab gives nodes no fixed management address`, "key");
      } else r.warn([...path, key], unmapped(where, key), "key");
    }
    const kind = scalar(r, own, "kind", "kind") ?? scalar(r, defaults, "kind", "kind");
    if (!kind) {
      r.fail(path, `${where}has no kind: set kind (linux, bridge) on the node or in topology.defaults`, "key");
    }
    const ks = kindLevel.get(kind.value);
    const node: ClabNode = {
      name: nodeName,
      path,
      kind,
      binds: mergeBinds([
        strings(r, defaults, "binds", "binds"),
        strings(r, ks, "binds", "binds"),
        strings(r, own, "binds", "binds"),
      ]),
      // containerlab takes the most specific level's exec list as a whole.
      exec: [own, ks, defaults]
        .map((level) => strings(r, level, "exec", "exec"))
        .find((l, i, all) => l.length > 0 || i === all.length - 1) as At<string>[],
    };
    const image =
      scalar(r, own, "image", "image") ?? scalar(r, ks, "image", "image") ?? scalar(r, defaults, "image", "image");
    if (image) node.image = image;
    const startup =
      scalar(r, own, "startup-config", "startup-config") ??
      scalar(r, ks, "startup-config", "startup-config") ??
      scalar(r, defaults, "startup-config", "startup-config");
    if (startup) node.startupConfig = startup;
    nodes.push(node);
  }

  const links: ClabLink[] = [];
  if (topo.links !== undefined && topo.links !== null) {
    list(r, topo.links, ["topology", "links"], "topology.links").forEach((raw, i) => {
      const link = readLink(r, raw, ["topology", "links", i], i);
      if (link) links.push(link);
    });
  }
  const out: ClabTopology = { name, nodes, links };
  if (data.mgmt !== undefined) out.mgmt = { value: data.mgmt, path: ["mgmt"] };
  return out;
}

/** One link of either format; undefined (with a warning) when it is not node-to-node veth. */
function readLink(r: Report, raw: unknown, path: Path, i: number): ClabLink | undefined {
  const link = mapping(r, raw, path, `link #${i + 1}`);
  const where = `link #${i + 1} `;
  const type = link.type === undefined ? undefined : text(r, link.type, [...path, "type"], "type");
  if (type !== undefined && type !== "veth") {
    const what = LINK_TYPES[type];
    r.warn(
      [...path, "type"],
      `${where}of type ${q(type)}${what ? ` (${what})` : ""} is not mapped to wirelab and is left out`,
    );
    return undefined;
  }
  for (const key of Object.keys(link)) {
    if (!["endpoints", "mtu", "type"].includes(key)) r.warn([...path, key], unmapped(where, key), "key");
  }
  const out: ClabLink = { path, ends: [] };
  if (link.mtu !== undefined) {
    const mtu = Number(link.mtu);
    if (!Number.isInteger(mtu)) r.fail([...path, "mtu"], `${where}mtu must be a whole number`);
    out.mtu = { value: mtu, path: [...path, "mtu"] };
  }
  if (link.endpoints === undefined) r.fail(path, `${where}has no endpoints`);
  const eps = list(r, link.endpoints, [...path, "endpoints"], `${where}endpoints`);
  for (const [j, ep] of eps.entries()) {
    const epPath: Path = [...path, "endpoints", j];
    if (isObj(ep)) {
      for (const key of Object.keys(ep)) {
        if (key !== "node" && key !== "interface")
          r.warn([...epPath, key], unmapped(`${where}endpoint #${j + 1} `, key), "key");
      }
      const node = text(r, ep.node, [...epPath, "node"], "an endpoint's node");
      const port =
        ep.interface === undefined ? undefined : text(r, ep.interface, [...epPath, "interface"], "interface");
      out.ends.push({ text: port === undefined ? node : `${node}:${port}`, node, path: epPath, short: false });
    } else {
      const t = text(r, ep, epPath, "an endpoint");
      const colon = t.indexOf(":");
      out.ends.push({ text: t, node: colon < 0 ? t : t.slice(0, colon), path: epPath, short: true });
    }
  }
  const special = out.ends.find((e) => SPECIAL_ENDPOINTS[e.node] !== undefined);
  if (special) {
    r.warn(
      special.path,
      `${where}endpoint ${q(special.text)} (${SPECIAL_ENDPOINTS[special.node]}) is not mapped to wirelab: the link is left out`,
    );
    return undefined;
  }
  return out;
}
