// The `routes:` key of a node: static routes, each a prefix and a next hop on a connected
// subnet. Spread into the node schema by src/topology/schema.ts; resolve.ts checks them.
import { z } from "zod";

const route = z
  .object({
    to: z.string().describe("Destination prefix, e.g. 0.0.0.0/0 or 10.0.0.0/8"),
    via: z
      .string()
      .describe("Next-hop address on a connected subnet of this node, or `blackhole` (also `Null0`): discard"),
  })
  .strict();

/** Node-level keys of the static-route intent (a const object, so the inferred node type stays exact). */
export const staticNodeSchema = {
  routes: z.array(route).optional().describe("Static routes (linux nodes: kernel routes; frr nodes: FRR `ip route`)"),
} as const;
