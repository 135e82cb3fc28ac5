// Segments: a bridge node is a Linux bridge device inside its own namespace, with every
// port cabled to it enslaved (the seed's Docker networks, without Docker).
import type { NodeModel } from "../core/model.js";
import type { LinkType } from "./link.js";

/** Device name of the Linux bridge inside a bridge node's namespace. */
export function bridgeDevice(node: NodeModel): string {
  return node.ports.some((p) => p.ifname === "br0") ? "wlbr0" : "br0";
}

export const bridge: LinkType = {
  name: "bridge",
  nodeLines(_lab, node) {
    if (node.role !== "bridge") return [];
    const br = bridgeDevice(node);
    return [`link add name ${br} type bridge`, `link set dev ${br} up`];
  },
  portLines(_lab, node, ifname) {
    return node.role === "bridge" ? [`link set dev ${ifname} master ${bridgeDevice(node)}`] : [];
  },
};
