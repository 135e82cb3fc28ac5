// The BGP intent's keys on a long-form link (`bgp: { unnumbered: true }`, `bfd: true`), read
// from the topology as written. Kept apart from resolve.ts so the address rules
// (src/topology/resolve/addresses.ts) can ask whether a link is unnumbered without loading
// the resolver.
import type { TopologyInput } from "../../topology/schema.js";
import type { Path } from "../../topology/source.js";

export interface BgpLinkSettings {
  /** The two routers peer over the link's IPv6 link-local addresses. */
  unnumbered: boolean;
  /** BFD on the BGP sessions over the link. */
  bfd: boolean;
}

/** The link's BGP settings (all false for a short-form link or one without them). */
export function bgpLinkSettings(input: TopologyInput, index: number): BgpLinkSettings {
  const link = input.links?.[index];
  if (!link || Array.isArray(link)) return { unnumbered: false, bfd: false };
  return { unnumbered: link.bgp?.unnumbered === true, bfd: link.bfd === true };
}

/** Where `bgp.unnumbered` of link `index` is written (errors about it point there). */
export function unnumberedPath(index: number): Path {
  return ["links", index, "bgp", "unnumbered"];
}
