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
 * The daemons the node's intents need beyond zebra: staticd for routes, bgpd for BGP, ospfd
 * and ospf6d for OSPF where it runs IPv4 / IPv6, isisd for IS-IS.
 */
function intentDaemons(intents: IntentModels): string[] {
  const out: string[] = [];
  if ((intents.static ?? []).length) out.push("staticd");
  if (intents.bgp) out.push("bgpd");
  const ospf = intents.ospf?.interfaces ?? [];
  if (ospf.some((i) => i.families.includes(4))) out.push("ospfd");
  if (ospf.some((i) => i.families.includes(6))) out.push("ospf6d");
  if (intents.isis) out.push("isisd");
  return out;
}

/**
 * The daemons a node starts when frr.daemons does not list them: zebra and staticd always,
 * those of its intents, and each daemon whose section the raw config opens.
 */
function defaultDaemons(intents: IntentModels, config: string): string[] {
  const needs = (re: RegExp) => re.test(config);
  const wanted = new Set<string>(["zebra", "staticd", ...intentDaemons(intents)]);
  if (needs(ROUTER_BGP)) wanted.add("bgpd");
  if (needs(/^[ \t]*router ospf(?![\w])/m)) wanted.add("ospfd");
  if (needs(/^[ \t]*router ospf6\b/m)) wanted.add("ospf6d");
  if (needs(/^[ \t]*router rip\b/m)) wanted.add("ripd");
  if (needs(/^[ \t]*router isis\b/m)) wanted.add("isisd");
  if (needs(/^[ \t]*bfd\b/m)) wanted.add("bfdd");
  return FRR_DAEMONS.filter((x) => wanted.has(x));
}

/**
 * The daemons the rendered config needs, zebra first: from the intents and, line by line, from
 * the raw config text (interface-level commands such as `ip ospf` count too). The renderer
 * warns when one of these is not started (vtysh drops a missing daemon's lines silently).
 */
export function neededDaemons(intents: IntentModels, rawConfigText: string | undefined): string[] {
  const need = new Set<string>(["zebra", ...intentDaemons(intents)]);
  const lines = (rawConfigText ?? "").replace(/\r\n?/g, "\n").split("\n");
  for (const line of lines) {
    if (/^\s*[!#]/.test(line)) continue;
    const l = line.trim();
    if (/^ipv?6?\s+route\s/.test(l)) need.add("staticd");
    else if (/^router\s+bgp(\s|$)/.test(l)) need.add("bgpd");
    else if (/^router\s+ospf6(\s|$)/.test(l) || /^ipv6\s+ospf6\s/.test(l)) need.add("ospf6d");
    else if (/^router\s+ospf(\s|$)/.test(l) || /^ip\s+ospf\s/.test(l)) need.add("ospfd");
    else if (/^router\s+rip(\s|$)/.test(l)) need.add("ripd");
    else if (/^router\s+isis\s/.test(l) || /^ip\s+router\s+isis\s/.test(l)) need.add("isisd");
    else if (/^bfd(\s|$)/.test(l) || /^neighbor\s+\S+\s+bfd(\s|$)/.test(l)) need.add("bfdd");
  }
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
      if (intentDaemons(intents).includes(daemon) && !daemons.includes(daemon)) {
        args.fail(
          dpath,
          `node ${q(args.name)} has ${intent} settings, but its frr.daemons list does not include ${daemon}`,
        );
      }
    }
  } else {
    daemons = defaultDaemons(intents, args.node.config ?? "");
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
