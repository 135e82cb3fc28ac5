// The IS-IS intent: `isis:` on routers (and on links). Interfaces and adjacencies are
// resolved from the cabling (resolve.ts); each stack renders it for IPv4 and IPv6 and
// deploy waits for the adjacencies.
import type { NodeModel } from "../../core/model.js";
import { q } from "../../topology/errors.js";
import type { IntentModule } from "../intent.js";
import { resolveIsis } from "./resolve.js";
import { isisNodeSchema } from "./schema.js";

export const isisIntent: IntentModule<"isis"> = {
  name: "isis",
  nodeSchema: isisNodeSchema,
  appliesTo: ["router"],
  refusal: (node, key) => `node ${q(node.name)} is a ${node.kind} node: '${key}' applies only to routers`,
  resolve: resolveIsis,
  protocol: "isis",
};

/** Whether the node runs IS-IS: from its intent, or from the daemons its stack starts (raw config). */
export function runsIsis(node: NodeModel): boolean {
  if (node.intents.isis !== undefined) return true;
  const daemons = node.stack?.options.daemons;
  return Array.isArray(daemons) && daemons.includes("isisd");
}
