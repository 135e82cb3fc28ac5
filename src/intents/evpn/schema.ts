// The `vxlan:` key of a leaf router: its layer-2 VNIs, each with the ports enslaved to the
// VNI's bridge. One VNI as an object, several as a list. Spread into the node schema by
// src/topology/schema.ts; resolve.ts gives it meaning. The BGP side (`bgp.evpn`) is a key
// of the bgp intent's schema.
import { z } from "zod";

/** Port names are strings; a bare number (`3`) is taken as that port name. */
const portName = z.union([z.string(), z.number().int().nonnegative()]);

const vni = z
  .object({
    vni: z.number().int().min(1).max(16777215).describe("The VXLAN network identifier (1-16777215)"),
    "bridge-ports": z
      .array(portName)
      .optional()
      .describe("This node's ports enslaved to the VNI's bridge (towards hosts); ports without addresses"),
    // Accepted by the schema only to be refused by resolve.ts with the kernel's reason.
    vlan: z
      .number()
      .int()
      .optional()
      .describe("Refused: a VLAN-aware bridge needs 802.1Q and bridge VLAN filtering, absent from this kernel"),
    "l3-vni": z
      .boolean()
      .optional()
      .describe("Refused: symmetric IRB (an L3 VNI) needs VRF devices, absent from this kernel"),
    vrf: z
      .string()
      .optional()
      .describe("Refused: symmetric IRB (a tenant VRF) needs VRF devices, absent from this kernel"),
  })
  .strict();

/** Node-level keys of the EVPN intent (a const object, so the inferred node type stays exact). */
export const evpnNodeSchema = {
  vxlan: z
    .union([vni, z.array(vni)])
    .optional()
    .describe(
      "Layer-2 VNIs of this leaf (EVPN over VXLAN): one Linux bridge and one VXLAN device per VNI, sourced from the loopback; needs bgp.evpn",
    ),
} as const;

export type VniInput = z.infer<typeof vni>;
