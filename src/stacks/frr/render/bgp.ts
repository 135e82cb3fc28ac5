// The `bgp` intent in FRR: one `router bgp` block (bgpd).
import { isIP } from "node:net";
import type { NodeModel } from "../../../core/model.js";
import type { BgpModel } from "../../../intents/bgp/model.js";
import { frrOptions } from "../options.js";
import { isV6Prefix, kernelName, oneLine } from "./common.js";

/**
 * Lab timers (frr.lab-timers, on unless set to false), rendered under `router bgp` of intent
 * configs. A lab's routers all start within seconds of each other, unlike a network's:
 * - coalesce-time: FRR holds a new peer's first UPDATE for 1 s (plus 50 ms per peer) to
 *   batch peers that come up together; measured here, a session's routes then arrive
 *   1.1 s after Established instead of 0.05 s. 100 ms still batches the peers a router
 *   starts with.
 * - timers connect: after a refused connection (the peer's bgpd not started yet) FRR
 *   retries after 10 s (datacenter profile; 120 s traditional); 1 s here. A router that
 *   starts after its peers is then reached by their retry within about 0.7 s, before its
 *   own 1 s start timer would have it connect (measured: 0.7 s with 1, 1.1 s with 2 or 10).
 * Hold and keepalive (9 s / 3 s) and advertisement-interval 0 come from `frr defaults
 * datacenter`. FRR's 1 s start timer (Idle -> Connect) cannot be configured.
 */
export const LAB_TIMERS = {
  coalesceMs: 100,
  connectRetryS: 1,
} as const;

export function renderBgp(node: NodeModel, bgp: BgpModel): string[] {
  const out: string[] = [];
  const v4Nets = bgp.networks.filter((p) => !isV6Prefix(p));
  const v6Nets = bgp.networks.filter((p) => isV6Prefix(p));
  const v6Peers = bgp.neighbors.filter((n) => isIP(n.address) === 6);

  out.push(`router bgp ${bgp.asn}`);
  if (bgp.routerId) out.push(` bgp router-id ${bgp.routerId}`);
  if (!(frrOptions(node)?.ebgpRequiresPolicy ?? false)) out.push(" no bgp ebgp-requires-policy");
  const labTimers = frrOptions(node)?.labTimers !== false;
  if (labTimers) out.push(` coalesce-time ${LAB_TIMERS.coalesceMs}`);
  for (const nb of bgp.neighbors) {
    out.push(` neighbor ${nb.address} remote-as ${nb.remoteAs}`);
    const desc = nb.description ? oneLine(nb.description) : nb.node;
    if (desc) out.push(` neighbor ${nb.address} description ${desc}`);
    if (labTimers) out.push(` neighbor ${nb.address} timers connect ${LAB_TIMERS.connectRetryS}`);
    if (nb.ebgpMultihop !== undefined) out.push(` neighbor ${nb.address} ebgp-multihop ${nb.ebgpMultihop}`);
    if (nb.updateSource) {
      const src = isIP(nb.updateSource) ? nb.updateSource : kernelName(node, nb.updateSource);
      out.push(` neighbor ${nb.address} update-source ${src}`);
    }
  }

  // IPv4: networks and redistribution; IPv6 peers carry IPv6 only (FRR activates every
  // neighbor for IPv4 unicast by default, which would send IPv4 routes over IPv6 sessions).
  const v4: string[] = [
    ...v4Nets.map((p) => `  network ${p}`),
    ...bgp.redistribute.map((r) => `  redistribute ${r}`),
    ...v6Peers.map((n) => `  no neighbor ${n.address} activate`),
  ];
  if (v4.length) out.push(" !", " address-family ipv4 unicast", ...v4, " exit-address-family");

  if (v6Nets.length || v6Peers.length) {
    out.push(
      " !",
      " address-family ipv6 unicast",
      ...v6Nets.map((p) => `  network ${p}`),
      // `ospf` is IPv4 only (ospf6d's would be `ospf6`); connected and static apply to both.
      ...bgp.redistribute.filter((r) => r !== "ospf").map((r) => `  redistribute ${r}`),
      ...v6Peers.map((n) => `  neighbor ${n.address} activate`),
      " exit-address-family",
    );
  }
  out.push("!");
  return out;
}
