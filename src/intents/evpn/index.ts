// The EVPN intent: `vxlan:` layer-2 VNIs on leaf routers, carried by BGP's `evpn` (the bgp
// intent's key). Resolution (resolve.ts) checks ports, VNIs and both ends of each session;
// src/links/evpn.ts makes the bridges and VXLAN devices; each stack renders the BGP side
// and deploy waits until every VNI knows its remote VTEPs.
import type { NodeModel } from "../../core/model.js";
import { q } from "../../topology/errors.js";
import type { IntentModule } from "../intent.js";
import { checkEvpnLab, resolveEvpn } from "./resolve.js";
import { evpnNodeSchema } from "./schema.js";

export const evpnIntent: IntentModule<"evpn"> = {
  name: "evpn",
  nodeSchema: evpnNodeSchema,
  appliesTo: ["router"],
  refusal: (node, key) =>
    `node ${q(node.name)} is a ${node.kind} node: '${key}' applies only to routers (the leaf a host is cabled to carries the VNI)`,
  resolve: resolveEvpn,
  checkLab: checkEvpnLab,
  protocol: "evpn",
};

/** Whether the node is a VTEP with layer-2 VNIs (deploy waits for their remote VTEPs). */
export function runsEvpn(node: NodeModel): boolean {
  return (node.intents.evpn?.vnis.length ?? 0) > 0;
}
