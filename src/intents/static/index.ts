// The static-route intent: `routes:` on routers (rendered by their stack) and hosts (kernel
// routes); bridges do not route.
import { q } from "../../topology/errors.js";
import type { IntentModule } from "../intent.js";
import { resolveStatic } from "./resolve.js";
import { staticNodeSchema } from "./schema.js";

export const staticIntent: IntentModule<"static"> = {
  name: "static",
  nodeSchema: staticNodeSchema,
  appliesTo: ["router", "host"],
  refusal: (node, key) => `bridge ${q(node.name)} does not route: '${key}' applies to frr and linux nodes`,
  resolve: resolveStatic,
};
