// The Gao-Rexford policy that `relationship:` on a BGP neighbor means, as data both stacks
// render (src/stacks/frr/render/relationships.ts, src/stacks/bird/render/relationships.ts):
// - import: every route from the neighbor is tagged with a large community saying where it
//   came from, and given a local preference: customer > peer > provider (money: a customer
//   pays, a peer is free, a provider costs);
// - export: everything to customers; to peers and providers only routes not tagged as learned
//   from a peer or provider (own routes and customers' routes): valley-free.
// Large communities (RFC 8092) because their global part is 32 bits: a 4-byte ASN fits. The
// tag is `<own ASN>:1000:<1 customer | 2 peer | 3 provider>`; it is only read by the router
// that set it (one router per AS, or iBGP peers of one AS that send communities).
import type { BgpModel, Relationship } from "./model.js";

/** Local part of the tag (`ASN:1000:code`). */
export const REL_TAG = 1000;

export const REL_CODE: Record<Relationship, number> = { customer: 1, peer: 2, provider: 3 };

/** Local preference of routes learned from a neighbor of each relationship (others: BGP's 100). */
export const REL_LOCAL_PREF: Record<Relationship, number> = { customer: 200, peer: 100, provider: 50 };

export const RELATIONSHIPS: readonly Relationship[] = ["customer", "peer", "provider"];

/** The large community (as `a:b:c`) routes learned from a neighbor of this relationship get. */
export function relTag(asn: number, r: Relationship): [number, number, number] {
  return [asn, REL_TAG, REL_CODE[r]];
}

/** Whether any neighbor of the node has a relationship (the policy is rendered only then). */
export function hasRelationships(bgp: BgpModel): boolean {
  return bgp.neighbors.some((n) => n.relationship !== undefined);
}

/** Routes of these origins must not be exported to a neighbor of relationship `to` (valley-free). */
export function blockedTowards(to: Relationship): Relationship[] {
  return to === "customer" ? [] : ["peer", "provider"];
}
