// The `ospf:` key of a node (area, router-id, passive ports, timers, redistribution) and of a
// link's long form (area, cost, network type, passive, or `false` to keep the link out).
// Spread into the node and link schemas by src/topology/schema.ts; resolve.ts gives them
// meaning. One intent covers both OSPFv2 (IPv4) and OSPFv3 (IPv6).
import { z } from "zod";

/** Port names are strings; a bare number (`1`) is taken as that port name. */
const portName = z.union([z.string(), z.number().int().nonnegative()]);

/** Dotted (0.0.0.1) or a whole number (1); resolve.ts checks and writes it dotted. */
export const ospfArea = z
  .union([z.string(), z.number()])
  .describe("OSPF area: dotted (0.0.0.0) or a whole number (0 = backbone)");

const ospf = z
  .object({
    area: ospfArea.describe("Area of the node's interfaces (a link may set its own): dotted or a whole number"),
    "router-id": z
      .string()
      .optional()
      .describe("OSPF router-id (IPv4 form, both OSPFv2 and OSPFv3); default: the lowest loopback or interface IPv4"),
    passive: z
      .array(portName)
      .optional()
      .describe("Ports that advertise their subnet but form no adjacency (the loopback always is)"),
    "reference-bandwidth": z
      .number()
      .int()
      .min(1)
      .max(4294967)
      .optional()
      .describe("auto-cost reference bandwidth in Mbit/s (FRR's default 100000)"),
    timers: z
      .object({
        hello: z.number().int().min(1).max(65535).describe("Hello interval in seconds"),
        dead: z.number().int().min(1).max(65535).describe("Dead interval in seconds (more than hello)"),
      })
      .strict()
      .optional()
      .describe(
        "Hello and dead intervals of every interface; neighbors must use the same (default: lab timers 1 s / 4 s)",
      ),
    redistribute: z
      .array(z.enum(["connected", "static", "bgp"]))
      .optional()
      .describe("Route sources to redistribute into OSPF (both families)"),
    "default-originate": z
      .boolean()
      .optional()
      .describe("Announce a default route (default-information originate always)"),
  })
  .strict();

/** Node-level keys of the OSPF intent (a const object, so the inferred node type stays exact). */
export const ospfNodeSchema = {
  ospf: ospf.optional().describe("OSPF on this router: OSPFv2 for IPv4, OSPFv3 for IPv6, on every cabled port"),
} as const;

const ospfLink = z
  .object({
    area: ospfArea.optional().describe("Area of this link at both ends (an ABR's link into a non-backbone area)"),
    cost: z.number().int().min(1).max(65535).optional().describe("Interface cost at both ends"),
    "network-type": z
      .enum(["point-to-point", "broadcast"])
      .optional()
      .describe("point-to-point (no DR election; two routers only) or broadcast (FRR's default)"),
    passive: z.boolean().optional().describe("Advertise the link's subnet but form no adjacency over it"),
  })
  .strict();

/** Link-level key of the OSPF intent (long form of a link). */
export const ospfLinkSchema = {
  ospf: z
    .union([z.literal(false), ospfLink])
    .optional()
    .describe("OSPF settings of this link, or false to keep it out of OSPF"),
} as const;

export type OspfInput = z.infer<typeof ospf>;
export type OspfLinkInput = z.infer<typeof ospfLink>;
