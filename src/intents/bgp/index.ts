// The BGP intent: `bgp:` on routers. Its neighbors are resolved from the cabling
// (resolve.ts); each stack renders it and deploy waits for its sessions.
import type { NodeModel } from "../../core/model.js";
import { q } from "../../topology/errors.js";
import type { IntentModule } from "../intent.js";
import { checkBgpPairs } from "./pairs.js";
import { resolveBgp } from "./resolve.js";
import { bgpNodeSchema } from "./schema.js";

export const bgpIntent: IntentModule<"bgp"> = {
  name: "bgp",
  nodeSchema: bgpNodeSchema,
  appliesTo: ["router"],
  refusal: (node, key) => `node ${q(node.name)} is a ${node.kind} node: '${key}' applies only to frr nodes`,
  resolve: resolveBgp,
  checkLab: checkBgpPairs,
  protocol: "bgp",
};

/**
 * Whether the node runs BGP: from its intent, or (BGP written in the stack's raw config) as
 * the stack's loader recorded it in node.stack.options: FRR the daemons it starts (bgpd),
 * BIRD the protocols its config opens (bgp).
 */
export function runsBgp(node: NodeModel): boolean {
  if (node.intents.bgp !== undefined) return true;
  const { daemons, protocols } = node.stack?.options ?? {};
  return (
    (Array.isArray(daemons) && daemons.includes("bgpd")) || (Array.isArray(protocols) && protocols.includes("bgp"))
  );
}

/**
 * Whether the node runs BFD: a BGP neighbor with bfd, or (BFD from the stack's raw config)
 * the BFD daemon in the daemons the loader recorded.
 */
export function runsBfd(node: NodeModel): boolean {
  if (node.intents.bgp?.neighbors.some((n) => n.bfd)) return true;
  const daemons = node.stack?.options.daemons;
  return Array.isArray(daemons) && daemons.includes("bfdd");
}
