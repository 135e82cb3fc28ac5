// Readiness from real FRR state (RoutingStack.waitReady). BGP is converged when every
// neighbor is Established, has sent its End-of-RIB for each family (its initial table is
// in), and the prefix counts and zebra's installed routes did not move between two polls
// (later updates that ride behind the first ones). Host-FS nodes are asked on the daemons'
// vty sockets (polling is nearly free); container nodes through the image's own vtysh.

import pLimit from "p-limit";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { pollUntilReady } from "../poll.js";
import type { ReadyOptions, ReadyProgress } from "../stack.js";
import { waitForBfd } from "./bfd.js";
import { vtyshInside } from "./channel.js";
import { daemonsFor } from "./daemons.js";
import { waitForEvpn } from "./evpn.js";
import { type BgpNeighbor, bgpNeighbors, initialSyncDone, parseBgpNeighbors } from "./neighbors.js";
import { waitForIgp } from "./ready-igp.js";
import { vtyJson } from "./vty.js";

/** BGP counters, ReadyProgress.detail of the "bgp" protocol. */
export interface BgpCounts {
  /** Neighbor entries Established, summed over routers (a session counts at both ends). */
  established: number;
  /** Neighbor entries configured, summed over routers. */
  total: number;
  /** Neighbor entries whose initial table (End-of-RIB) has arrived. */
  synced: number;
  /** Routers whose bgpd answered. */
  answering: number;
  routers: number;
}

interface Poll {
  node: string;
  peers: BgpNeighbor[] | null;
  fib: number | null;
}

function fingerprint(results: Poll[]): string {
  return results
    .map(
      (r) =>
        `${r.node}:${r.fib ?? ""}:${(r.peers ?? []).map((p) => `${p.address}/${p.state}/${p.accepted}/${p.sent}`).join(",")}`,
    )
    .join(";");
}

/**
 * Routes zebra has installed in the kernel (`show ip route summary json`, on zebra's vty
 * socket). Part of the stability check: bgpd's counts can hold still while zebra is still
 * installing what bgpd chose (seen on a 100-router fabric: half a second behind).
 */
async function fibRoutes(pathspace: string): Promise<number | null> {
  const s = await vtyJson<{ routesTotalFib?: number }>(pathspace, "zebra", "show ip route summary json").catch(
    () => null,
  );
  return s?.routesTotalFib ?? null;
}

/** A router's BGP neighbors; null while its bgpd does not answer. */
async function neighborsOf(handle: NodeHandle): Promise<BgpNeighbor[] | null> {
  const peers = handle.hostFs
    ? bgpNeighbors(handle.netns)
    : vtyshInside(handle, ["show bgp neighbors json"], 10_000).then((out) => parseBgpNeighbors(JSON.parse(out)));
  return peers.catch(() => null);
}

/** The one-line progress display: "BGP: 3/3 routers answering, 4/4 neighbors Established, …". */
export function bgpSummaryLine(c: BgpCounts): string {
  return `BGP: ${c.answering}/${c.routers} routers answering, ${c.established}/${c.total} neighbors Established, ${c.synced}/${c.total} initial tables in`;
}

/** Polls every BGP router until it is converged (see above) or the timeout runs out. */
export async function waitForBgp(handles: readonly NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  const routers = handles.filter((h) => daemonsFor(h.node).includes("bgpd"));
  let previous = "";
  // A bounded number of routers asked at once: file descriptors stay constant per lab size.
  const limit = pLimit(32);
  return pollUntilReady(opts, async () => {
    const results = await Promise.all(
      routers.map((h) =>
        limit(
          async (): Promise<Poll> => ({
            node: h.node.name,
            peers: await neighborsOf(h),
            fib: h.hostFs ? await fibRoutes(h.netns) : null,
          }),
        ),
      ),
    );
    const c: BgpCounts = { established: 0, total: 0, synced: 0, answering: 0, routers: routers.length };
    const down: string[] = [];
    for (const r of results) {
      if (!r.peers) continue;
      c.answering++;
      for (const peer of r.peers) {
        c.total++;
        if (peer.established) c.established++;
        else down.push(`${r.node} → ${peer.address} (${peer.state})`);
        if (initialSyncDone(peer)) c.synced++;
      }
    }
    const print = fingerprint(results);
    const done = c.answering === c.routers && c.established === c.total && c.synced === c.total && print === previous;
    previous = print;
    return { protocol: "bgp", done, summary: bgpSummaryLine(c), down, detail: { ...c } };
  });
}

/** RoutingStack.waitReady: the protocols of protocolsFor() (daemons.ts). */
export function waitReady(protocol: string, handles: NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  if (protocol === "bgp") return waitForBgp(handles, opts);
  if (protocol === "ospf" || protocol === "isis") return waitForIgp(protocol, handles, opts);
  if (protocol === "bfd") return waitForBfd(handles, opts);
  if (protocol === "evpn") return waitForEvpn(handles, opts);
  return Promise.reject(new Error(`frr: no readiness check for protocol '${protocol}'`));
}
