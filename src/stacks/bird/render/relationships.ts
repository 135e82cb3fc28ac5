// Gao-Rexford policy of the BGP intent's relationships in BIRD (the policy itself:
// src/intents/bgp/gao-rexford.ts). One import filter per relationship tags the route
// (bgp_large_community) and sets bgp_local_pref; one export filter, on peers and providers,
// rejects what was learned from peers and providers. Customers export everything. Routes
// of the node itself come through the pipe untagged (an unset large-community list reads as
// empty in BIRD), so they go to everyone.

import {
  blockedTowards,
  hasRelationships,
  REL_LOCAL_PREF,
  RELATIONSHIPS,
  relTag,
} from "../../../intents/bgp/gao-rexford.js";
import type { BgpModel, BgpNeighborModel, Relationship } from "../../../intents/bgp/model.js";

export const REL_FILTERS = {
  in: (r: Relationship) => `wl_gr_from_${r}`,
  out: "wl_gr_to_peer_or_provider",
} as const;

const lc = (asn: number, r: Relationship) => `(${relTag(asn, r).join(", ")})`;

/** The filter definitions (before the protocols that use them). */
export function renderRelationshipFilters(bgp: BgpModel): string[] {
  if (!hasRelationships(bgp)) return [];
  const out: string[] = [];
  for (const r of RELATIONSHIPS) {
    out.push(
      `filter ${REL_FILTERS.in(r)} {`,
      `  bgp_large_community.add(${lc(bgp.asn, r)});`,
      `  bgp_local_pref = ${REL_LOCAL_PREF[r]};`,
      "  accept;",
      "}",
    );
  }
  const blocked = blockedTowards("peer").map((r) => `${lc(bgp.asn, r)} ~ bgp_large_community`);
  out.push(`filter ${REL_FILTERS.out} {`, `  if ${blocked.join(" || ")} then reject;`, "  accept;", "}");
  return out;
}

/** A channel's import and export lines for this neighbor (`import all; export all;` without a relationship). */
export function relationshipChannelLines(nb: BgpNeighborModel): string[] {
  const r = nb.relationship;
  if (r === undefined) return ["import all;", "export all;"];
  return [
    `import filter ${REL_FILTERS.in(r)};`,
    blockedTowards(r).length ? `export filter ${REL_FILTERS.out};` : "export all;",
  ];
}
