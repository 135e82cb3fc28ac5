// Whether an AS path is valley-free (Gao): read from the router that holds the route toward
// the origin, the traffic climbs customer→provider links, crosses at most one peer link, then
// only descends provider→customer. The relationships come from the lab's own BGP intent
// (`relationship:` on neighbors), so a `bgp-route` check with `valley-free: true` can judge
// the path a router chose without anything else to read.
import type { Lab, NodeModel } from "../../core/model.js";
import type { Relationship } from "./model.js";

/** What AS b is to AS a, keyed `a>b`. */
export type Relationships = Map<string, Relationship>;

export function relationshipsOf(nodes: readonly NodeModel[]): Relationships {
  const out: Relationships = new Map();
  for (const n of nodes) {
    const bgp = n.intents.bgp;
    if (!bgp) continue;
    for (const nb of bgp.neighbors) {
      if (nb.relationship !== undefined) out.set(`${bgp.asn}>${nb.remoteAs}`, nb.relationship);
    }
  }
  return out;
}

/** The AS-level hierarchy the lab's relationships describe (start order, memory estimates). */
export interface AsRelations {
  /** Every BGP AS of the lab (with no provider: an empty set) → its providers. */
  providers: Map<number, Set<number>>;
  /** AS → its customers (ASes without customers are absent). */
  customers: Map<number, Set<number>>;
  /** Every eBGP neighbor has a relationship (not only some). */
  complete: boolean;
}

/** Providers and customers per AS from `relationship:` on eBGP neighbors; undefined when none has one. */
export function asRelations(lab: Lab): AsRelations | undefined {
  const providers = new Map<number, Set<number>>();
  const customers = new Map<number, Set<number>>();
  const add = (m: Map<number, Set<number>>, k: number, v: number) => {
    const set = m.get(k) ?? new Set<number>();
    set.add(v);
    m.set(k, set);
  };
  let any = false;
  let complete = true;
  for (const n of lab.nodes) {
    const bgp = n.intents.bgp;
    if (!bgp) continue;
    if (!providers.has(bgp.asn)) providers.set(bgp.asn, new Set());
    for (const nb of bgp.neighbors) {
      if (nb.remoteAs === bgp.asn) continue;
      if (nb.relationship === undefined) complete = false;
      else any = true;
      if (nb.relationship === "provider") add(providers, bgp.asn, nb.remoteAs);
      if (nb.relationship === "customer") add(customers, bgp.asn, nb.remoteAs);
    }
  }
  return any ? { providers, customers, complete } : undefined;
}

export type ValleyFree = { ok: true; walk: string } | { ok: false; walk: string; why: string };

/**
 * Judges the path `asPath` (as shown: nearest AS first, origin last) seen at a router of AS
 * `from`. Prepending (an AS repeated) is one hop; an AS set or an unknown relationship fails.
 */
export function valleyFree(from: number, asPath: string, rels: Relationships): ValleyFree {
  const tokens = asPath.trim().split(/\s+/).filter(Boolean);
  const seq = [from];
  for (const t of tokens) {
    if (!/^\d+$/.test(t)) return { ok: false, walk: asPath, why: `${t} is not an AS number (an AS set?)` };
    const asn = Number(t);
    if (seq[seq.length - 1] !== asn) seq.push(asn);
  }
  let walk = String(from);
  // up: still climbing; down: a peer link or a descent was taken, only descents may follow.
  let phase: "up" | "down" = "up";
  for (let i = 0; i + 1 < seq.length; i++) {
    const a = seq[i] as number;
    const b = seq[i + 1] as number;
    const r = rels.get(`${a}>${b}`);
    walk += ` →${r ?? "?"} ${b}`;
    if (r === undefined) return { ok: false, walk, why: `no relationship between AS ${a} and AS ${b} in the lab` };
    if (r === "customer") phase = "down";
    else if (phase === "down") {
      const how = r === "peer" ? "a peer link" : "a climb to a provider";
      return { ok: false, walk, why: `${how} (AS ${a} → AS ${b}) after the path had crossed a peer or descended` };
    } else if (r === "peer") phase = "down";
  }
  return { ok: true, walk };
}
