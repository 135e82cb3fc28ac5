// The policy intent: `policy:` on routers (and `defaults.policy` for the lab): prefix,
// AS-path and community lists and route maps, referenced by name from BGP neighbors and
// redistribution (resolve.ts); each stack renders the definitions a router uses.
import { q } from "../../topology/errors.js";
import type { IntentModule } from "../intent.js";
import { checkLabPolicy, resolvePolicy } from "./resolve.js";
import { policyNodeSchema } from "./schema.js";

export const policyIntent: IntentModule<"policy"> = {
  name: "policy",
  nodeSchema: policyNodeSchema,
  appliesTo: ["router"],
  refusal: (node, key) => `node ${q(node.name)} is a ${node.kind} node: '${key}' applies only to routers`,
  resolve: resolvePolicy,
  checkLab: (ctx) => checkLabPolicy(ctx),
};
