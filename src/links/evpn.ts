// EVPN's layer-2 segments inside a leaf (a VTEP): per VNI one traditional Linux bridge and
// one VXLAN device sourced from the loopback, enslaved to it, and the VNI's bridge ports
// (towards hosts) enslaved too. `nolearning` and bridge learning off on the VXLAN port:
// remote MACs and the flood list come from EVPN (zebra installs them from type-2 and type-3
// routes), not from data-plane learning. No VLAN filtering, no VRF: this kernel has
// neither (see src/intents/evpn/resolve.ts). The devices live in the node's namespace and
// go with it at destroy.
import type { NodeModel } from "../core/model.js";
import type { LinkType } from "./link.js";

/** The IANA VXLAN port; FRR's zebra reads it from the device. */
export const VXLAN_PORT = 4789;

function vnisOf(node: NodeModel) {
  return node.intents.evpn?.vnis ?? [];
}

export const evpn: LinkType = {
  name: "evpn",
  nodeLines(_lab, node) {
    const vtep = node.intents.evpn?.vtep;
    if (vtep === undefined) return [];
    return vnisOf(node).flatMap((v) => [
      `link add name ${v.bridge} type bridge`,
      `link add name ${v.vxlan} type vxlan id ${v.vni} local ${vtep} dstport ${VXLAN_PORT} nolearning`,
      `link set dev ${v.vxlan} master ${v.bridge}`,
      `link set dev ${v.vxlan} type bridge_slave learning off`,
      `link set dev ${v.vxlan} up`,
      `link set dev ${v.bridge} up`,
    ]);
  },
  portLines(_lab, node, ifname) {
    const v = vnisOf(node).find((x) => x.ports.some((p) => p.ifname === ifname));
    return v ? [`link set dev ${ifname} master ${v.bridge}`] : [];
  },
};
