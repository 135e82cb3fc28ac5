// The `evpn` intent in FRR: the `address-family l2vpn evpn` of the node's `router bgp` (bgpd),
// re-entered after the bgp renderer's block: each EVPN neighbor activated there (route
// reflectors keep their clients), and on a VTEP `advertise-all-vni`, which has zebra's VNIs
// (the VXLAN devices made by src/links/evpn.ts) announced as type-3 routes and their MACs
// as type-2 routes. A spine without VNIs reflects or relays the routes with their next hop
// (the VTEP) unchanged: FRR keeps EVPN next hops on eBGP too.
import type { NodeModel } from "../../../core/model.js";
import type { EvpnModel } from "../../../intents/evpn/model.js";

export function renderEvpn(node: NodeModel, evpn: EvpnModel): string[] {
  const bgp = node.intents.bgp;
  if (!bgp) return [];
  const carries = bgp.neighbors.filter((n) => n.evpn);
  if (!carries.length && !evpn.vnis.length) return [];
  const out = [`router bgp ${bgp.asn}`, " !", " address-family l2vpn evpn"];
  for (const n of carries) {
    out.push(`  neighbor ${n.address} activate`);
    if (n.routeReflectorClient) out.push(`  neighbor ${n.address} route-reflector-client`);
  }
  if (evpn.vnis.length) out.push("  advertise-all-vni");
  out.push(" exit-address-family", "!");
  return out;
}
