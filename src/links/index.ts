// The link-type registry: one file per link type, one line here to add one. Order is the
// order their lines appear in a node's setup.
import { bridge } from "./bridge.js";
import { impairments } from "./impair.js";
import type { LinkType } from "./link.js";
import { veth } from "./veth.js";
import { vxlan } from "./vxlan.js";

export const LINK_TYPES: LinkType[] = [veth, vxlan, bridge, impairments];
