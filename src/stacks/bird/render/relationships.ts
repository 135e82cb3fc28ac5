// Gao-Rexford policy of the BGP intent's relationships in BIRD (the policy itself:
// src/intents/bgp/gao-rexford.ts). One import filter per relationship tags the route
// (bgp_large_community) and sets bgp_local_pref; one export filter, on peers and providers,
// rejects what was learned from peers and providers. Customers export everything. Routes
// of the node itself come through the pipe untagged (an unset large-community list reads as
// empty in BIRD), so they go to everyone.
// With a policy `route-map` on the same neighbor the channel gets an inline filter that
// composes them as FRR's combined route-maps do (src/stacks/frr/render/relationships.ts):
// import: tag and local preference, then the user's function (which may reject, or set
// anything, its local preference winning), then the tag again (a replaced large-community
// list must not lose it); export: the valley-free reject first, then the user's function.
// A neighbor that did not ask for default-originate rejects that default route first, so
// no export filter of its own can pass it on.

import {
  blockedTowards,
  hasRelationships,
  REL_LOCAL_PREF,
  RELATIONSHIPS,
  relTag,
} from "../../../intents/bgp/gao-rexford.js";
import type { BgpModel, BgpNeighborModel, Relationship } from "../../../intents/bgp/model.js";
import { policyFilter, policyName } from "./policy.js";

export const REL_FILTERS = {
  in: (r: Relationship) => `wl_gr_from_${r}`,
  out: "wl_gr_to_peer_or_provider",
} as const;

const lc = (asn: number, r: Relationship) => `(${relTag(asn, r).join(", ")})`;

const notFromCustomer = (asn: number) =>
  blockedTowards("peer")
    .map((r) => `${lc(asn, r)} ~ bgp_large_community`)
    .join(" || ");

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
  out.push(`filter ${REL_FILTERS.out} {`, `  if ${notFromCustomer(bgp.asn)} then reject;`, "  accept;", "}");
  return out;
}

/** The default route of default-originate (its static protocol) and whether this neighbor asked for it. */
export interface DefaultRoute {
  proto: string;
  send: boolean;
}

/**
 * A channel's import and export lines for this neighbor: its relationship's filters, its
 * route maps, both composed, or `import all; export all;`. `dflt`: the node's
 * default-originate route of this family, when a neighbor asked for one. FRR sends it to a
 * default-originate neighbor whatever that neighbor's outbound route-map says (seen on 8.4),
 * and to no one else: so it is accepted before the neighbor's own filter, or rejected.
 */
export function channelFilterLines(asn: number, nb: BgpNeighborModel, dflt?: DefaultRoute): string[] {
  const r = nb.relationship;
  const mapIn = nb.routeMapIn;
  const mapOut = nb.routeMapOut;
  let imp: string;
  if (r === undefined) imp = mapIn === undefined ? "import all;" : `import filter ${policyFilter(mapIn)};`;
  else if (mapIn === undefined) imp = `import filter ${REL_FILTERS.in(r)};`;
  else {
    const tag = `bgp_large_community.add(${lc(asn, r)});`;
    imp = `import filter { ${tag} bgp_local_pref = ${REL_LOCAL_PREF[r]}; if ${policyName("rm", mapIn)}() then { ${tag} accept; } reject; };`;
  }
  const valleyFree = r !== undefined && blockedTowards(r).length > 0;
  const rules: string[] = [];
  // (The default route carries no tag: the valley-free filter alone lets it through.)
  if (dflt !== undefined && (!dflt.send || mapOut !== undefined)) {
    rules.push(`if proto = "${dflt.proto}" then ${dflt.send ? "accept" : "reject"};`);
  }
  if (valleyFree) rules.push(`if ${notFromCustomer(asn)} then reject;`);
  rules.push(mapOut === undefined ? "accept;" : `if ${policyName("rm", mapOut)}() then accept; reject;`);
  let exp = `export filter { ${rules.join(" ")} };`;
  // The shorter forms where one part alone is left (as rendered before they composed).
  if (rules.length === 1 && mapOut === undefined) exp = "export all;";
  else if (rules.length === 1 && mapOut !== undefined) exp = `export filter ${policyFilter(mapOut)};`;
  else if (rules.length === 2 && valleyFree && mapOut === undefined) {
    exp = `export filter ${REL_FILTERS.out};`;
  } else if (rules.length === 2 && !valleyFree && mapOut === undefined && dflt?.send === false) {
    exp = `export where proto != "${dflt.proto}";`;
  }
  return [imp, exp];
}
