// What checks and the web view ask of a node's FRR, through the channel that fits the node
// (channel.ts), parsed into the stack-neutral types (intents/bgp/state.ts, stack.ts).
import type { BgpPath, BgpPeer, BgpSummary } from "../../intents/bgp/state.js";
import type { IsisAdjacency } from "../../intents/isis/state.js";
import type { OspfNeighbor } from "../../intents/ospf/state.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import type { Afi, IgpState, QueryOptions, RibRoute } from "../stack.js";
import { showJson } from "./channel.js";
import { isisDetail, isisState, ospfState } from "./igp.js";
import { parseBgpInstance, parseBgpRoutes, parseIpRoutes } from "./state.js";

export async function bgpSummary(handle: NodeHandle, opts: QueryOptions = {}): Promise<BgpSummary> {
  return parseBgpInstance(await showJson<unknown>(handle, "show bgp summary json", opts.timeoutMs));
}

/** Throws when bgpd does not answer ("bgpd is not running"); [] when it runs without neighbors. */
export async function bgpPeers(handle: NodeHandle, opts: QueryOptions = {}): Promise<BgpPeer[]> {
  return (await bgpSummary(handle, opts)).peers;
}

/** The node's BGP table for one address family (unicast), by prefix; {} without BGP. */
export async function bgpRoutes(
  handle: NodeHandle,
  afi: Afi,
  opts: QueryOptions = {},
): Promise<Record<string, BgpPath[]>> {
  return parseBgpRoutes(await showJson<unknown>(handle, `show bgp ${afi} unicast json`, opts.timeoutMs));
}

/** zebra's RIB for one address family, by prefix. */
export async function ribRoutes(
  handle: NodeHandle,
  afi: Afi,
  opts: QueryOptions = {},
): Promise<Record<string, RibRoute[]>> {
  const cmd = afi === "ipv4" ? "show ip route json" : "show ipv6 route json";
  return parseIpRoutes(await showJson<unknown>(handle, cmd, opts.timeoutMs));
}

/** OSPF neighbors of both families (those whose daemon runs); throws when a daemon does not answer. */
export async function ospfNeighbors(handle: NodeHandle, opts: QueryOptions = {}): Promise<OspfNeighbor[]> {
  return (await ospfState(handle, opts.timeoutMs)).neighbors;
}

/** IS-IS adjacencies; throws when isisd does not answer. */
export async function isisAdjacencies(handle: NodeHandle, opts: QueryOptions = {}): Promise<IsisAdjacency[]> {
  return (await isisState(handle, opts.timeoutMs)).adjacencies;
}

/** OSPF and IS-IS as they run on the node, for those of `protocols` it runs; errors collected, not thrown. */
export async function igpState(
  handle: NodeHandle,
  protocols: readonly string[],
  opts: QueryOptions = {},
): Promise<IgpState> {
  const out: IgpState = { errors: [] };
  const why = (what: string, e: unknown) => `${what}: ${((e as Error).message ?? String(e)).split("\n")[0]}`;
  if (protocols.includes("ospf")) {
    try {
      const s = await ospfState(handle, opts.timeoutMs);
      out.ospf = { interfaces: s.ifaces, neighbors: s.neighbors };
    } catch (e) {
      out.errors.push(why("OSPF", e));
    }
  }
  if (protocols.includes("isis")) {
    try {
      const s = await isisDetail(handle, opts.timeoutMs);
      out.isis = { instance: s.instance, interfaces: s.ifaces, adjacencies: s.adjacencies };
    } catch (e) {
      out.errors.push(why("IS-IS", e));
    }
  }
  return out;
}
