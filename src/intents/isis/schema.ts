// The `isis:` key of a node (area, level, NET, metric style) and of a link's long form
// (metric, circuit type, network type, or `false` to keep the link out). Spread into the
// node and link schemas by src/topology/schema.ts; resolve.ts gives them meaning.
import { z } from "zod";

const level = z.enum(["level-1", "level-2", "level-1-2"]);

const isis = z
  .object({
    area: z
      .union([z.string(), z.number()])
      .describe("Area address, e.g. 49.0001 (quote it when it ends in 0: '49.0010')"),
    type: level.optional().describe("Levels the router takes part in (default level-1-2)"),
    net: z
      .string()
      .optional()
      .describe("Full NET, e.g. 49.0001.0100.0000.0001.00; default: the area plus a system id from the IPv4 router-id"),
    "metric-style": z.enum(["wide", "narrow", "transition"]).optional().describe("TLV metric style (default wide)"),
  })
  .strict();

/** Node-level keys of the IS-IS intent (a const object, so the inferred node type stays exact). */
export const isisNodeSchema = {
  isis: isis.optional().describe("IS-IS on this router, IPv4 and IPv6, on every cabled port with an address"),
} as const;

const isisLink = z
  .object({
    metric: z.number().int().min(1).max(16777215).optional().describe("Interface metric at both ends"),
    "circuit-type": level.optional().describe("Levels of adjacency over this link"),
    "network-type": z
      .enum(["point-to-point"])
      .optional()
      .describe("point-to-point: no DIS election (two routers only); default broadcast"),
  })
  .strict();

/** Link-level key of the IS-IS intent (long form of a link). */
export const isisLinkSchema = {
  isis: z
    .union([z.literal(false), isisLink])
    .optional()
    .describe("IS-IS settings of this link, or false to keep it out of IS-IS"),
} as const;

export type IsisInput = z.infer<typeof isis>;
export type IsisLinkInput = z.infer<typeof isisLink>;
