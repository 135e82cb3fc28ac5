// In which order routers start their daemons: from the edge of the topology toward its
// center. Why: a router's routes reach everyone one hop at a time after it comes up (FRR
// spends about 50 ms per hop), so the last routers to start decide when the lab has
// converged; if they are the ones closest to everybody (lowest eccentricity), the tail is
// shortest. Measured on a 50-router chain: the last router in the middle instead of at the
// far end saves about 1.2 s (24 hops). In a leaf-spine fabric the spines start last: the
// leaves come up without sessions to process, then each spine learns all of them at once.
//
// Labs with BGP relationships (Gao-Rexford, an internet's shape) start top-down instead:
// providers before their customers, tier by tier. Measured on the 1,000-AS BIRD internet:
// edge first, the tier-1 clique comes up last and floods the whole table down paths of every
// length at once (about 2,450 kernel route changes per router for 1,000 routes); providers
// first, each AS joins a converged core, takes its table once and sends its own prefix up
// once (about 2,100), and the deploy took 62-82 s (three runs) instead of 87 s. The same
// order on a Clos is slower (the edge-first rule above holds there).
import { asRelations } from "../intents/bgp/valley-free.js";
import type { Lab } from "./model.js";

/** Above this many nodes the exact computation (a BFS per router) is skipped: file order. */
const MAX_NODES = 2000;

/** Router names (nodes running a routing stack, whichever) in start order; ties keep the file's order. */
export function routerStartOrder(lab: Lab): string[] {
  const routers = lab.nodes.filter((n) => n.stack !== undefined).map((n) => n.name);
  if (lab.nodes.length > MAX_NODES || routers.length < 3) return routers;
  const adj = new Map<string, string[]>(lab.nodes.map((n) => [n.name, []]));
  for (const l of lab.links) {
    adj.get(l.a.node)?.push(l.b.node);
    adj.get(l.b.node)?.push(l.a.node);
  }
  const ecc = new Map<string, number>();
  for (const r of routers) {
    const dist = new Map<string, number>([[r, 0]]);
    const queue = [r];
    let far = 0;
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i] as string;
      const d = dist.get(u) as number;
      for (const v of adj.get(u) ?? []) {
        if (dist.has(v)) continue;
        dist.set(v, d + 1);
        far = Math.max(far, d + 1);
        queue.push(v);
      }
    }
    ecc.set(r, far);
  }
  const index = new Map(routers.map((r, i) => [r, i]));
  const tier = providerTiers(lab);
  if (tier) {
    // Providers first; within a tier the most central first, as the core forms from the middle.
    const asn = new Map(lab.nodes.map((n) => [n.name, n.intents.bgp?.asn ?? -1]));
    const tiers = new Map(routers.map((r) => [r, tier.get(asn.get(r) as number) ?? 0]));
    return [...routers].sort(
      (a, b) =>
        (tiers.get(a) as number) - (tiers.get(b) as number) ||
        (ecc.get(a) as number) - (ecc.get(b) as number) ||
        (index.get(a) as number) - (index.get(b) as number),
    );
  }
  return [...routers].sort(
    (a, b) => (ecc.get(b) as number) - (ecc.get(a) as number) || (index.get(a) as number) - (index.get(b) as number),
  );
}

/**
 * Each AS's tier below the top of the customer-provider hierarchy (0: no provider; else one
 * more than its deepest provider), from the neighbors' `relationship:`; undefined when the
 * lab has none. An AS in a provider cycle (no valid hierarchy) gets the tier after the last.
 */
export function providerTiers(lab: Lab): Map<number, number> | undefined {
  const providers = asRelations(lab)?.providers;
  if (!providers) return undefined;
  const tier = new Map<number, number>();
  // Longest path from the top, by relaxation: at most one round per AS settles a DAG.
  for (const asn of providers.keys()) tier.set(asn, 0);
  for (let round = 0; round <= providers.size; round++) {
    let changed = false;
    for (const [asn, ups] of providers) {
      const want = Math.max(0, ...[...ups].map((p) => (tier.get(p) ?? -1) + 1));
      if (want !== tier.get(asn)) {
        tier.set(asn, want);
        changed = true;
      }
    }
    if (!changed) return tier;
  }
  // A cycle kept raising tiers: the ASes on it (and below it) go after everyone else.
  const cap = Math.max(0, ...[...tier.values()].filter((t) => t <= providers.size));
  for (const [asn, t] of tier) if (t > providers.size) tier.set(asn, cap + 1);
  return tier;
}
