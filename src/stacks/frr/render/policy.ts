// The `policy` intent in FRR: `ip prefix-list` / `ipv6 prefix-list`, `bgp as-path
// access-list`, `bgp community-list` / `bgp large-community-list` and `route-map` entries,
// each with its sequence number. Written before `router bgp`, which references them by name.
import type { NodeModel } from "../../../core/model.js";
import type { AsPathEntry, PolicyModel, RouteMapEntry } from "../../../intents/policy/model.js";

/** An AS-path entry as FRR's regex: `_` matches a delimiter or either end of the path. */
export function asPathRegex(m: AsPathEntry["match"]): string {
  switch (m.kind) {
    case "regex":
      return m.regex;
    case "origin":
      return `_${m.asn}$`;
    case "first":
      return `^${m.asn}_`;
    case "contains":
      return `_${m.asn}_`;
  }
}

function matchLines(policy: PolicyModel, e: RouteMapEntry): string[] {
  const out: string[] = [];
  const { prefixList, asPath, community } = e.match;
  if (prefixList !== undefined) {
    const v6 = policy.prefixLists[prefixList]?.family === 6;
    out.push(` match ${v6 ? "ipv6" : "ip"} address prefix-list ${prefixList}`);
  }
  if (asPath !== undefined) out.push(` match as-path ${asPath}`);
  if (community !== undefined) {
    const large = policy.communityLists[community]?.kind === "large";
    out.push(` match ${large ? "large-community" : "community"} ${community}`);
  }
  return out;
}

function setLines(e: RouteMapEntry): string[] {
  const s = e.set;
  const out: string[] = [];
  if (s.localPreference !== undefined) out.push(` set local-preference ${s.localPreference}`);
  if (s.med !== undefined) out.push(` set metric ${s.med}`);
  if (s.community) {
    const add = s.community.mode === "add" ? " additive" : "";
    const std = s.community.values.filter((c) => c.split(":").length === 2);
    const large = s.community.values.filter((c) => c.split(":").length === 3);
    if (std.length) out.push(` set community ${std.join(" ")}${add}`);
    if (large.length) out.push(` set large-community ${large.join(" ")}${add}`);
    // Replacing with no community at all: remove them (`set community none`).
    if (!std.length && !large.length) out.push(" set community none");
  }
  if (s.asPathPrepend?.length) out.push(` set as-path prepend ${s.asPathPrepend.join(" ")}`);
  if (s.weight !== undefined) out.push(` set weight ${s.weight}`);
  return out;
}

export function renderPolicy(_node: NodeModel, policy: PolicyModel): string[] {
  const out: string[] = [];
  for (const [name, pl] of Object.entries(policy.prefixLists)) {
    const kw = pl.family === 6 ? "ipv6" : "ip";
    for (const e of pl.entries) {
      const range = `${e.ge !== undefined ? ` ge ${e.ge}` : ""}${e.le !== undefined ? ` le ${e.le}` : ""}`;
      out.push(`${kw} prefix-list ${name} seq ${e.seq} ${e.action} ${e.prefix}${range}`);
    }
  }
  for (const [name, al] of Object.entries(policy.asPathLists)) {
    for (const e of al.entries)
      out.push(`bgp as-path access-list ${name} seq ${e.seq} ${e.action} ${asPathRegex(e.match)}`);
  }
  for (const [name, cl] of Object.entries(policy.communityLists)) {
    const kw = cl.kind === "large" ? "bgp large-community-list" : "bgp community-list";
    for (const e of cl.entries) out.push(`${kw} standard ${name} seq ${e.seq} ${e.action} ${e.community}`);
  }
  if (out.length) out.push("!");
  for (const [name, rm] of Object.entries(policy.routeMaps)) {
    for (const e of rm.entries) {
      out.push(`route-map ${name} ${e.action} ${e.seq}`, ...matchLines(policy, e));
      if (e.action === "permit") out.push(...setLines(e));
    }
    out.push("!");
  }
  return out;
}
