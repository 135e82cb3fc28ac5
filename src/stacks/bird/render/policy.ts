// The `policy` intent in BIRD: each list and route map a function, called from the filters of
// BGP channels and of the announce pipe (render/bgp.ts). FRR's semantics, written out:
// entries in sequence order, the first that matches decides (permit: true, deny: false), no
// match denies. A route map's function applies its entry's `set` before it returns true, so
// a filter is `if wl_rm_X() then accept; reject;`.
// - prefix lists: `net ~ [ p{ge,le} ]`, guarded by the net's family;
// - AS-path lists: BIRD's path masks (origin `[= * N =]`, first `[= N * =]`, contains
//   `[= * N * =]`); FRR regexes have no BIRD equivalent (refused by options.ts);
// - community lists: `(a,b) ~ bgp_community`, `(a,b,c) ~ bgp_large_community`;
// - set: bgp_local_pref, bgp_med, communities added (or the kind's list emptied first),
//   bgp_path.prepend (rightmost first, so the path reads as written); weight has no BIRD
//   equivalent (refused by options.ts).
import type { NodeModel } from "../../../core/model.js";
import type { AsPathEntry, PolicyModel, RouteMapEntry } from "../../../intents/policy/model.js";
import { BirdRenderError, birdSymbol } from "./common.js";

type Kind = "pl" | "ap" | "cl" | "rm";

/** The BIRD symbol of a policy object (`wl_rm_FROM-R2` is written quoted). */
export function policyName(kind: Kind, name: string): string {
  return birdSymbol(`wl_${kind}_${name}`);
}

/** A filter that lets through what route map `name` permits (with its sets applied). */
export function policyFilter(name: string): string {
  return `{ if ${policyName("rm", name)}() then accept; reject; }`;
}

const verdict = (action: string) => (action === "permit" ? "true" : "false");

function asPathTest(m: AsPathEntry["match"]): string {
  switch (m.kind) {
    case "origin":
      return `bgp_path ~ [= * ${m.asn} =]`;
    case "first":
      return `bgp_path ~ [= ${m.asn} * =]`;
    case "contains":
      return `bgp_path ~ [= * ${m.asn} * =]`;
    case "regex":
      throw new BirdRenderError(
        `AS-path regex ${m.regex}: BIRD has path masks, not regexes; use origin, first or contains`,
      );
  }
}

const pair = (c: string) => `(${c.split(":").join(",")})`;
const isLarge = (c: string) => c.split(":").length === 3;

function setLines(e: RouteMapEntry): string[] {
  const s = e.set;
  if (s.weight !== undefined)
    throw new BirdRenderError("set weight: BIRD has no weight (it is FRR's local preference before local-preference)");
  const out: string[] = [];
  if (s.localPreference !== undefined) out.push(`bgp_local_pref = ${s.localPreference};`);
  if (s.med !== undefined) out.push(`bgp_med = ${s.med};`);
  if (s.community) {
    const std = s.community.values.filter((c) => !isLarge(c));
    const large = s.community.values.filter(isLarge);
    if (s.community.mode === "replace") {
      // As FRR's `set community` / `set large-community`: the kind given is replaced.
      if (std.length || !large.length) out.push("bgp_community = -empty-;");
      if (large.length) out.push("bgp_large_community = -empty-;");
    }
    for (const c of std) out.push(`bgp_community.add(${pair(c)});`);
    for (const c of large) out.push(`bgp_large_community.add(${pair(c)});`);
  }
  for (const asn of [...(s.asPathPrepend ?? [])].reverse()) out.push(`bgp_path.prepend(${asn});`);
  return out;
}

function routeMapTest(e: RouteMapEntry): string | undefined {
  const t: string[] = [];
  if (e.match.prefixList !== undefined) t.push(`${policyName("pl", e.match.prefixList)}()`);
  if (e.match.asPath !== undefined) t.push(`${policyName("ap", e.match.asPath)}()`);
  if (e.match.community !== undefined) t.push(`${policyName("cl", e.match.community)}()`);
  return t.length ? t.join(" && ") : undefined;
}

export function renderPolicy(_node: NodeModel, policy: PolicyModel): string[] {
  const out: string[] = [];
  const fn = (kind: Kind, name: string, body: string[]) =>
    out.push(`function ${policyName(kind, name)}() {`, ...body.map((l) => `  ${l}`), "  return false;", "}");
  for (const [name, pl] of Object.entries(policy.prefixLists)) {
    const max = pl.family === 6 ? 128 : 32;
    fn("pl", name, [
      `if net.type != NET_IP${pl.family} then return false;`,
      ...pl.entries.map((e) => {
        const len = Number(e.prefix.split("/")[1]);
        const range = e.ge === undefined && e.le === undefined ? "" : `{${e.ge ?? len},${e.le ?? max}}`;
        return `if net ~ [ ${e.prefix}${range} ] then return ${verdict(e.action)};`;
      }),
    ]);
  }
  for (const [name, al] of Object.entries(policy.asPathLists)) {
    fn(
      "ap",
      name,
      al.entries.map((e) => `if ${asPathTest(e.match)} then return ${verdict(e.action)};`),
    );
  }
  for (const [name, cl] of Object.entries(policy.communityLists)) {
    const attr = cl.kind === "large" ? "bgp_large_community" : "bgp_community";
    fn(
      "cl",
      name,
      cl.entries.map((e) => `if ${pair(e.community)} ~ ${attr} then return ${verdict(e.action)};`),
    );
  }
  for (const [name, rm] of Object.entries(policy.routeMaps)) {
    fn(
      "rm",
      name,
      rm.entries.flatMap((e) => {
        const test = routeMapTest(e);
        const body = e.action === "permit" ? [...setLines(e), "return true;"] : ["return false;"];
        if (test === undefined) return [`# seq ${e.seq}`, ...body];
        return [`# seq ${e.seq}`, `if ${test} then {`, ...body.map((l) => `  ${l}`), "}"];
      }),
    );
  }
  return out;
}
