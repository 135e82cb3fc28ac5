// BIRD's per-node options (`bird:` in the topology, merged with `defaults.bird`), as the model
// holds them in node.stack.options, and BIRD's part in loading a topology: which keys are
// its own, which raw-config section stands for an intent, and which intent settings BIRD
// cannot render (refused here, at their place in the file, before anything is built).
// Loaded by the topology loader: no run-time code may be imported here.
import { isIP } from "node:net";
import type { IntentModels, NodeModel } from "../../core/model.js";
import { q } from "../../topology/errors.js";
import type { StackArgs, StackLoader } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import { birdNodeSchema } from "./schema.js";

// A type alias, not an interface: it then fits StackModel.options (Record<string, unknown>).
export type BirdOptionsModel = {
  /** Protocols the node runs that deploy waits for (bgp, ospf: from the intent or a raw `protocol …`). */
  protocols: string[];
  /** false: BIRD's own BGP timers in the rendered config (bird.lab-timers); absent means on. */
  labTimers?: boolean;
};

/** The node's BIRD options, when it runs BIRD. */
export function birdOptions(node: NodeModel): BirdOptionsModel | undefined {
  return node.stack?.name === "bird" ? (node.stack.options as BirdOptionsModel) : undefined;
}

/** A `protocol bgp` section in raw bird.conf text (`#` comments start a line, so never match). */
export const PROTOCOL_BGP = /^[ \t]*protocol[ \t]+bgp\b/m;
/** A `protocol ospf` section in raw bird.conf text. */
export const PROTOCOL_OSPF = /^[ \t]*protocol[ \t]+ospf\b/m;

/**
 * The `bgp:` settings BIRD renders (render/bgp.ts). A setting the intent gains later is
 * refused on bird nodes until render/bgp.ts learns it, rather than silently dropped.
 */
const BGP_KEYS = new Set([
  "asn",
  "router-id",
  "networks",
  "advertise-loopbacks",
  "originate",
  "redistribute",
  "rr",
  "cluster-id",
  "bfd",
  "neighbors",
]);
const NEIGHBOR_KEYS = new Set([
  "node",
  "address",
  "remote-as",
  "port",
  "ebgp-multihop",
  "update-source",
  "description",
  "relationship",
  "route-map",
  "route-reflector-client",
  "next-hop-self",
  "bfd",
  "local-as",
  "passive",
  "password",
  "timers",
  "default-originate",
  "allowas-in",
]);
/** Neighbor settings BIRD 2 has no equivalent of, with the reason given at the key. */
const NEIGHBOR_NEVER: Record<string, string> = {
  "as-override": "BIRD 2 has no as-override (it never rewrites a peer's AS in the path)",
  "remove-private-as": "BIRD 2 has no remove-private-as (it would take a per-peer export filter)",
  weight: "weight is FRR's own, local attribute; BIRD 2 has none (use local preference in a filter)",
};
/** Intents BIRD 2 cannot run at all. */
const INTENT_NEVER: Record<string, string> = {
  isis: "BIRD 2 has no IS-IS; run this router on FRR (stack: frr) or use ospf",
};
/** ospf: settings BIRD 2 cannot render. */
const OSPF_NEVER: Record<string, string> = {
  "reference-bandwidth":
    "BIRD 2 has no auto-cost by bandwidth (every interface costs 10 unless set); set cost on the links instead",
};
const ROUTE_KEYS = new Set(["to", "via"]);

function isLinkLocal6(address: string): boolean {
  return isIP(address) === 6 && /^fe[89ab]/i.test(address);
}

/** Why BIRD nodes cannot carry EVPN (refused at `vxlan` or `evpn`, whatever BIRD's options). */
const BIRD_NO_EVPN =
  "BIRD 2.0.12 has no EVPN (no l2vpn evpn address family, no VNI handling); run this node on FRR (stack: frr)";

function refuseUnrendered(args: StackArgs, intents: IntentModels): void {
  if (args.node.vxlan !== undefined) {
    args.fail([...args.path, "vxlan"], `node ${q(args.name)} runs BIRD: ${BIRD_NO_EVPN}`);
  }
  if (args.node.bgp?.evpn !== undefined) {
    args.fail([...args.path, "bgp", "evpn"], `node ${q(args.name)} runs BIRD: ${BIRD_NO_EVPN}`);
  }
  (args.node.bgp?.neighbors ?? []).forEach((nb, k) => {
    if (typeof nb === "object" && nb.evpn !== undefined) {
      args.fail([...args.path, "bgp", "neighbors", k, "evpn"], `node ${q(args.name)} runs BIRD: ${BIRD_NO_EVPN}`);
    }
  });
  const unknown = (obj: unknown, known: Set<string>) =>
    obj && typeof obj === "object" ? Object.keys(obj).find((k) => !known.has(k)) : undefined;
  const bgp = args.node.bgp;
  const key = unknown(bgp, BGP_KEYS);
  if (key !== undefined) {
    args.fail(
      [...args.path, "bgp", key],
      `node ${q(args.name)} runs BIRD: wirelab does not render bgp.${key} for BIRD yet`,
    );
  }
  const set: Readonly<Record<string, unknown>> = args.node;
  for (const [intent, why] of Object.entries(INTENT_NEVER)) {
    if (set[intent] !== undefined) args.fail([...args.path, intent], `node ${q(args.name)} runs BIRD: ${why}`);
  }
  const ospf: Readonly<Record<string, unknown>> = args.node.ospf ?? {};
  for (const [key, why] of Object.entries(OSPF_NEVER)) {
    if (ospf[key] !== undefined) args.fail([...args.path, "ospf", key], `node ${q(args.name)} runs BIRD: ${why}`);
  }
  (bgp?.neighbors ?? []).forEach((nb, k) => {
    const npath: Path = [...args.path, "bgp", "neighbors", k];
    const nobj: Readonly<Record<string, unknown>> = typeof nb === "object" ? nb : {};
    const never = Object.keys(NEIGHBOR_NEVER).find((key) => nobj[key] !== undefined && nobj[key] !== false);
    if (never !== undefined) {
      args.fail([...npath, never], `node ${q(args.name)} runs BIRD: ${NEIGHBOR_NEVER[never]}`);
    }
    if (nobj["send-community"] !== undefined && nobj["send-community"] !== "all") {
      args.fail(
        [...npath, "send-community"],
        `node ${q(args.name)} runs BIRD: BIRD 2 always sends every kind of community; only send-community: all can be rendered`,
      );
    }
    // BIRD's strings have no escapes: a quote or backslash would end or change the password.
    if (typeof nobj.password === "string" && /["\\]/.test(nobj.password)) {
      args.fail(
        [...npath, "password"],
        `node ${q(args.name)} runs BIRD: a BGP password for BIRD may not hold a quote (") or backslash`,
      );
    }
    const nkey = unknown(nb, new Set([...NEIGHBOR_KEYS, "send-community", ...Object.keys(NEIGHBOR_NEVER)]));
    if (nkey !== undefined) {
      args.fail(
        [...npath, nkey],
        `node ${q(args.name)} runs BIRD: wirelab does not render neighbor ${nkey} for BIRD yet`,
      );
    }
    // BIRD reaches a link-local peer only through a named interface (`interface "…"`); the
    // intent knows the interface only when the address lies on one of the node's links.
    const model = intents.bgp?.neighbors[k];
    if (model && isLinkLocal6(model.address) && model.port === undefined) {
      const at: Path = typeof nb === "object" && nb.address !== undefined ? [...npath, "address"] : npath;
      args.fail(
        at,
        `BGP neighbor ${model.address} of ${args.name} is link-local: BIRD needs the port it is reached on; add 'port'`,
      );
    }
  });
  refuseFrrOnlyPolicy(args, intents);
  (args.node.routes ?? []).forEach((r, k) => {
    const rkey = unknown(r, ROUTE_KEYS);
    if (rkey !== undefined) {
      args.fail(
        [...args.path, "routes", k, rkey],
        `node ${q(args.name)} runs BIRD: wirelab does not render route ${rkey} for BIRD yet`,
      );
    }
  });
}

/**
 * Policy fields BIRD has no equivalent of, at their place (the router's policy or
 * defaults.policy): a route map's `set.weight` (FRR's own attribute) and an AS-path regex
 * (BIRD matches paths with masks: origin, first and contains are rendered as masks).
 */
function refuseFrrOnlyPolicy(args: StackArgs, intents: IntentModels): void {
  const policy = intents.policy;
  if (!policy) return;
  const base = (scope: string): Path => (scope === "node" ? [...args.path, "policy"] : ["defaults", "policy"]);
  for (const [name, rm] of Object.entries(policy.routeMaps)) {
    const e = rm.entries.find((x) => x.set.weight !== undefined);
    if (e) {
      args.fail(
        [...base(rm.scope), "route-maps", name, e.index, "set", "weight"],
        `node ${q(args.name)} runs BIRD, which has no route weight (route map ${q(name)}); use local-preference`,
      );
    }
  }
  for (const [name, al] of Object.entries(policy.asPathLists)) {
    const e = al.entries.find((x) => x.match.kind === "regex");
    if (e) {
      args.fail(
        [...base(al.scope), "as-path-lists", name, e.index, "regex"],
        `node ${q(args.name)} runs BIRD, which matches AS paths with masks, not regexes (AS-path list ${q(name)}); use origin, first or contains`,
      );
    }
  }
}

/** A node's BIRD options: its own `bird:` over `defaults.bird` over wirelab's defaults. */
export function resolveBirdOptions(args: StackArgs): BirdOptionsModel {
  const d = args.defaults?.bird ?? {};
  const o = args.node.bird ?? {};
  refuseUnrendered(args, args.intents);
  const rawText = typeof args.node.config === "string" ? args.node.config : "";
  const runsBgp = args.intents.bgp !== undefined || PROTOCOL_BGP.test(rawText);
  const runsOspf = args.intents.ospf !== undefined || PROTOCOL_OSPF.test(rawText);
  const options: BirdOptionsModel = { protocols: [...(runsBgp ? ["bgp"] : []), ...(runsOspf ? ["ospf"] : [])] };
  if ((o["lab-timers"] ?? d["lab-timers"]) === false) options.labTimers = false;
  return options;
}

/** What the topology loader needs from BIRD (listed once, in src/topology/resolve/nodes.ts). */
export const birdLoader: StackLoader = {
  // `config` is shared with FRR: the raw text of whichever stack the node runs.
  keys: ["config", ...Object.keys(birdNodeSchema)],
  // The intent renders its own BGP protocols; a raw `protocol bgp` next to them would be a
  // second, hand-written view of the same sessions (FRR refuses the same for `router bgp`).
  sections: {
    bgp: { label: "protocol bgp", pattern: PROTOCOL_BGP },
    ospf: { label: "protocol ospf", pattern: PROTOCOL_OSPF },
  },
  options: resolveBirdOptions,
};
