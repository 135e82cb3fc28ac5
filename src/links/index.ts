// The link-type registry: one file per link type, one line here to add one. Order is the
// order their lines appear in a node's setup.

import type { Lab } from "../core/model.js";
import { bridge } from "./bridge.js";
import { evpn } from "./evpn.js";
import { impairments } from "./impair.js";
import type { LinkType } from "./link.js";
import { stub } from "./stub.js";
import { veth } from "./veth.js";
import { vxlan } from "./vxlan.js";

export const LINK_TYPES: LinkType[] = [veth, vxlan, stub, bridge, evpn, impairments];

/** Every namespace the lab's link types make beyond the nodes' (derived from the model). */
export function linkNamespaces(lab: Lab): string[] {
  return LINK_TYPES.flatMap((t) => t.namespaces?.(lab) ?? []);
}
