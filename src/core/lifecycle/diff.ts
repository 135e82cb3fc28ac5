// What differs between the lab as it runs (its recorded model) and the lab a file now
// describes: the input of `deploy --reconfigure`. Pure: models in, differences out; the
// routing side (which configs changed) is each stack's to say when the plan is made.
//
// Nodes and ports are matched by name, cables by their two ends (node:port, either order).
// A node whose kind, role, runtime, stack or stub ports change cannot be changed in place:
// it is replaced (removed, made again, its cables with it).
import { BLACKHOLE } from "../../intents/static/model.js";
import type { Impairment, Lab, LinkModel, NodeModel, PortModel } from "../model.js";
import { nodeSysctls } from "./sysctls.js";

/** A cabled port of a node that stays, whose settings differ. */
export interface PortChange {
  node: string;
  port: string;
  ifname: string;
  addrDel: string[];
  addrAdd: string[];
  /** The new MTU, when it changed. */
  mtu?: number;
  /** The new administrative state, when it changed. */
  up?: boolean;
}

/** A cable that stays whose tc conditions change (`impairment` undefined: removed). */
export interface ImpairmentChange {
  link: LinkModel;
  impairment?: Impairment;
}

export interface LabDiff {
  /** Nodes to make (new, or replaced), from the new model. */
  addNodes: NodeModel[];
  /** Nodes to remove (gone, or replaced), from the old model. */
  removeNodes: NodeModel[];
  /** Names both removed and made again, with why. */
  replaced: { node: string; why: string }[];
  /** Cables to make (from the new model): new ones and those of added nodes. */
  addLinks: LinkModel[];
  /** Cables to remove between nodes that stay (from the old model); a removed node's go with it. */
  removeLinks: LinkModel[];
  /** Ports of nodes that stay that get a new cable: set up whole once it exists. */
  newPorts: { node: string; port: string }[];
  ports: PortChange[];
  loopback: { node: string; del: string[]; add: string[] }[];
  /** Kernel settings (`key=value`) to set on nodes that stay. */
  sysctls: { node: string; set: string[] }[];
  /** Kernel routes of nodes without a routing stack, as ip-batch `route` arguments. */
  routes: { node: string; del: string[]; add: string[] }[];
  impairments: ImpairmentChange[];
  /** Nodes in both models, not replaced: their routing config may still differ (the stacks say). */
  kept: string[];
  /** Parts of the model that change nothing on the host (checks, scenarios). */
  other: string[];
}

export function linkKey(l: LinkModel): string {
  return [`${l.a.node}:${l.a.port}`, `${l.b.node}:${l.b.port}`].sort().join(" — ");
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function stubs(n: NodeModel): string {
  return JSON.stringify(n.ports.filter((p) => p.stub).map((p) => [p.name, p.mac]));
}

/** Why a node cannot change in place, or undefined. */
function replaceReason(a: NodeModel, b: NodeModel): string | undefined {
  if (a.kind !== b.kind) return `kind ${a.kind} → ${b.kind}`;
  if (a.role !== b.role) return `role ${a.role} → ${b.role}`;
  if (!sameJson(a.runtime, b.runtime)) return "runtime settings changed";
  if ((a.stack?.name ?? "") !== (b.stack?.name ?? ""))
    return `stack ${a.stack?.name ?? "none"} → ${b.stack?.name ?? "none"}`;
  if (stubs(a) !== stubs(b)) return "stub ports changed";
  return undefined;
}

/** Two cables with the same ends that are still not the same cable (its ends' MACs). */
function sameCable(lab1: Lab, l1: LinkModel, lab2: Lab): boolean {
  const end = (lab: Lab, node: string, port: string) =>
    lab.nodes.find((n) => n.name === node)?.ports.find((p) => p.name === port);
  for (const [n, p] of [
    [l1.a.node, l1.a.port],
    [l1.b.node, l1.b.port],
  ] as const) {
    const x = end(lab1, n, p);
    const y = end(lab2, n, p);
    if (!x || !y || x.ifname !== y.ifname || x.mac !== y.mac) return false;
  }
  return true;
}

function routeLines(n: NodeModel): string[] {
  return (n.intents.static ?? []).map((r) => (r.via === BLACKHOLE ? `blackhole ${r.to}` : `${r.to} via ${r.via}`));
}

function minus<T>(a: readonly T[], b: readonly T[]): T[] {
  return a.filter((x) => !b.includes(x));
}

export function diffLabs(old: Lab, neu: Lab): LabDiff {
  const oldNodes = new Map(old.nodes.map((n) => [n.name, n]));
  const newNodes = new Map(neu.nodes.map((n) => [n.name, n]));
  const d: LabDiff = {
    addNodes: [],
    removeNodes: [],
    replaced: [],
    addLinks: [],
    removeLinks: [],
    newPorts: [],
    ports: [],
    loopback: [],
    sysctls: [],
    routes: [],
    impairments: [],
    kept: [],
    other: [],
  };
  for (const n of old.nodes) if (!newNodes.has(n.name)) d.removeNodes.push(n);
  for (const n of neu.nodes) {
    const was = oldNodes.get(n.name);
    if (!was) {
      d.addNodes.push(n);
      continue;
    }
    const why = replaceReason(was, n);
    if (why) {
      d.replaced.push({ node: n.name, why });
      d.removeNodes.push(was);
      d.addNodes.push(n);
    } else {
      d.kept.push(n.name);
    }
  }
  const kept = new Set(d.kept);

  // Cables: those between kept nodes compared by their ends; the others follow their nodes.
  const oldLinks = new Map(old.links.map((l) => [linkKey(l), l]));
  const newLinks = new Map(neu.links.map((l) => [linkKey(l), l]));
  const bothKept = (l: LinkModel) => kept.has(l.a.node) && kept.has(l.b.node);
  for (const [key, l] of oldLinks) {
    if (!bothKept(l)) continue;
    const n = newLinks.get(key);
    if (!n || !sameCable(old, l, neu)) d.removeLinks.push(l);
  }
  for (const [key, l] of newLinks) {
    const o = oldLinks.get(key);
    if (!bothKept(l) || !o || !sameCable(old, o, neu)) {
      d.addLinks.push(l);
      for (const end of [l.a, l.b]) if (kept.has(end.node)) d.newPorts.push({ node: end.node, port: end.port });
    } else if (!sameJson(o.impairment, l.impairment)) {
      d.impairments.push(l.impairment ? { link: l, impairment: l.impairment } : { link: l });
    }
  }
  const rebuilt = new Set(d.newPorts.map((p) => `${p.node}:${p.port}`));

  for (const name of d.kept) {
    const a = oldNodes.get(name) as NodeModel;
    const b = newNodes.get(name) as NodeModel;
    const oldPorts = new Map(a.ports.map((p) => [p.name, p]));
    for (const p of b.ports) {
      if (p.link === undefined && !p.stub) continue;
      if (rebuilt.has(`${name}:${p.name}`)) continue;
      const q = oldPorts.get(p.name) as PortModel | undefined;
      if (!q) continue;
      const change: PortChange = {
        node: name,
        port: p.name,
        ifname: p.ifname,
        addrDel: minus(q.addresses, p.addresses),
        addrAdd: minus(p.addresses, q.addresses),
      };
      if (p.mtu !== q.mtu && p.mtu !== undefined) change.mtu = p.mtu;
      if (Boolean(p.shutdown) !== Boolean(q.shutdown)) change.up = !p.shutdown;
      if (change.addrDel.length || change.addrAdd.length || change.mtu !== undefined || change.up !== undefined) {
        d.ports.push(change);
      }
    }
    const del = minus(a.loopback, b.loopback);
    const add = minus(b.loopback, a.loopback);
    if (del.length || add.length) d.loopback.push({ node: name, del, add });
    const was = nodeSysctls(a);
    const set = nodeSysctls(b).filter((s) => !was.includes(s));
    if (set.length) d.sysctls.push({ node: name, set });
    if (!b.stack) {
      const r0 = routeLines(a);
      const r1 = routeLines(b);
      const rdel = minus(r0, r1);
      const radd = minus(r1, r0);
      if (rdel.length || radd.length) d.routes.push({ node: name, del: rdel, add: radd });
    }
  }
  if (!sameJson(old.checks, neu.checks)) d.other.push("checks");
  if (!sameJson(old.scenarios, neu.scenarios)) d.other.push("scenarios");
  return d;
}

/** True when the host needs no change at all (the routing configs are compared separately). */
export function hostUnchanged(d: LabDiff): boolean {
  return (
    !d.addNodes.length &&
    !d.removeNodes.length &&
    !d.addLinks.length &&
    !d.removeLinks.length &&
    !d.ports.length &&
    !d.loopback.length &&
    !d.sysctls.length &&
    !d.routes.length &&
    !d.impairments.length
  );
}

/** Nodes whose kernel setup changes in place (ports, loopback, sysctls, routes, cables). */
export function touchedNodes(d: LabDiff): Set<string> {
  const s = new Set<string>();
  for (const p of d.newPorts) s.add(p.node);
  for (const p of d.ports) s.add(p.node);
  for (const x of [...d.loopback, ...d.sysctls, ...d.routes]) s.add(x.node);
  for (const l of d.removeLinks) for (const e of [l.a, l.b]) s.add(e.node);
  for (const i of d.impairments) for (const e of [i.link.a, i.link.b]) s.add(e.node);
  return s;
}
