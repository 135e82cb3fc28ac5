// The `bgp` intent in BIRD, laid out as FRR has it: a BGP table apart from the routing
// table. FRR's bgpd keeps its own table and announces its best BGP paths whatever zebra
// prefers (a peer's route to a subnet the router is also connected to still goes on to its
// other peers). In BIRD a protocol sees only the best route of the table it is attached to,
// so each family gets its own BGP table (bgp4, bgp6) and a pipe to the routing table:
//   master4 --(wl_announce4: what the intent announces)--> bgp4 --> BGP peers
//   bgp4 --(BGP routes)--> master4 --> kernel
// - `networks`: a listed prefix is announced when the node has a route to exactly it (FRR's
//   `network` with its import check); connected prefixes come from `protocol direct`.
// - `redistribute`: connected (without loopback and link-local martians), static, ospf
//   (IPv4 only, as FRR's `redistribute ospf`), with origin incomplete as FRR gives them.
// - routes learned by BGP go on to the other peers (BIRD keeps iBGP's split horizon itself);
//   next hops resolve through the routing table (`igp table master4`), as bgpd asks zebra.
//   The pipe's copies there are plain routes (it drops their recursive next-hop link), so a
//   next hop reached through another BGP route resolves, as in FRR; BIRD would not resolve
//   a recursive route through a recursive one within one table.
// - IPv4 neighbors carry IPv4, IPv6 neighbors IPv6 (FRR's rendering does the same).
// - route reflection (`rr client`, `rr cluster id`) and FRR's neighbor options in BIRD's
//   words (sessionLines); what BIRD 2 has no equivalent of is refused by the loader
//   (options.ts), never dropped here.
import { isIP } from "node:net";
import type { NodeModel } from "../../../core/model.js";
import type { BgpModel, BgpNeighborModel } from "../../../intents/bgp/model.js";
import { birdOptions } from "../options.js";
import { BirdRenderError, birdString, birdSymbol, isLinkLocal6, isV6, portFacing, portOf } from "./common.js";
import { policyName } from "./policy.js";
import { channelFilterLines, renderRelationshipFilters } from "./relationships.js";

export { BirdRenderError };

/**
 * Lab timers (bird.lab-timers, on unless false). BIRD's defaults suit routers that run for
 * months: it waits 5 s before its first connect, and after a session error (a hold timer
 * expiring when a peer was killed) it refuses the peer for 60 s, doubling up to 300 s. A lab
 * starts all at once and breaks routers on purpose:
 * - hold 9 s / keepalive 3 s: FRR's `datacenter` profile, so both stacks notice a dead peer alike;
 * - connect delay 1 s: BIRD's minimum (it never connects at once);
 * - connect retry 5 s: how long one connect attempt may hang (a cut cable) before the next;
 * - error wait 1-10 s: a restarted peer is taken back within a second.
 */
export const LAB_TIMERS = [
  "hold time 9;",
  "keepalive time 3;",
  "connect delay time 1;",
  "connect retry time 5;",
  "error wait time 1, 10;",
] as const;

/** Per family: the BGP table, the routing table it is piped to, the pipe and its filter. */
export const BGP_TABLES = {
  ipv4: { table: "bgp4", rib: "master4", pipe: "bgp4_pipe", announce: "wl_announce4" },
  ipv6: { table: "bgp6", rib: "master6", pipe: "bgp6_pipe", announce: "wl_announce6" },
} as const;

/** Connected prefixes never announced: loopback and link-local (FRR does not have them as connected). */
const MARTIANS = { ipv4: "[ 127.0.0.0/8+ ]", ipv6: "[ ::1/128, fe80::/10+ ]" } as const;

type Family = keyof typeof BGP_TABLES;

function familyOf(nb: BgpNeighborModel): Family {
  return isIP(nb.address) === 6 ? "ipv6" : "ipv4";
}

/** What the intent announces of a family: the announce filter's rules (none: nothing). */
function announceRules(bgp: BgpModel, family: Family): string[] {
  const nets = [...bgp.networks, ...(bgp.originate ?? []).filter((p) => !bgp.networks.includes(p))].filter(
    (p) => isV6(p) === (family === "ipv6"),
  );
  const incomplete = "{ bgp_origin = ORIGIN_INCOMPLETE; accept; }";
  const rules: string[] = [];
  if (nets.length) rules.push(`  if net ~ [ ${nets.join(", ")} ] then accept;`);
  for (const r of bgp.redistribute) {
    // Through its route map when given: what the map denies is not announced.
    const map = bgp.redistributeMaps?.[r];
    const then =
      map === undefined
        ? incomplete
        : `{ if ${policyName("rm", map)}() then { bgp_origin = ORIGIN_INCOMPLETE; accept; } reject; }`;
    if (r === "connected") rules.push(`  if source = RTS_DEVICE && net !~ ${MARTIANS[family]} then ${then}`);
    else if (r === "static") rules.push(`  if source = RTS_STATIC then ${then}`);
    else if (r === "ospf" && family === "ipv4") {
      rules.push(`  if source ~ [ RTS_OSPF, RTS_OSPF_IA, RTS_OSPF_EXT1, RTS_OSPF_EXT2 ] then ${then}`);
    }
  }
  return rules;
}

/** The BGP table of a family, its announce filter and the pipe that fills it from the routing table. */
function bgpTable(bgp: BgpModel, family: Family): string[] {
  const t = BGP_TABLES[family];
  const rules = announceRules(bgp, family);
  const out = [`${family} table ${t.table};`];
  // BGP's own routes never go back: they came from this table.
  if (rules.length)
    out.push(`filter ${t.announce} {`, "  if source = RTS_BGP then reject;", ...rules, "  reject;", "}");
  out.push(
    `protocol pipe ${t.pipe} {`,
    `  table ${t.rib};`,
    `  peer table ${t.table};`,
    rules.length ? `  export filter ${t.announce};` : "  export none;",
    "  import where source = RTS_BGP;",
    "}",
  );
  return out;
}

/**
 * BIRD 2.0.12's keywords that start with `bgp_` (its BGP attributes, proto/bgp/config.Y):
 * a protocol may not be named after one, quoted or not, and keywords ignore case.
 */
const BGP_KEYWORDS = new Set(
  "path local_pref med origin next_hop atomic_aggr aggregator community ext_community large_community originator_id cluster_list aigp otc"
    .split(" ")
    .map((k) => `bgp_${k}`),
);

/**
 * One protocol name per neighbor: `bgp_<peer node>`, else `bgp_<address>`; unique on the
 * node (a second session with the same node over IPv6 is `bgp_<node>_v6`).
 */
export function protocolNames(bgp: BgpModel): string[] {
  const used = new Set<string>();
  return bgp.neighbors.map((nb) => {
    let base = `bgp_${nb.node ?? nb.address.replace(/[.:]/g, "_")}`;
    if (BGP_KEYWORDS.has(base.toLowerCase())) base = `${base}_peer`;
    if (used.has(base) && familyOf(nb) === "ipv6") base = `${base}_v6`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  });
}

/** `update-source` as BIRD's `source address`: the address itself, or the port's (lo's) address of the session's family. */
function sourceAddress(node: NodeModel, nb: BgpNeighborModel): string | undefined {
  const src = nb.updateSource;
  if (src === undefined) return undefined;
  if (isIP(src)) return src;
  const v6 = isIP(nb.address) === 6;
  const addrs = (src === "lo" ? node.loopback : (portOf(node, src)?.addresses ?? [])).map((a) => a.split("/")[0] ?? a);
  const ofFamily = addrs.filter((a) => isV6(a) === v6);
  const pick = ofFamily.find((a) => !isLinkLocal6(a)) ?? ofFamily[0];
  if (pick === undefined) {
    throw new BirdRenderError(
      `BGP neighbor ${nb.address}: update-source ${src} has no IPv${v6 ? 6 : 4} address, and BIRD binds a session to an address (source address)`,
    );
  }
  return pick;
}

/**
 * Static protocols the intent adds to the BGP tables: `originate` (discard routes in the
 * routing table, installed in the kernel as FRR's staticd installs them, and announced) and
 * the default route of `default-originate` neighbors (in the BGP table only, so it never
 * reaches the kernel; preference 1, so a default learned from a peer still wins).
 */
export const ORIGINATE = { ipv4: "wl_originate4", ipv6: "wl_originate6" } as const;
export const DEFAULT_ORIGINATE = { ipv4: "wl_default4", ipv6: "wl_default6" } as const;
const DEFAULT_NET = { ipv4: "0.0.0.0/0", ipv6: "::/0" } as const;

function staticProtocols(bgp: BgpModel): string[] {
  const out: string[] = [];
  for (const family of ["ipv4", "ipv6"] as const) {
    const mine = (bgp.originate ?? []).filter((p) => isV6(p) === (family === "ipv6"));
    if (mine.length) {
      out.push(`protocol static ${ORIGINATE[family]} {`, `  ${family};`);
      for (const p of mine) out.push(`  route ${p} blackhole;`);
      out.push("}");
    }
    if (bgp.neighbors.some((n) => n.defaultOriginate && familyOf(n) === family)) {
      out.push(
        `protocol static ${DEFAULT_ORIGINATE[family]} {`,
        `  ${family} { table ${BGP_TABLES[family].table}; preference 1; };`,
        `  route ${DEFAULT_NET[family]} blackhole;`,
        "}",
      );
    }
  }
  return out;
}

/** The address of this node on the link toward a peer (a session that needs a source address). */
function linkAddress(node: NodeModel, nb: BgpNeighborModel): string | undefined {
  const port = portFacing(node, nb.address);
  const v6 = isIP(nb.address) === 6;
  return port?.addresses.map((a) => a.split("/")[0] ?? a).find((a) => isV6(a) === v6 && !isLinkLocal6(a));
}

/** Session lines of one neighbor: FRR's neighbor options, in BIRD's words. */
function sessionLines(node: NodeModel, bgp: BgpModel, nb: BgpNeighborModel, labTimers: boolean): string[] {
  const out: string[] = [];
  const ibgp = nb.remoteAs === bgp.asn;
  // FRR's `local-as N no-prepend replace-as`: the peer sees only N, which is BIRD's local as.
  out.push(`local as ${nb.localAs ?? bgp.asn};`, `neighbor ${nb.address} as ${nb.remoteAs};`);
  if (isLinkLocal6(nb.address)) {
    // The loader refuses a link-local neighbor without a port.
    const port = nb.port === undefined ? undefined : portOf(node, nb.port);
    if (port) out.push(`interface ${birdString(port.ifname)};`);
  }
  // BIRD runs iBGP multihop (next hops resolved through the IGP table) and bound to no
  // address; BFD on a multihop session needs the address it runs from.
  const multihop = ibgp || nb.ebgpMultihop !== undefined || nb.disableConnectedCheck === true;
  const src = sourceAddress(node, nb) ?? (nb.bfd && multihop ? linkAddress(node, nb) : undefined);
  if (nb.bfd && multihop && src === undefined) {
    throw new BirdRenderError(
      `BGP neighbor ${nb.address}: BFD on a multihop session needs the address it runs from, and none of this node's links reaches the neighbor; set update-source`,
    );
  }
  if (src) out.push(`source address ${src};`);
  if (nb.ebgpMultihop !== undefined) out.push(`multihop ${nb.ebgpMultihop};`);
  // eBGP between loopbacks of cabled routers: one hop, but not on a connected subnet (FRR's
  // disable-connected-check); BIRD's direct mode would wait for the peer to appear on one.
  else if (nb.disableConnectedCheck) out.push("multihop 1;");
  if (nb.routeReflectorClient) {
    out.push("rr client;");
    if (bgp.clusterId) out.push(`rr cluster id ${bgp.clusterId};`);
  }
  if (nb.passive) out.push("passive on;");
  // The loader refuses quotes and backslashes, which a BIRD string cannot hold.
  if (nb.password !== undefined) out.push(`password "${nb.password}";`);
  // FRR's bare `allowas-in` accepts 3 occurrences; BIRD's bare `allow local as` any number.
  if (nb.allowasIn !== undefined && nb.allowasIn !== false) {
    out.push(`allow local as ${nb.allowasIn === true ? 3 : nb.allowasIn};`);
  }
  if (nb.bfd) out.push("bfd on;");
  const timers = labTimers ? [...LAB_TIMERS] : [];
  if (nb.timers) {
    const { keepalive, hold } = nb.timers;
    // BIRD takes keepalive 1-65535; hold 0 (no keepalives) needs no keepalive line.
    const own = [`hold time ${hold};`, ...(keepalive > 0 && hold !== 0 ? [`keepalive time ${keepalive};`] : [])];
    out.push(...own, ...timers.filter((t) => !/^(hold|keepalive) time/.test(t)));
  } else out.push(...timers);
  return out.map((l) => `  ${l}`);
}

export function renderBgp(node: NodeModel, bgp: BgpModel): string[] {
  const out: string[] = [];
  // Both families, whatever the neighbors: the table shows what the node would announce.
  for (const family of ["ipv4", "ipv6"] as const) out.push(...bgpTable(bgp, family));
  out.push(...renderRelationshipFilters(bgp));
  out.push(...staticProtocols(bgp));
  // BFD sessions of BGP neighbors run in BIRD's own BFD protocol (one per router).
  if (bgp.neighbors.some((n) => n.bfd)) out.push("protocol bfd wl_bfd {", "}");
  const names = protocolNames(bgp);
  const labTimers = birdOptions(node)?.labTimers !== false;
  bgp.neighbors.forEach((nb, i) => {
    const family = familyOf(nb);
    out.push(`protocol bgp ${birdSymbol(names[i] as string)} {`);
    const desc = nb.description ?? nb.node;
    if (desc) out.push(`  description ${birdString(desc)};`);
    out.push(...sessionLines(node, bgp, nb, labTimers));
    const t = BGP_TABLES[family];
    // The default-originate route is in the BGP table for the neighbors that asked for it only.
    const anyDefault = bgp.neighbors.some((n) => n.defaultOriginate && familyOf(n) === family);
    const dflt = anyDefault ? { proto: DEFAULT_ORIGINATE[family], send: nb.defaultOriginate === true } : undefined;
    out.push(
      `  ${family} {`,
      `    table ${t.table};`,
      `    igp table ${t.rib};`,
      ...(nb.nextHopSelf ? ["    next hop self;"] : []),
      ...channelFilterLines(bgp.asn, nb, dflt).map((l) => `    ${l}`),
      "  };",
      "}",
    );
  });
  return out;
}
