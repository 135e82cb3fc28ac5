// Gao-Rexford policy of the BGP intent's relationships in FRR (the policy itself:
// src/intents/bgp/gao-rexford.ts). One inbound route-map per relationship tags and sets the
// local preference; one outbound route-map, on peers and providers, denies what was learned
// from peers and providers. Customers get no outbound route-map: everything goes to them.
// FRR has one route-map per neighbor and direction: a neighbor with a relationship cannot
// also take a route-map from elsewhere (another policy would `call` these, or be called).

import {
  blockedTowards,
  hasRelationships,
  REL_LOCAL_PREF,
  RELATIONSHIPS,
  relTag,
} from "../../../intents/bgp/gao-rexford.js";
import type { BgpModel, BgpNeighborModel, Relationship } from "../../../intents/bgp/model.js";

/** The route-map names, for a policy that wants to compose with them. */
export const REL_MAPS = {
  in: (r: Relationship) => `WL_GR_FROM_${r.toUpperCase()}`,
  out: "WL_GR_TO_PEER_OR_PROVIDER",
  notCustomer: "WL_GR_NOT_FROM_CUSTOMER",
} as const;

const lc = (asn: number, r: Relationship) => relTag(asn, r).join(":");

/** Address-family lines of a neighbor with a relationship (under `address-family`). */
export function relationshipFamilyLines(nb: BgpNeighborModel): string[] {
  const r = nb.relationship;
  if (r === undefined) return [];
  const out = [`neighbor ${nb.address} route-map ${REL_MAPS.in(r)} in`];
  if (blockedTowards(r).length) out.push(`neighbor ${nb.address} route-map ${REL_MAPS.out} out`);
  return out;
}

/** Top-level lines: the community list and route-maps, when a neighbor has a relationship. */
export function renderRelationships(bgp: BgpModel): string[] {
  if (!hasRelationships(bgp)) return [];
  const out: string[] = [];
  for (const r of blockedTowards("peer")) {
    out.push(`bgp large-community-list standard ${REL_MAPS.notCustomer} permit ${lc(bgp.asn, r)}`);
  }
  out.push("!");
  for (const r of RELATIONSHIPS) {
    out.push(
      `route-map ${REL_MAPS.in(r)} permit 10`,
      ` set large-community ${lc(bgp.asn, r)} additive`,
      ` set local-preference ${REL_LOCAL_PREF[r]}`,
      "!",
    );
  }
  out.push(
    `route-map ${REL_MAPS.out} deny 10`,
    ` match large-community ${REL_MAPS.notCustomer}`,
    "!",
    `route-map ${REL_MAPS.out} permit 20`,
    "!",
  );
  return out;
}
