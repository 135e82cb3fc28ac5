// The `bgp` intent in FRR: one `router bgp` block (bgpd), and the discard routes behind
// originated prefixes (staticd).
import { isIP } from "node:net";
import type { NodeModel } from "../../../core/model.js";
import type { BgpModel, BgpNeighborModel } from "../../../intents/bgp/model.js";
import { frrOptions } from "../options.js";
import { isV6Prefix, kernelName, oneLine } from "./common.js";
import { renderRelationships, routeMapFamilyLines } from "./relationships.js";

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

type Afi = "ipv4" | "ipv6";

/** The families a session carries: an interface neighbor's both, else its address's own. */
export function sessionFamilies(nb: BgpNeighborModel): Afi[] {
  return nb.families ?? [isIP(nb.address) === 6 ? "ipv6" : "ipv4"];
}

/** Session-level lines of one neighbor (under `router bgp`). */
function sessionLines(node: NodeModel, bgp: BgpModel, nb: BgpNeighborModel, labTimers: boolean): string[] {
  const id = nb.address;
  const out: string[] = [];
  if (nb.unnumbered) {
    // FRR names the session by the interface and finds the peer's link-local address from
    // its router advertisements (zebra sends them on the port once bgpd asks).
    const kind = nb.remoteAsGiven ? String(nb.remoteAs) : nb.remoteAs === bgp.asn ? "internal" : "external";
    out.push(`neighbor ${id} interface remote-as ${kind}`);
  } else {
    out.push(`neighbor ${id} remote-as ${nb.remoteAs}`);
  }
  const desc = nb.description ? oneLine(nb.description) : nb.node;
  if (desc) out.push(`neighbor ${id} description ${desc}`);
  if (labTimers) out.push(`neighbor ${id} timers connect ${LAB_TIMERS.connectRetryS}`);
  if (nb.ebgpMultihop !== undefined) out.push(`neighbor ${id} ebgp-multihop ${nb.ebgpMultihop}`);
  if (nb.disableConnectedCheck) out.push(`neighbor ${id} disable-connected-check`);
  if (nb.updateSource) {
    const src = isIP(nb.updateSource) ? nb.updateSource : kernelName(node, nb.updateSource);
    out.push(`neighbor ${id} update-source ${src}`);
  }
  if (nb.localAs !== undefined) out.push(`neighbor ${id} local-as ${nb.localAs} no-prepend replace-as`);
  if (nb.passive) out.push(`neighbor ${id} passive`);
  if (nb.password !== undefined) out.push(`neighbor ${id} password ${nb.password}`);
  if (nb.timers) out.push(`neighbor ${id} timers ${nb.timers.keepalive} ${nb.timers.hold}`);
  if (nb.bfd) out.push(`neighbor ${id} bfd`);
  // IPv4 routes over an IPv6 session need IPv6 next hops (RFC 8950).
  if (nb.unnumbered) out.push(`neighbor ${id} capability extended-nexthop`);
  return out.map((l) => ` ${l}`);
}

/** Address-family lines of one neighbor that carries this family. */
function familyLines(nb: BgpNeighborModel): string[] {
  const id = nb.address;
  const out: string[] = [];
  if (nb.routeReflectorClient) out.push(`neighbor ${id} route-reflector-client`);
  if (nb.nextHopSelf) out.push(`neighbor ${id} next-hop-self`);
  if (nb.defaultOriginate) out.push(`neighbor ${id} default-originate`);
  if (nb.sendCommunity) out.push(`neighbor ${id} send-community ${nb.sendCommunity}`);
  if (nb.allowasIn !== undefined && nb.allowasIn !== false) {
    out.push(`neighbor ${id} allowas-in${nb.allowasIn === true ? "" : ` ${nb.allowasIn}`}`);
  }
  if (nb.removePrivateAs) out.push(`neighbor ${id} remove-private-AS`);
  if (nb.asOverride) out.push(`neighbor ${id} as-override`);
  if (nb.weight !== undefined) out.push(`neighbor ${id} weight ${nb.weight}`);
  out.push(...routeMapFamilyLines(nb));
  return out.map((l) => `  ${l}`);
}

/** `redistribute SOURCE [route-map NAME]` under an address family. */
function redistributeLine(bgp: BgpModel, source: string): string {
  const map = bgp.redistributeMaps?.[source];
  return `  redistribute ${source}${map === undefined ? "" : ` route-map ${map}`}`;
}

export function renderBgp(node: NodeModel, bgp: BgpModel): string[] {
  const out: string[] = [];
  const originate = bgp.originate ?? [];
  const nets = (afi: Afi) =>
    [...bgp.networks, ...originate.filter((p) => !bgp.networks.includes(p))].filter(
      (p) => isV6Prefix(p) === (afi === "ipv6"),
    );
  const carries = (afi: Afi) => bgp.neighbors.filter((n) => sessionFamilies(n).includes(afi));

  out.push(`router bgp ${bgp.asn}`);
  if (bgp.routerId) out.push(` bgp router-id ${bgp.routerId}`);
  if (bgp.clusterId) out.push(` bgp cluster-id ${bgp.clusterId}`);
  if (!(frrOptions(node)?.ebgpRequiresPolicy ?? false)) out.push(" no bgp ebgp-requires-policy");
  const labTimers = frrOptions(node)?.labTimers !== false;
  if (labTimers) out.push(` coalesce-time ${LAB_TIMERS.coalesceMs}`);
  for (const nb of bgp.neighbors) out.push(...sessionLines(node, bgp, nb, labTimers));

  // IPv4: FRR activates every neighbor for IPv4 unicast by default; a session of one family
  // carries that family only (an IPv6 session is deactivated here), so a dual-stack pair of
  // routers has two sessions, each with its own family's routes and next hops.
  const v4: string[] = [
    ...nets("ipv4").map((p) => `  network ${p}`),
    ...bgp.redistribute.map((r) => redistributeLine(bgp, r)),
    ...bgp.neighbors.flatMap((n) =>
      sessionFamilies(n).includes("ipv4") ? familyLines(n) : [`  no neighbor ${n.address} activate`],
    ),
  ];
  if (v4.length) out.push(" !", " address-family ipv4 unicast", ...v4, " exit-address-family");

  if (nets("ipv6").length || carries("ipv6").length) {
    out.push(
      " !",
      " address-family ipv6 unicast",
      ...nets("ipv6").map((p) => `  network ${p}`),
      // `ospf` is IPv4 only (ospf6d's would be `ospf6`); connected and static apply to both.
      ...bgp.redistribute.filter((r) => r !== "ospf").map((r) => redistributeLine(bgp, r)),
      ...carries("ipv6").flatMap((n) => [`  neighbor ${n.address} activate`, ...familyLines(n)]),
      " exit-address-family",
    );
  }
  out.push("!");
  // An originated prefix is announced only while it is in the RIB: a discard route keeps it
  // there, and drops traffic to the parts of it no more specific route covers.
  if (originate.length) {
    for (const p of originate) out.push(`${isV6Prefix(p) ? "ipv6" : "ip"} route ${p} blackhole`);
    out.push("!");
  }
  out.push(...renderRelationships(bgp));
  return out;
}
