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
  /** Protocols the node runs that deploy waits for (bgp: from the intent or a raw `protocol bgp`). */
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

/**
 * The `bgp:` settings BIRD renders (render/bgp.ts). A setting the intent gains later (route
 * reflection, timers, …) is refused on bird nodes until render/bgp.ts learns it, rather than
 * silently dropped.
 */
const BGP_KEYS = new Set(["asn", "router-id", "networks", "redistribute", "neighbors"]);
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
]);
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
  (bgp?.neighbors ?? []).forEach((nb, k) => {
    const nkey = unknown(nb, NEIGHBOR_KEYS);
    const npath: Path = [...args.path, "bgp", "neighbors", k];
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
  const runsBgp =
    args.intents.bgp !== undefined || PROTOCOL_BGP.test(typeof args.node.config === "string" ? args.node.config : "");
  const options: BirdOptionsModel = { protocols: runsBgp ? ["bgp"] : [] };
  if ((o["lab-timers"] ?? d["lab-timers"]) === false) options.labTimers = false;
  return options;
}

/** What the topology loader needs from BIRD (listed once, in src/topology/resolve/nodes.ts). */
export const birdLoader: StackLoader = {
  // `config` is shared with FRR: the raw text of whichever stack the node runs.
  keys: ["config", ...Object.keys(birdNodeSchema)],
  // The intent renders its own BGP protocols; a raw `protocol bgp` next to them would be a
  // second, hand-written view of the same sessions (FRR refuses the same for `router bgp`).
  sections: { bgp: { label: "protocol bgp", pattern: PROTOCOL_BGP } },
  options: resolveBirdOptions,
};
