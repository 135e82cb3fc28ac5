// Gao-Rexford policy of the BGP intent's relationships in FRR (the policy itself:
// src/intents/bgp/gao-rexford.ts). One inbound route-map per relationship tags and sets the
// local preference; one outbound route-map, on peers and providers, denies what was learned
// from peers and providers. Customers get no outbound route-map: everything goes to them.
// FRR has one route-map per neighbor and direction, so a neighbor that also has a policy
// `route-map` gets a combined map per (relationship, user map) pair that `call`s the user's
// (FRR 8.4 lib/routemap.c: a permit entry applies its sets, then the called map; a deny from
// the called map, or no entry of it matching, denies; otherwise `on-match next` goes on):
// - in: permit 10 sets the tag and local preference, calls the user's map (which may deny,
//   or set anything, its local preference winning), on-match next; permit 20 adds the tag
//   again, so a user's `set large-community` (replace) cannot untag a route and leak it
//   past the valley-free filter;
// - out: deny 10 what was learned from peers and providers (valley-free, before the user's
//   map can see it), permit 20 calls the user's map. Customers: the user's map alone.

import {
  blockedTowards,
  hasRelationships,
  REL_LOCAL_PREF,
  RELATIONSHIPS,
  relTag,
} from "../../../intents/bgp/gao-rexford.js";
import type { BgpModel, BgpNeighborModel, Relationship } from "../../../intents/bgp/model.js";

/** The route-map names (the combined ones: the relationship's, then the user's map). */
export const REL_MAPS = {
  in: (r: Relationship) => `WL_GR_FROM_${r.toUpperCase()}`,
  out: "WL_GR_TO_PEER_OR_PROVIDER",
  notCustomer: "WL_GR_NOT_FROM_CUSTOMER",
  inThen: (r: Relationship, user: string) => `WL_GR_FROM_${r.toUpperCase()}_THEN_${user}`,
  outThen: (user: string) => `WL_GR_TO_PEER_OR_PROVIDER_THEN_${user}`,
} as const;

/** The route-map a neighbor takes in each direction (relationship, policy or both), if any. */
export function neighborMaps(nb: BgpNeighborModel): { in?: string; out?: string } {
  const r = nb.relationship;
  if (r === undefined) return { in: nb.routeMapIn, out: nb.routeMapOut };
  const valleyFree = blockedTowards(r).length > 0;
  return {
    in: nb.routeMapIn === undefined ? REL_MAPS.in(r) : REL_MAPS.inThen(r, nb.routeMapIn),
    out:
      nb.routeMapOut === undefined
        ? valleyFree
          ? REL_MAPS.out
          : undefined
        : valleyFree
          ? REL_MAPS.outThen(nb.routeMapOut)
          : nb.routeMapOut,
  };
}

const lc = (asn: number, r: Relationship) => relTag(asn, r).join(":");

/** A neighbor's route-map lines (under `address-family`): relationship, policy or both. */
export function routeMapFamilyLines(nb: BgpNeighborModel): string[] {
  const m = neighborMaps(nb);
  const out: string[] = [];
  if (m.in !== undefined) out.push(`neighbor ${nb.address} route-map ${m.in} in`);
  if (m.out !== undefined) out.push(`neighbor ${nb.address} route-map ${m.out} out`);
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
  // The combined maps, once per (relationship, user map) pair the neighbors use.
  const done = new Set<string>();
  for (const nb of bgp.neighbors) {
    const r = nb.relationship;
    if (r === undefined) continue;
    const m = neighborMaps(nb);
    if (nb.routeMapIn !== undefined && m.in !== undefined && !done.has(m.in)) {
      done.add(m.in);
      out.push(
        `route-map ${m.in} permit 10`,
        ` set large-community ${lc(bgp.asn, r)} additive`,
        ` set local-preference ${REL_LOCAL_PREF[r]}`,
        ` call ${nb.routeMapIn}`,
        " on-match next",
        "!",
        `route-map ${m.in} permit 20`,
        ` set large-community ${lc(bgp.asn, r)} additive`,
        "!",
      );
    }
    if (nb.routeMapOut !== undefined && m.out === REL_MAPS.outThen(nb.routeMapOut) && !done.has(m.out)) {
      done.add(m.out);
      out.push(
        `route-map ${m.out} deny 10`,
        ` match large-community ${REL_MAPS.notCustomer}`,
        "!",
        `route-map ${m.out} permit 20`,
        ` call ${nb.routeMapOut}`,
        "!",
      );
    }
  }
  return out;
}
