// The OSPF intent: `ospf:` on routers (and on links). Interfaces, areas and neighbors are
// resolved from the cabling (resolve.ts); each stack renders OSPFv2 and OSPFv3 from it and
// deploy waits for the adjacencies.
import type { NodeModel } from "../../core/model.js";
import { q } from "../../topology/errors.js";
import type { IntentModule } from "../intent.js";
import { resolveOspf } from "./resolve.js";
import { ospfNodeSchema } from "./schema.js";

export const ospfIntent: IntentModule<"ospf"> = {
  name: "ospf",
  nodeSchema: ospfNodeSchema,
  appliesTo: ["router"],
  refusal: (node, key) => `node ${q(node.name)} is a ${node.kind} node: '${key}' applies only to routers`,
  resolve: resolveOspf,
  protocol: "ospf",
};

/**
 * Whether the node runs OSPF: from its intent, or (OSPF written in the stack's raw config)
 * from what its stack's loader recorded (FRR's daemons, BIRD's protocols).
 */
export function runsOspf(node: NodeModel): boolean {
  if (node.intents.ospf !== undefined) return true;
  const { daemons, protocols } = node.stack?.options ?? {};
  return (
    (Array.isArray(daemons) && (daemons.includes("ospfd") || daemons.includes("ospf6d"))) ||
    (Array.isArray(protocols) && protocols.includes("ospf"))
  );
}
