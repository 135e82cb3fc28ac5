// What checks and the web view ask of a node's BIRD, through its control socket (control.ts),
// parsed (parse.ts) into the stack-neutral types (intents/bgp/state.ts, stack.ts).
import type { BgpPath, BgpPeer, BgpSummary } from "../../intents/bgp/state.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import type { Afi, QueryOptions, RibRoute } from "../stack.js";
import { birdCommand } from "./control.js";
import { type BirdProtocol, type BirdRoute, parseProtocols, parseRoutes, sinceMs } from "./parse.js";
import { socketPath } from "./paths.js";
import { BGP_TABLES } from "./render/bgp.js";

const MASTER = { ipv4: "master4", ipv6: "master6" } as const;

function sock(handle: NodeHandle): string {
  return socketPath(handle.lab, handle.node.name);
}

export async function protocolsOf(handle: NodeHandle, timeoutMs?: number): Promise<BirdProtocol[]> {
  return parseProtocols(await birdCommand(sock(handle), "show protocols all", timeoutMs));
}

/** A duration as FRR prints peer uptimes: 01:02:03, 1d02h03m, 2w1d03h. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  const [d, h, m] = [Math.floor(s / 86400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (d === 0) return `${pad(Math.floor(s / 3600))}:${pad(m)}:${pad(s % 60)}`;
  if (d < 7) return `${d}d${pad(h)}h${pad(m)}m`;
  return `${Math.floor(d / 7)}w${d % 7}d${pad(h)}h`;
}

/** One BGP protocol as a peer. BIRD's `down` protocol (disabled) reads as FRR's `Idle (Admin)`. */
export function toPeer(p: BirdProtocol, now = new Date()): BgpPeer {
  const b = p.bgp ?? { state: "unknown", neighborAddress: "", neighborAs: 0, localAs: 0 };
  const state = p.state === "down" && b.state === "Down" ? "Idle (Admin)" : b.state;
  const families: BgpPeer["families"] = {};
  for (const c of p.channels) families[c.name] = { pfxRcd: c.imported, pfxSnt: c.exported };
  const since = sinceMs(p.since, now);
  const uptimeMsec = since === undefined ? 0 : now.getTime() - since;
  return {
    address: b.neighborAddress,
    remoteAs: b.neighborAs,
    localAs: b.localAs,
    state,
    established: state === "Established",
    peerState: p.state,
    // BIRD has no RFC 8212 default: an eBGP session without filters does not parse at all.
    policyBlocked: false,
    pfxRcd: p.channels.reduce((n, c) => n + c.imported, 0),
    pfxSnt: p.channels.reduce((n, c) => n + c.exported, 0),
    families,
    uptime: since === undefined ? "never" : formatUptime(uptimeMsec),
    uptimeMsec,
    description: p.description,
  };
}

export async function bgpSummary(handle: NodeHandle, opts: QueryOptions = {}): Promise<BgpSummary> {
  const protos = (await protocolsOf(handle, opts.timeoutMs)).filter((p) => p.bgp);
  const status = await birdCommand(sock(handle), "show status", opts.timeoutMs);
  const routerId = status.map((l) => /^Router ID is (\S+)/.exec(l.text)?.[1]).find(Boolean);
  return { asn: protos[0]?.bgp?.localAs, routerId, peers: protos.map((p) => toPeer(p)) };
}

/** Throws when bird does not answer ("bird is not running"); [] when it runs without BGP. */
export async function bgpPeers(handle: NodeHandle, opts: QueryOptions = {}): Promise<BgpPeer[]> {
  return (await protocolsOf(handle, opts.timeoutMs)).filter((p) => p.bgp).map((p) => toPeer(p));
}

const ORIGINS: Record<string, string> = { IGP: "IGP", EGP: "EGP", Incomplete: "incomplete" };

/** A route BIRD learned from a BGP peer, as a path of the BGP table. */
export function learnedPath(r: BirdRoute, from: BirdProtocol): BgpPath {
  const hops = (r.attrs["BGP.next_hop"] ?? "").split(/\s+/).filter(Boolean);
  return {
    valid: r.type === "unicast",
    bestpath: r.primary,
    multipath: false,
    aspath: (r.attrs["BGP.as_path"] ?? "").trim(),
    origin: ORIGINS[r.attrs["BGP.origin"] ?? ""] ?? r.attrs["BGP.origin"],
    pathFrom: from.bgp?.internal ? "internal" : "external",
    peerId: from.bgp?.neighborAddress,
    metric: r.attrs["BGP.med"] !== undefined ? Number(r.attrs["BGP.med"]) : undefined,
    locPrf: r.attrs["BGP.local_pref"] !== undefined ? Number(r.attrs["BGP.local_pref"]) : undefined,
    nexthops: hops.map((ip, i) => ({
      ip,
      scope: ip.includes(":") ? (/^fe[89ab]/i.test(ip) ? "link-local" : "global") : undefined,
      used: i === 0,
    })),
  };
}

/** A route of the node's own that BGP announces (a `network`, a redistributed one): FRR's local path. */
export function localPath(r: BirdRoute, afi: Afi): BgpPath {
  const origin = r.attrs["BGP.origin"];
  return {
    valid: true,
    bestpath: r.primary,
    multipath: false,
    aspath: "",
    origin: origin === undefined ? "IGP" : (ORIGINS[origin] ?? origin),
    peerId: "(unspec)",
    nexthops: [{ ip: afi === "ipv4" ? "0.0.0.0" : "::", used: true }],
  };
}

/**
 * A raw config's own announced routes: what BIRD exports to each BGP protocol that is not
 * a BGP route (asked per protocol: only while its session is up, BIRD's only view of it).
 */
async function exportedOwn(handle: NodeHandle, table: string, bgp: BirdProtocol[], timeoutMs?: number) {
  const found = new Map<string, BirdRoute>();
  for (const p of bgp) {
    // A protocol without a channel on this table answers "No valid tables": nothing to add.
    const lines = await birdCommand(sock(handle), `show route all table ${table} export ${p.name}`, timeoutMs).catch(
      () => [],
    );
    for (const r of parseRoutes(lines)) if (r.source !== "BGP" && !found.has(r.net)) found.set(r.net, r);
  }
  return [...found.values()];
}

/**
 * The node's BGP table for one address family, by prefix; {} without BGP on that family.
 * Intent configs have FRR's layout (render/bgp.ts): the BGP table holds the paths learned
 * from peers and the node's own announced routes, whatever the sessions' state. Raw configs
 * are read from the tables their BGP channels use.
 */
export async function bgpRoutes(
  handle: NodeHandle,
  afi: Afi,
  opts: QueryOptions = {},
): Promise<Record<string, BgpPath[]>> {
  const bgp = (await protocolsOf(handle, opts.timeoutMs)).filter((p) => p.bgp);
  const byName = new Map(bgp.map((p) => [p.name, p]));
  const out: Record<string, BgpPath[]> = {};
  const add = (net: string, path: BgpPath) => {
    out[net] = [...(out[net] ?? []), path];
  };
  const read = async (table: string) =>
    parseRoutes(await birdCommand(sock(handle), `show route all table ${table}`, opts.timeoutMs));
  if (handle.node.intents.bgp) {
    for (const r of await read(BGP_TABLES[afi].table)) {
      const from = byName.get(r.proto);
      add(r.net, from ? learnedPath(r, from) : localPath(r, afi));
    }
    return out;
  }
  const tables = new Set(
    bgp.flatMap((p) => p.channels.filter((c) => c.name === afi).map((c) => c.table ?? MASTER[afi])),
  );
  for (const table of tables) {
    for (const r of await exportedOwn(handle, table, bgp, opts.timeoutMs)) add(r.net, localPath(r, afi));
    for (const r of await read(table)) {
      const from = byName.get(r.proto);
      if (from) add(r.net, learnedPath(r, from));
    }
  }
  return out;
}

const RIB_PROTOCOLS: Record<string, string> = {
  device: "connected",
  static: "static",
  BGP: "bgp",
  inherit: "kernel",
  RIP: "rip",
  Babel: "babel",
};

/** BIRD's routing table for one family (master4/master6), by prefix (web view: a node's routes). */
export async function ribRoutes(
  handle: NodeHandle,
  afi: Afi,
  opts: QueryOptions = {},
): Promise<Record<string, RibRoute[]>> {
  const table = MASTER[afi];
  const kernels = (await protocolsOf(handle, opts.timeoutMs)).filter((p) => p.proto === "Kernel" && p.table === table);
  // In the kernel: what a kernel protocol exports, and connected routes (the kernel's own).
  const inKernel = new Set<string>();
  for (const k of kernels) {
    const lines = await birdCommand(sock(handle), `show route table ${table} export ${k.name}`, opts.timeoutMs);
    for (const r of parseRoutes(lines)) inKernel.add(r.net);
  }
  const out: Record<string, RibRoute[]> = {};
  for (const r of parseRoutes(await birdCommand(sock(handle), `show route all table ${table}`, opts.timeoutMs))) {
    const installed = r.primary && (r.source === "device" || inKernel.has(r.net));
    const route: RibRoute = {
      prefix: r.net,
      protocol: RIB_PROTOCOLS[r.source] ?? (r.source.startsWith("OSPF") ? "ospf" : r.source.toLowerCase()),
      selected: r.primary,
      installed,
      distance: r.preference,
      metric: r.igpMetric ?? 0,
      uptime: r.since,
      nexthops: r.nexthops.map((h) => ({
        ip: h.via,
        interfaceName: h.dev,
        active: r.primary,
        fib: installed,
        directlyConnected: h.via === undefined,
      })),
    };
    out[r.net] = [...(out[r.net] ?? []), route];
  }
  return out;
}
