// Shared by the link-state IGP intents (ospf/, isis/): which routers sit across a port (a
// cable or a bridge segment), the address families two ports have in common, the prefixes
// an interface carries, and the per-link settings (`ospf:` / `isis:` on a link's long form).
// Resolution only: the models are plain data each module declares in its model.ts.
import { type Family, ipString, isLinkLocal, networkOf } from "../topology/address.js";
import type { Addr, NodeDraft, PortDraft, ResolveContext } from "../topology/resolve/context.js";
import type { Path } from "../topology/source.js";

export type { Family };

/** A router with the IGP across a port, at its facing port. */
export interface Across {
  node: NodeDraft;
  port: PortDraft;
}

/** Address families of a list of addresses, IPv4 first. */
export function familiesOf(addrs: readonly Addr[]): Family[] {
  return ([4, 6] as const).filter((f) => addrs.some((a) => a.cidr.family === f));
}

/** The prefixes (network/len) an interface's addresses put in the IGP; IPv6 link-local left out. */
export function prefixesOf(addrs: readonly Addr[]): string[] {
  const out: string[] = [];
  for (const a of addrs) {
    if (a.cidr.family === 6 && isLinkLocal(a.cidr.ip)) continue;
    const p = `${ipString(networkOf(a.cidr))}/${a.cidr.len}`;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** "IPv4 and IPv6" / "IPv4" / "no address". */
export function familyText(f: readonly Family[]): string {
  return f.length ? f.map((x) => `IPv${x}`).join(" and ") : "no address";
}

/** The link-level setting `key` (`ospf`, `isis`) of the link that cables `port`, with its path. */
export function linkSetting(
  ctx: ResolveContext,
  port: PortDraft,
  key: "ospf" | "isis",
): { value: unknown; path: Path } | undefined {
  if (port.link === undefined) return undefined;
  const link = ctx.input.links?.[port.link];
  if (!link || Array.isArray(link)) return undefined;
  const value = (link as Record<string, unknown>)[key];
  return value === undefined ? undefined : { value, path: ["links", port.link, key] };
}

/** Ports of routers cabled to each bridge segment, computed once per resolution. */
const segmentPorts = new WeakMap<ResolveContext, Map<string, PortDraft[]>>();

function portsOnSegment(ctx: ResolveContext, segment: string): PortDraft[] {
  let bySegment = segmentPorts.get(ctx);
  if (!bySegment) {
    bySegment = new Map();
    for (const n of ctx.nodes.values()) {
      if (n.kind.role === "bridge") continue;
      for (const p of n.ports) {
        const seg = p.peer && ctx.isBridge(p.peer.node) ? ctx.segment.get(p.peer.node) : undefined;
        if (seg === undefined) continue;
        const list = bySegment.get(seg) ?? [];
        list.push(p);
        bySegment.set(seg, list);
      }
    }
    segmentPorts.set(ctx, bySegment);
  }
  return bySegment.get(segment) ?? [];
}

/**
 * Routers across `port` for which `runs(node, port)` holds: the node at the other end of the
 * cable, or every other node on the bridge segment the port is cabled to.
 */
export function routersAcross(
  ctx: ResolveContext,
  node: NodeDraft,
  port: PortDraft,
  runs: (n: NodeDraft, p: PortDraft) => boolean,
): Across[] {
  if (!port.peer) return [];
  const peerNode = ctx.nodes.get(port.peer.node);
  if (!peerNode) return [];
  let candidates: Across[];
  if (peerNode.kind.role === "bridge") {
    const seg = ctx.segment.get(peerNode.name) as string;
    candidates = portsOnSegment(ctx, seg)
      .filter((p) => p.node !== node.name)
      .map((p) => ({ node: ctx.nodes.get(p.node) as NodeDraft, port: p }));
  } else {
    const theirs = peerNode.portsByName.get(port.peer.port);
    candidates = theirs ? [{ node: peerNode, port: theirs }] : [];
  }
  return candidates.filter((c) => c.node.kind.role === "router" && runs(c.node, c.port));
}

/** "r1:1 — r2:1", or "r1:1 (segment of bridge sw1)". */
export function portPair(mine: PortDraft, theirs?: PortDraft): string {
  return theirs ? `${mine.node}:${mine.name} — ${theirs.node}:${theirs.name}` : `${mine.node}:${mine.name}`;
}

/** Per resolution: a value (router-id, system id) already taken, by whom. */
const taken = new WeakMap<ResolveContext, Map<string, string>>();

/** Records `value` for `node` under `space`; returns the node that took it first, if another. */
export function claim(ctx: ResolveContext, space: string, value: string, node: string): string | undefined {
  let m = taken.get(ctx);
  if (!m) {
    m = new Map();
    taken.set(ctx, m);
  }
  const key = `${space}\0${value}`;
  const first = m.get(key);
  if (first !== undefined && first !== node) return first;
  m.set(key, node);
  return undefined;
}
