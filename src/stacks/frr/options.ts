// FRR's per-node options (`frr:` in the topology, merged with `defaults.frr`), as the model
// holds them in node.stack.options, and the one place that decides which FRR daemons a node
// needs: the loader (resolveFrrOptions) and the renderer (neededDaemons) both ask here.
import type { IntentModels, NodeModel } from "../../core/model.js";
import { q } from "../../topology/errors.js";
import type { StackArgs, StackLoader } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import { FRR_DAEMONS, frrNodeSchema } from "./schema.js";

// A type alias, not an interface: it then fits StackModel.options (Record<string, unknown>).
export type FrrOptionsModel = {
  profile: "datacenter" | "traditional";
  ebgpRequiresPolicy: boolean;
  /** Daemons to start, zebra first. */
  daemons: string[];
  /** false: no lab timers in the rendered BGP config (frr.lab-timers); absent means on. */
  labTimers?: boolean;
};

/** The node's FRR options, when it runs FRR. */
export function frrOptions(node: NodeModel): FrrOptionsModel | undefined {
  return node.stack?.name === "frr" ? (node.stack.options as FrrOptionsModel) : undefined;
}

/** A `router bgp` section in raw config text (any indentation). */
const ROUTER_BGP = /^[ \t]*router bgp\b/m;

/**
 * Raw config lines and every daemon each needs. One line may need two: `ip ospf bfd` is
 * ospfd's command and makes ospfd ask bfdd for a session, so without bfdd the line is
 * accepted and nothing watches the adjacency. Lines are matched trimmed, comments skipped.
 */
export const LINE_DAEMONS: readonly { pattern: RegExp; daemons: readonly string[] }[] = [
  { pattern: /^ipv?6?\s+route\s/, daemons: ["staticd"] },
  { pattern: /^router\s+bgp(\s|$)/, daemons: ["bgpd"] },
  { pattern: /^neighbor\s+\S+\s+(interface\s+)?bfd(\s|$)/, daemons: ["bfdd"] },
  { pattern: /^router\s+ospf6(\s|$)/, daemons: ["ospf6d"] },
  { pattern: /^ipv6\s+ospf6\s+bfd(\s|$)/, daemons: ["ospf6d", "bfdd"] },
  { pattern: /^ipv6\s+ospf6\s/, daemons: ["ospf6d"] },
  { pattern: /^router\s+ospf(\s|$)/, daemons: ["ospfd"] },
  { pattern: /^ip\s+ospf\s+bfd(\s|$)/, daemons: ["ospfd", "bfdd"] },
  { pattern: /^ip\s+ospf\s/, daemons: ["ospfd"] },
  { pattern: /^router\s+rip(\s|$)/, daemons: ["ripd"] },
  { pattern: /^router\s+isis\s/, daemons: ["isisd"] },
  { pattern: /^ipv?6?\s+router\s+isis\s/, daemons: ["isisd"] },
  { pattern: /^isis\s+bfd(\s|$)/, daemons: ["isisd", "bfdd"] },
  { pattern: /^bfd(\s|$)/, daemons: ["bfdd"] },
];

/** The daemons raw config text needs, line by line (LINE_DAEMONS). */
function rawConfigDaemons(text: string | undefined): Set<string> {
  const need = new Set<string>();
  for (const line of (text ?? "").replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*[!#]/.test(line)) continue;
    const l = line.trim();
    // First match wins: the table lists a daemon's more specific lines first.
    const rule = LINE_DAEMONS.find((r) => r.pattern.test(l));
    for (const d of rule?.daemons ?? []) need.add(d);
  }
  return need;
}

/**
 * The daemons the node's intents need beyond zebra: staticd for routes (and BGP's discard
 * routes), bgpd for BGP (bfdd for BFD on a session), ospfd and ospf6d for OSPF where it runs
 * IPv4 / IPv6, isisd for IS-IS.
 */
function intentDaemons(intents: IntentModels): Set<string> {
  const need = new Set<string>();
  if ((intents.static ?? []).length) need.add("staticd");
  if (intents.bgp) {
    need.add("bgpd");
    if (intents.bgp.originate?.length) need.add("staticd");
    if (intents.bgp.neighbors.some((n) => n.bfd)) need.add("bfdd");
  }
  const ospf = intents.ospf?.interfaces ?? [];
  if (ospf.some((i) => i.families.includes(4))) need.add("ospfd");
  if (ospf.some((i) => i.families.includes(6))) need.add("ospf6d");
  if (intents.isis) need.add("isisd");
  return need;
}

/**
 * The daemons a node starts when frr.daemons does not list them: zebra and staticd always,
 * and every daemon its intents and its raw config need.
 */
function defaultDaemons(intents: IntentModels, config: string): string[] {
  const wanted = new Set<string>(["zebra", "staticd", ...intentDaemons(intents), ...rawConfigDaemons(config)]);
  return FRR_DAEMONS.filter((x) => wanted.has(x));
}

/**
 * The daemons the rendered config needs, zebra first: from the intents and, line by line, from
 * the raw config text (interface-level commands such as `ip ospf` count too). The renderer
 * warns when one of these is not started (vtysh drops a missing daemon's lines silently).
 */
export function neededDaemons(intents: IntentModels, rawConfigText: string | undefined): string[] {
  const need = new Set<string>(["zebra", ...intentDaemons(intents), ...rawConfigDaemons(rawConfigText)]);
  return FRR_DAEMONS.filter((d) => need.has(d));
}

/**
 * A node's FRR options: its own `frr:` over `defaults.frr` over wirelab's defaults. An explicit
 * daemons list is taken as written (zebra first, once each) but must include the daemons the
 * node's intents need; otherwise the daemons follow from the intents and the raw config.
 */
export function resolveFrrOptions(args: StackArgs): FrrOptionsModel {
  const d = args.defaults?.frr ?? {};
  const o = args.node.frr ?? {};
  const { intents } = args;
  let daemons: string[];
  const explicit = o.daemons ?? d.daemons;
  if (explicit) {
    const dpath: Path = o.daemons ? [...args.path, "frr", "daemons"] : ["defaults", "frr", "daemons"];
    daemons = ["zebra", ...explicit.filter((x) => x !== "zebra")].filter((x, i, all) => all.indexOf(x) === i);
    if (intents.bgp && !daemons.includes("bgpd")) {
      args.fail(dpath, `node ${q(args.name)} has bgp settings, but its frr.daemons list does not include bgpd`);
    }
    if ((intents.static?.length ?? 0) > 0 && !daemons.includes("staticd")) {
      args.fail(dpath, `node ${q(args.name)} has static routes, but its frr.daemons list does not include staticd`);
    }
    for (const [intent, daemon] of [
      ["ospf", "ospfd"],
      ["ospf", "ospf6d"],
      ["isis", "isisd"],
    ] as const) {
      if (intentDaemons(intents).has(daemon) && !daemons.includes(daemon)) {
        args.fail(
          dpath,
          `node ${q(args.name)} has ${intent} settings, but its frr.daemons list does not include ${daemon}`,
        );
      }
    }
    if (intents.bgp?.originate?.length && !daemons.includes("staticd")) {
      args.fail(
        dpath,
        `node ${q(args.name)} originates BGP prefixes (discard routes), but its frr.daemons list does not include staticd`,
      );
    }
    if (intents.bgp?.neighbors.some((n) => n.bfd) && !daemons.includes("bfdd")) {
      args.fail(
        dpath,
        `node ${q(args.name)} has BFD on a BGP neighbor, but its frr.daemons list does not include bfdd`,
      );
    }
  } else {
    // A per-daemon map is joined text by now (topology/resolve/config.ts).
    daemons = defaultDaemons(intents, typeof args.node.config === "string" ? args.node.config : "");
  }
  const options: FrrOptionsModel = {
    profile: o.profile ?? d.profile ?? "datacenter",
    ebgpRequiresPolicy: o["ebgp-requires-policy"] ?? d["ebgp-requires-policy"] ?? false,
    daemons,
  };
  if ((o["lab-timers"] ?? d["lab-timers"]) === false) options.labTimers = false;
  return options;
}

/** What the topology loader needs from FRR (listed once, in src/topology/resolve/nodes.ts). */
export const frrLoader: StackLoader = {
  keys: Object.keys(frrNodeSchema),
  // Each intent renders its own `router …` block; a second one in the raw text would fight it.
  sections: {
    bgp: { label: "router bgp", pattern: ROUTER_BGP },
    ospf: { label: "router ospf", pattern: /^[ \t]*router ospf6?\b/m },
    isis: { label: "router isis", pattern: /^[ \t]*router isis\b/m },
  },
  options: resolveFrrOptions,
};
