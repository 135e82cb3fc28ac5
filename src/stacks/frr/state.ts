// Typed views of a node's FRR state, read from FRR's JSON through vtysh. The parse*
// functions are pure (tested on JSON captured from FRR 8.4); the others ask a live instance.
import { setTimeout as delay } from "node:timers/promises";
import type { BgpPath, BgpPeer, BgpSummary } from "../../intents/bgp/state.js";
import type { Afi, RibRoute } from "../stack.js";
import { VtyshError, vtysh, vtyshJson } from "./vtysh.js";

// The normalized types are the intent's and the stack seam's; re-exported for callers of this file.
export type { BgpNexthop, BgpPath, BgpPeer, BgpSummary } from "../../intents/bgp/state.js";
export type { Afi, RibNexthop, RibRoute } from "../stack.js";

// ---- show bgp summary json ------------------------------------------------------------
// FRR 8.4: one object per address family that has peers ({} without any):
// { "ipv4Unicast": { routerId, as, peers: { "<addr>": { remoteAs, localAs, state, peerState,
//   pfxRcd, pfxSnt, peerUptime, peerUptimeMsec, hostname?, desc?, ... } }, ... },
//   "ipv6Unicast": { ... } }
// An IPv6 neighbor appears under both families unless deactivated for IPv4.

interface RawSummaryPeer {
  remoteAs?: number;
  localAs?: number;
  state?: string;
  peerState?: string;
  pfxRcd?: number;
  pfxSnt?: number;
  peerUptime?: string;
  peerUptimeMsec?: number;
  hostname?: string;
  desc?: string;
}

interface RawSummaryAf {
  routerId?: string;
  as?: number;
  peers?: Record<string, RawSummaryPeer>;
}

/** Peers from `show bgp summary json`, one per neighbor address (families merged). */
export function parseBgpSummary(json: unknown): BgpPeer[] {
  const peers = new Map<string, BgpPeer>();
  if (!json || typeof json !== "object") return [];
  for (const [family, value] of Object.entries(json as Record<string, RawSummaryAf>)) {
    if (!value || typeof value !== "object" || !value.peers) continue;
    for (const [address, p] of Object.entries(value.peers)) {
      const pfxRcd = p.pfxRcd ?? 0;
      const pfxSnt = p.pfxSnt ?? 0;
      let peer = peers.get(address);
      if (!peer) {
        const state = p.state ?? "unknown";
        peer = {
          address,
          remoteAs: p.remoteAs ?? 0,
          localAs: p.localAs,
          state,
          established: state === "Established",
          peerState: p.peerState,
          policyBlocked: state === "Established" && p.peerState === "Policy",
          pfxRcd: 0,
          pfxSnt: 0,
          families: {},
          uptime: p.peerUptime ?? "never",
          uptimeMsec: p.peerUptimeMsec ?? 0,
          hostname: p.hostname,
          description: p.desc,
        };
        peers.set(address, peer);
      }
      peer.families[family] = { pfxRcd, pfxSnt };
      peer.pfxRcd += pfxRcd;
      peer.pfxSnt += pfxSnt;
    }
  }
  return [...peers.values()];
}

/** The instance's own AS and router id with its peers, from the same `show bgp summary json`. */
export function parseBgpInstance(json: unknown): BgpSummary {
  const afs = Object.values((json ?? {}) as Record<string, RawSummaryAf>).filter((v) => v && typeof v === "object");
  return {
    asn: afs.find((v) => typeof v.as === "number")?.as,
    routerId: afs.find((v) => typeof v.routerId === "string")?.routerId,
    peers: parseBgpSummary(json),
  };
}

/**
 * BGP neighbors of a node with their session state. Throws when bgpd does not answer
 * ("bgpd is not running"); [] when bgpd runs without neighbors.
 */
export async function bgpSummary(pathspace: string): Promise<BgpPeer[]> {
  return parseBgpSummary(await vtyshJson<unknown>(pathspace, "show bgp summary json"));
}

// ---- show bgp <afi> unicast json ------------------------------------------------------
// FRR 8.4: { vrfId, vrfName, routerId, localAS, routes: { "<prefix>": [ { valid, bestpath?,
//   multipath?, pathFrom, path: "65002 65003", origin, weight, metric, peerId,
//   nexthops: [ { ip, hostname, afi, scope?, used? } ] } ] } }
// Without a BGP instance: { "warning": "Default BGP instance not found" }.

interface RawNexthop {
  ip?: string;
  hostname?: string;
  afi?: string;
  scope?: string;
  used?: boolean;
}

interface RawBgpPath {
  valid?: boolean;
  bestpath?: boolean | { overall?: boolean };
  multipath?: boolean;
  pathFrom?: string;
  path?: string;
  aspath?: { string?: string };
  origin?: string;
  weight?: number;
  metric?: number;
  locPrf?: number;
  peerId?: string;
  nexthops?: RawNexthop[];
}

/** Routes by prefix from `show bgp ipv4|ipv6 unicast json` (`show ip bgp json`). */
export function parseBgpRoutes(json: unknown): Record<string, BgpPath[]> {
  const out: Record<string, BgpPath[]> = {};
  const routes = (json as { routes?: Record<string, RawBgpPath[] | { paths?: RawBgpPath[] }> } | null)?.routes;
  if (!routes || typeof routes !== "object") return out;
  for (const [prefix, value] of Object.entries(routes)) {
    const paths = Array.isArray(value) ? value : (value?.paths ?? []);
    out[prefix] = paths.map((p) => ({
      valid: p.valid ?? false,
      bestpath: typeof p.bestpath === "object" ? p.bestpath?.overall === true : p.bestpath === true,
      multipath: p.multipath ?? false,
      aspath: p.path ?? p.aspath?.string ?? "",
      origin: p.origin,
      pathFrom: p.pathFrom,
      peerId: p.peerId,
      weight: p.weight,
      metric: p.metric,
      locPrf: p.locPrf,
      nexthops: (p.nexthops ?? []).map((n) => ({
        ip: n.ip ?? "",
        afi: n.afi,
        scope: n.scope,
        used: n.used ?? false,
        hostname: n.hostname,
      })),
    }));
  }
  return out;
}

/** The node's BGP table for one address family (unicast), by prefix; {} without BGP. */
export async function bgpRoutes(pathspace: string, afi: Afi = "ipv4"): Promise<Record<string, BgpPath[]>> {
  return parseBgpRoutes(await vtyshJson<unknown>(pathspace, `show bgp ${afi} unicast json`));
}

// ---- show ip route json / show ipv6 route json ----------------------------------------
// FRR 8.4: { "<prefix>": [ { prefix, prefixLen, protocol, vrfName, selected?, destSelected?,
//   distance, metric, installed?, table, uptime, nexthops: [ { flags, fib?, ip?, afi?,
//   directlyConnected?, interfaceIndex, interfaceName, active? } ] } ] }

interface RawRibNexthop {
  ip?: string;
  afi?: string;
  interfaceName?: string;
  interfaceIndex?: number;
  active?: boolean;
  fib?: boolean;
  directlyConnected?: boolean;
}

interface RawRibRoute {
  prefix?: string;
  protocol?: string;
  selected?: boolean;
  installed?: boolean;
  distance?: number;
  metric?: number;
  table?: number;
  uptime?: string;
  nexthops?: RawRibNexthop[];
}

export function parseIpRoutes(json: unknown): Record<string, RibRoute[]> {
  const out: Record<string, RibRoute[]> = {};
  if (!json || typeof json !== "object") return out;
  for (const [prefix, list] of Object.entries(json as Record<string, RawRibRoute[]>)) {
    if (!Array.isArray(list)) continue;
    out[prefix] = list.map((r) => ({
      prefix: r.prefix ?? prefix,
      protocol: r.protocol ?? "unknown",
      selected: r.selected ?? false,
      installed: r.installed ?? false,
      distance: r.distance ?? 0,
      metric: r.metric ?? 0,
      uptime: r.uptime,
      nexthops: (r.nexthops ?? []).map((n) => ({
        ip: n.ip,
        interfaceName: n.interfaceName,
        active: n.active ?? false,
        fib: n.fib ?? false,
        directlyConnected: n.directlyConnected ?? false,
      })),
    }));
  }
  return out;
}

/** zebra's RIB for one address family, by prefix. */
export async function ipRoutes(pathspace: string, afi: Afi = "ipv4"): Promise<Record<string, RibRoute[]>> {
  return parseIpRoutes(
    await vtyshJson<unknown>(pathspace, afi === "ipv4" ? "show ip route json" : "show ipv6 route json"),
  );
}

// ---- readiness ------------------------------------------------------------------------

/** Daemons answering on the node's vty sockets (`show daemons`); [] when none does. */
export async function runningDaemons(pathspace: string): Promise<string[]> {
  try {
    const out = await vtysh(pathspace, ["show daemons"], { timeoutMs: 5000 });
    return out.split(/\s+/).filter(Boolean);
  } catch (e) {
    // "Exiting: failed to connect to any daemons." (exit 1): nothing is up yet.
    if (e instanceof VtyshError) return [];
    throw e;
  }
}

/**
 * Whether the daemon answers on its vty socket. A cheap probe (one vtysh, ~30 ms); stale
 * sockets and pid files of a dead daemon do not count (vtysh cannot connect to them).
 */
export async function frrRunning(pathspace: string, daemon = "zebra"): Promise<boolean> {
  return (await runningDaemons(pathspace)).includes(daemon);
}

/** Polls until every daemon answers; returns those still missing when the time runs out. */
export async function waitForDaemons(
  pathspace: string,
  daemons: readonly string[],
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<string[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const up = new Set(await runningDaemons(pathspace));
    const missing = daemons.filter((d) => !up.has(d));
    if (!missing.length || Date.now() > deadline) return missing;
    await delay(opts.intervalMs ?? 50);
  }
}
