// Routing policy as the model holds it: the prefix, AS-path and community lists and route
// maps a router uses (its own, and those of defaults.policy it references), entries sorted by
// sequence number. FRR renders them as prefix-list / as-path access-list / community-list /
// route-map, BIRD as functions called from its filters.

export type PolicyAction = "permit" | "deny";

/** Where a definition was written: the router's `policy:` or `defaults.policy`. */
export type PolicyScope = "node" | "defaults";

export interface PrefixListEntry {
  seq: number;
  action: PolicyAction;
  /** Canonical prefix text. */
  prefix: string;
  ge?: number;
  le?: number;
}

export interface PrefixListModel {
  family: 4 | 6;
  entries: PrefixListEntry[];
}

export interface AsPathEntry {
  seq: number;
  action: PolicyAction;
  /** What the entry matches: a structured test (both stacks) or an FRR regex. */
  match: { kind: "origin" | "first" | "contains"; asn: number } | { kind: "regex"; regex: string };
  /** Index of the entry as written (for errors of stacks that cannot render it). */
  index: number;
}

export interface AsPathListModel {
  scope: PolicyScope;
  entries: AsPathEntry[];
}

export interface CommunityListEntry {
  seq: number;
  action: PolicyAction;
  /** Canonical community text (65001:100, or 65001:1:2 for a large one). */
  community: string;
}

export interface CommunityListModel {
  kind: "standard" | "large";
  entries: CommunityListEntry[];
}

export interface RouteMapSet {
  localPreference?: number;
  med?: number;
  /** Communities added to (or replacing, per kind) the route's. */
  community?: { mode: "add" | "replace"; values: string[] };
  /** AS numbers put in front of the path, leftmost first. */
  asPathPrepend?: number[];
  weight?: number;
}

export interface RouteMapEntry {
  seq: number;
  action: PolicyAction;
  match: { prefixList?: string; asPath?: string; community?: string };
  set: RouteMapSet;
  /** Index of the entry as written (for errors of stacks that cannot render a field). */
  index: number;
}

export interface RouteMapModel {
  scope: PolicyScope;
  entries: RouteMapEntry[];
}

export interface PolicyModel {
  prefixLists: Record<string, PrefixListModel>;
  asPathLists: Record<string, AsPathListModel>;
  communityLists: Record<string, CommunityListModel>;
  routeMaps: Record<string, RouteMapModel>;
}

declare module "../../core/model.js" {
  interface IntentModels {
    policy?: PolicyModel;
  }
}
