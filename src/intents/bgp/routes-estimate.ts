// How many BGP routes each router will receive, where the lab says enough to know: under
// Gao-Rexford (`relationship:` on every eBGP neighbor) a customer sends its customer cone, a
// peer its customer cone, a provider everything, and an iBGP neighbor of the same AS
// everything the AS knows. A memory estimate (stacks' memoryMb) adds a cost per received
// route on top of its per-session one: on the 1,000-AS internet the hubs' tables, not their
// sessions, are what the session term missed (0.62x of their RSS).
import type { Lab } from "../../core/model.js";
import { asRelations } from "./valley-free.js";

const cache = new WeakMap<Lab, Map<string, number> | null>();

/** Routes each router receives, by node name; undefined when some eBGP neighbor has no relationship. */
export function receivedRoutes(lab: Lab): Map<string, number> | undefined {
  const hit = cache.get(lab);
  if (hit !== undefined) return hit ?? undefined;
  const out = compute(lab);
  cache.set(lab, out ?? null);
  return out;
}

function compute(lab: Lab): Map<string, number> | undefined {
  const rel = asRelations(lab);
  if (!rel?.complete) return undefined;
  const customers = rel.customers;
  const prefixes = new Map<number, Set<string>>(); // AS → the prefixes its routers announce
  for (const n of lab.nodes) {
    const bgp = n.intents.bgp;
    if (!bgp) continue;
    const own = prefixes.get(bgp.asn) ?? new Set<string>();
    for (const p of [...bgp.networks, ...(bgp.originate ?? [])]) own.add(p);
    prefixes.set(bgp.asn, own);
  }
  const all = [...prefixes.values()].reduce((t, s) => t + s.size, 0);
  const cones = new Map<number, number>();
  const cone = (asn: number): number => {
    const known = cones.get(asn);
    if (known !== undefined) return known;
    // The cone's ASes (a customer reached twice counts once); a cycle ends where it began.
    const seen = new Set<number>([asn]);
    const stack = [asn];
    while (stack.length) {
      for (const c of customers.get(stack.pop() as number) ?? []) {
        if (!seen.has(c)) {
          seen.add(c);
          stack.push(c);
        }
      }
    }
    const size = [...seen].reduce((t, a) => t + (prefixes.get(a)?.size ?? 0), 0);
    cones.set(asn, size);
    return size;
  };
  const out = new Map<string, number>();
  for (const n of lab.nodes) {
    const bgp = n.intents.bgp;
    if (!bgp) continue;
    let routes = 0;
    for (const nb of bgp.neighbors) {
      routes += nb.remoteAs === bgp.asn || nb.relationship === "provider" ? all : cone(nb.remoteAs);
    }
    out.set(n.name, routes);
  }
  return out;
}
