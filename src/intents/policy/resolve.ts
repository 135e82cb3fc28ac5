// The policy intent of a router → PolicyModel: its own `policy:` definitions, over those of
// `defaults.policy` it uses (referenced by its BGP neighbors, its redistribution or its own
// route maps, transitively). Every name, prefix, community and sequence number is checked
// here, each error at its place in the file: a list of one family or kind, ge/le as FRR
// takes them, a referenced name that is defined, a route map's match of the right kind.
import { parsePrefix } from "../../topology/address.js";
import { q } from "../../topology/errors.js";
import { didYouMean } from "../../topology/issues.js";
import type { NodeDraft, ResolveContext } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import type {
  AsPathEntry,
  AsPathListModel,
  CommunityListModel,
  PolicyAction,
  PolicyModel,
  PolicyScope,
  PrefixListModel,
  RouteMapEntry,
  RouteMapModel,
} from "./model.js";
import type { PolicyInput } from "./schema.js";

type Kind = "prefix-lists" | "as-path-lists" | "community-lists" | "route-maps";
const WHAT: Record<Kind, string> = {
  "prefix-lists": "prefix list",
  "as-path-lists": "AS-path list",
  "community-lists": "community list",
  "route-maps": "route map",
};

/** A definition's input and where it was written. */
interface Def<T> {
  value: T;
  path: Path;
  scope: PolicyScope;
}

/** One kind of definitions visible on a node: its own over the lab's. */
function visible<K extends Kind>(
  own: PolicyInput | undefined,
  lab: PolicyInput | undefined,
  nodePath: Path,
  kind: K,
): Map<string, Def<NonNullable<PolicyInput[K]>[string]>> {
  const out = new Map<string, Def<NonNullable<PolicyInput[K]>[string]>>();
  for (const [n, v] of Object.entries(lab?.[kind] ?? {})) {
    out.set(n, {
      value: v as NonNullable<PolicyInput[K]>[string],
      path: ["defaults", "policy", kind, n],
      scope: "defaults",
    });
  }
  for (const [n, v] of Object.entries(own?.[kind] ?? {})) {
    out.set(n, {
      value: v as NonNullable<PolicyInput[K]>[string],
      path: [...nodePath, "policy", kind, n],
      scope: "node",
    });
  }
  return out;
}

/** Sequence numbers: as written, else 10, 20, … by position; unique within the list. */
function sequence(ctx: ResolveContext, entries: readonly unknown[], at: Path, label: string): number[] {
  const seqs: number[] = [];
  entries.forEach((e, k) => {
    const given = typeof e === "object" && e !== null ? (e as { seq?: number }).seq : undefined;
    const s = given ?? (k + 1) * 10;
    if (seqs.includes(s)) {
      ctx.fail(given === undefined ? [...at, k] : [...at, k, "seq"], `${label}: sequence number ${s} is used twice`);
    }
    seqs.push(s);
  });
  return seqs;
}

const bySeq = <T extends { seq: number }>(a: T, b: T) => a.seq - b.seq;

/** A community as written → its canonical text and kind, or a reason. */
export function parseCommunity(text: string): { text: string; kind: "standard" | "large" } | string {
  const parts = text.trim().split(":");
  if (!parts.every((p) => /^(0|[1-9][0-9]{0,9})$/.test(p))) {
    return "expected ASN:VALUE (standard) or ASN:X:Y (large), decimal numbers";
  }
  const nums = parts.map(Number);
  if (nums.length === 2) {
    if (nums.some((n) => n > 65535)) return "a standard community's two parts are 0-65535 each";
    return { text: nums.join(":"), kind: "standard" };
  }
  if (nums.length === 3) {
    if (nums.some((n) => n > 4294967295)) return "a large community's three parts are 0-4294967295 each";
    return { text: nums.join(":"), kind: "large" };
  }
  return "expected ASN:VALUE (standard) or ASN:X:Y (large)";
}

function prefixList(
  ctx: ResolveContext,
  name: string,
  def: Def<NonNullable<PolicyInput["prefix-lists"]>[string]>,
): PrefixListModel {
  const label = `prefix list ${q(name)}`;
  const seqs = sequence(ctx, def.value, def.path, label);
  let family: 4 | 6 | undefined;
  const entries = def.value.map((e, k) => {
    const o = typeof e === "string" ? { prefix: e } : e;
    const at: Path = typeof e === "string" ? [...def.path, k] : [...def.path, k, "prefix"];
    const c = parsePrefix(o.prefix);
    if (typeof c === "string") ctx.fail(at, `${label}: invalid prefix ${q(o.prefix)}: ${c}`);
    if (family !== undefined && c.family !== family) {
      ctx.fail(at, `${label} mixes IPv${family} and IPv${c.family} prefixes; use one list per family`);
    }
    family = c.family;
    const max = c.family === 4 ? 32 : 128;
    const obj: { action?: PolicyAction; ge?: number; le?: number } = typeof e === "string" ? {} : e;
    // FRR's rule: len < ge <= le <= max.
    if (obj.ge !== undefined && (obj.ge <= c.len || obj.ge > max)) {
      ctx.fail([...def.path, k, "ge"], `${label}: ge ${obj.ge} must be greater than ${c.len} and at most ${max}`);
    }
    if (obj.le !== undefined && (obj.le < c.len || obj.le > max || (obj.ge !== undefined && obj.le < obj.ge))) {
      ctx.fail(
        [...def.path, k, "le"],
        `${label}: le ${obj.le} must be from ${Math.max(c.len, obj.ge ?? 0)} to ${max} (len <= ge <= le)`,
      );
    }
    const entry: PrefixListModel["entries"][number] = {
      seq: seqs[k] as number,
      action: obj.action ?? "permit",
      prefix: c.text,
    };
    if (obj.ge !== undefined) entry.ge = obj.ge;
    if (obj.le !== undefined) entry.le = obj.le;
    return entry;
  });
  return { family: family ?? 4, entries: entries.sort(bySeq) };
}

function asPathList(
  ctx: ResolveContext,
  name: string,
  def: Def<NonNullable<PolicyInput["as-path-lists"]>[string]>,
): AsPathListModel {
  const label = `AS-path list ${q(name)}`;
  const seqs = sequence(ctx, def.value, def.path, label);
  const entries = def.value.map((e, k): AsPathEntry => {
    const keys = (["origin", "first", "contains", "regex"] as const).filter((x) => e[x] !== undefined);
    if (keys.length !== 1) {
      ctx.fail(
        [...def.path, k],
        `${label}: each entry needs exactly one of origin, first, contains, regex (this one has ${keys.length ? keys.join(", ") : "none"})`,
      );
    }
    const key = keys[0] as (typeof keys)[number];
    const action: PolicyAction = e.action ?? "permit";
    if (key === "regex") {
      const re = e.regex as string;
      // One word of FRR's config line, FRR's regex alphabet (digits, `_`, anchors, classes).
      if (!/^[0-9_^$.*+?()[\]|{},\\ -]+$/.test(re) || /^\s|\s$/.test(re)) {
        ctx.fail([...def.path, k, "regex"], `${label}: ${q(re)} is not an AS-path regular expression (e.g. _65002$)`);
      }
      return { seq: seqs[k] as number, action, match: { kind: "regex", regex: re }, index: k };
    }
    return { seq: seqs[k] as number, action, match: { kind: key, asn: e[key] as number }, index: k };
  });
  return { scope: def.scope, entries: entries.sort(bySeq) };
}

function communityList(
  ctx: ResolveContext,
  name: string,
  def: Def<NonNullable<PolicyInput["community-lists"]>[string]>,
): CommunityListModel {
  const label = `community list ${q(name)}`;
  const seqs = sequence(ctx, def.value, def.path, label);
  let kind: "standard" | "large" | undefined;
  const entries = def.value.map((e, k) => {
    const o = typeof e === "string" ? { community: e } : e;
    const at: Path = typeof e === "string" ? [...def.path, k] : [...def.path, k, "community"];
    const c = parseCommunity(o.community);
    if (typeof c === "string") ctx.fail(at, `${label}: invalid community ${q(o.community)}: ${c}`);
    if (kind !== undefined && c.kind !== kind) {
      ctx.fail(at, `${label} mixes standard and large communities; use one list per kind`);
    }
    kind = c.kind;
    return {
      seq: seqs[k] as number,
      action: (typeof e === "string" ? undefined : e.action) ?? "permit",
      community: c.text,
    };
  });
  return { kind: kind ?? "standard", entries: entries.sort(bySeq) };
}

/** What a node's resolution collects: the definitions it uses, resolved once each. */
interface Collect {
  ctx: ResolveContext;
  node: NodeDraft;
  prefix: Map<string, Def<NonNullable<PolicyInput["prefix-lists"]>[string]>>;
  aspath: Map<string, Def<NonNullable<PolicyInput["as-path-lists"]>[string]>>;
  community: Map<string, Def<NonNullable<PolicyInput["community-lists"]>[string]>>;
  maps: Map<string, Def<NonNullable<PolicyInput["route-maps"]>[string]>>;
  out: PolicyModel;
}

function undefinedName(c: Collect, kind: Kind, name: string, at: Path, known: Iterable<string>): never {
  const where = c.node.path.length
    ? `for node ${q(c.node.name)} (in its policy or defaults.policy)`
    : "in defaults.policy";
  return c.ctx.fail(at, `${WHAT[kind]} ${q(name)} is not defined ${where}${didYouMean(name, [...known])}`);
}

function usePrefixList(c: Collect, name: string, at: Path): PrefixListModel {
  const def = c.prefix.get(name) ?? undefinedName(c, "prefix-lists", name, at, c.prefix.keys());
  c.out.prefixLists[name] ??= prefixList(c.ctx, name, def);
  return c.out.prefixLists[name];
}

function useAsPathList(c: Collect, name: string, at: Path): void {
  const def = c.aspath.get(name) ?? undefinedName(c, "as-path-lists", name, at, c.aspath.keys());
  c.out.asPathLists[name] ??= asPathList(c.ctx, name, def);
}

function useCommunityList(c: Collect, name: string, at: Path): void {
  const def = c.community.get(name) ?? undefinedName(c, "community-lists", name, at, c.community.keys());
  c.out.communityLists[name] ??= communityList(c.ctx, name, def);
}

function communities(c: Collect, values: string[], at: Path, label: string): string[] {
  return values.map((v, k) => {
    const r = parseCommunity(v);
    if (typeof r === "string") c.ctx.fail([...at, k], `${label}: invalid community ${q(v)}: ${r}`);
    return r.text;
  });
}

function useRouteMap(c: Collect, name: string, at: Path): void {
  if (c.out.routeMaps[name]) return;
  const def = c.maps.get(name) ?? undefinedName(c, "route-maps", name, at, c.maps.keys());
  const label = `route map ${q(name)}`;
  const seqs = sequence(c.ctx, def.value, def.path, label);
  const entries = def.value.map((e, k): RouteMapEntry => {
    const epath: Path = [...def.path, k];
    const match: RouteMapEntry["match"] = {};
    const m = e.match ?? {};
    if (m["prefix-list"] !== undefined) {
      usePrefixList(c, m["prefix-list"], [...epath, "match", "prefix-list"]);
      match.prefixList = m["prefix-list"];
    }
    if (m["as-path"] !== undefined) {
      useAsPathList(c, m["as-path"], [...epath, "match", "as-path"]);
      match.asPath = m["as-path"];
    }
    if (m.community !== undefined) {
      useCommunityList(c, m.community, [...epath, "match", "community"]);
      match.community = m.community;
    }
    const s = e.set ?? {};
    const action: PolicyAction = e.action ?? "permit";
    if (action === "deny" && Object.keys(s).length) {
      c.ctx.fail([...epath, "set"], `${label}: entry ${seqs[k]} denies, so it has nothing to set`, "key");
    }
    const set: RouteMapEntry["set"] = {};
    if (s["local-preference"] !== undefined) set.localPreference = s["local-preference"];
    if (s.med !== undefined) set.med = s.med;
    if (s.community) {
      const { add, replace } = s.community;
      if ((add === undefined) === (replace === undefined)) {
        c.ctx.fail([...epath, "set", "community"], `${label}: set.community takes either add or replace`, "key");
      }
      const mode = add !== undefined ? "add" : "replace";
      const values = communities(c, (add ?? replace) as string[], [...epath, "set", "community", mode], label);
      if (mode === "add" && !values.length) {
        c.ctx.fail([...epath, "set", "community", "add"], `${label}: set.community.add needs a community`);
      }
      set.community = { mode, values };
    }
    const pre = s["as-path-prepend"];
    if (pre !== undefined) set.asPathPrepend = typeof pre === "number" ? [pre] : [...pre];
    if (s.weight !== undefined) set.weight = s.weight;
    return { seq: seqs[k] as number, action, match, set, index: k };
  });
  const model: RouteMapModel = { scope: def.scope, entries: entries.sort(bySeq) };
  c.out.routeMaps[name] = model;
}

/** The node's policy: what it defines itself and what of the lab's it uses; undefined when none. */
export function resolvePolicy(ctx: ResolveContext, node: NodeDraft): PolicyModel | undefined {
  const own = node.input.policy;
  const lab = ctx.input.defaults?.policy;
  if (own !== undefined && node.input.bgp === undefined) {
    // Route maps are applied by BGP here; FRR would also drop the BGP lists without bgpd.
    ctx.fail(
      [...node.path, "policy"],
      `node ${q(node.name)} has policy settings but no bgp settings: policies apply to BGP neighbors and redistribution`,
      "key",
    );
  }
  const c: Collect = {
    ctx,
    node,
    prefix: visible(own, lab, node.path, "prefix-lists"),
    aspath: visible(own, lab, node.path, "as-path-lists"),
    community: visible(own, lab, node.path, "community-lists"),
    maps: visible(own, lab, node.path, "route-maps"),
    out: { prefixLists: {}, asPathLists: {}, communityLists: {}, routeMaps: {} },
  };
  // The lab's definitions are checked once, wherever used; a node's own, always.
  for (const n of Object.keys(own?.["prefix-lists"] ?? {})) usePrefixList(c, n, []);
  for (const n of Object.keys(own?.["as-path-lists"] ?? {})) useAsPathList(c, n, []);
  for (const n of Object.keys(own?.["community-lists"] ?? {})) useCommunityList(c, n, []);
  for (const n of Object.keys(own?.["route-maps"] ?? {})) useRouteMap(c, n, []);
  const bgp = node.input.bgp;
  const bpath: Path = [...node.path, "bgp"];
  (bgp?.neighbors ?? []).forEach((nb, k) => {
    if (typeof nb === "string") return;
    const rm = nb["route-map"];
    for (const dir of ["in", "out"] as const) {
      const name = rm?.[dir];
      if (name !== undefined) useRouteMap(c, name, [...bpath, "neighbors", k, "route-map", dir]);
    }
  });
  (bgp?.redistribute ?? []).forEach((r, k) => {
    if (typeof r !== "string") useRouteMap(c, r["route-map"], [...bpath, "redistribute", k, "route-map"]);
  });
  const o = c.out;
  const empty = [o.prefixLists, o.asPathLists, o.communityLists, o.routeMaps].every((x) => !Object.keys(x).length);
  return empty ? undefined : o;
}

/** Checks the lab's definitions even where no router uses them (a typo there is still a typo). */
export function checkLabPolicy(ctx: ResolveContext): void {
  const lab = ctx.input.defaults?.policy;
  if (!lab) return;
  const probe: NodeDraft = {
    name: "(defaults)",
    path: [],
    input: {},
  } as unknown as NodeDraft;
  const c: Collect = {
    ctx,
    node: probe,
    prefix: visible(undefined, lab, [], "prefix-lists"),
    aspath: visible(undefined, lab, [], "as-path-lists"),
    community: visible(undefined, lab, [], "community-lists"),
    maps: visible(undefined, lab, [], "route-maps"),
    out: { prefixLists: {}, asPathLists: {}, communityLists: {}, routeMaps: {} },
  };
  for (const n of Object.keys(lab["prefix-lists"] ?? {})) usePrefixList(c, n, []);
  for (const n of Object.keys(lab["as-path-lists"] ?? {})) useAsPathList(c, n, []);
  for (const n of Object.keys(lab["community-lists"] ?? {})) useCommunityList(c, n, []);
  for (const n of Object.keys(lab["route-maps"] ?? {})) useRouteMap(c, n, []);
}
