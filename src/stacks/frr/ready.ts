// Readiness from real FRR state. A lab is converged when every BGP neighbor is Established,
// has sent its End-of-RIB for each family (its initial table is in), and the prefix counts
// and zebra's installed routes did not move between two polls (later updates that ride
// behind the first ones). Asked on the daemons' vty sockets: polling is nearly free.
import { setTimeout as delay } from "node:timers/promises";
import pLimit from "p-limit";
import { type BgpNeighbor, bgpNeighbors, initialSyncDone } from "./neighbors.js";
import { vtyJson } from "./vty.js";
import type { Lab } from "../../core/model.js";
import { nsName } from "../../core/paths.js";
import { frrOptions } from "./options.js";

export interface BgpProgress {
  /** Neighbor entries Established, summed over routers (a session counts at both ends). */
  established: number;
  /** Neighbor entries configured, summed over routers. */
  total: number;
  /** Neighbor entries whose initial table (End-of-RIB) has arrived. */
  synced: number;
  /** Routers whose bgpd answered. */
  answering: number;
  routers: number;
  /** All Established, all synced, and stable since the previous poll. */
  done: boolean;
  timedOut: boolean;
  ms: number;
  /** Neighbors not Established, as `node → address (state)`. */
  down: string[];
}

const POLL_MS = 200;

function fingerprint(results: { node: string; peers: BgpNeighbor[] | null; fib?: number | null }[]): string {
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

/** Polls every BGP router until it is converged (see above) or the timeout runs out. */
export async function waitForBgp(
  lab: Lab,
  opts: { timeoutMs: number; signal?: AbortSignal; onProgress?: (p: BgpProgress) => void },
): Promise<BgpProgress> {
  const routers = lab.nodes.filter((n) => n.stack?.name === "frr" && frrOptions(n)?.daemons.includes("bgpd"));
  const t0 = performance.now();
  let previous = "";
  // A bounded number of routers asked at once: file descriptors stay constant per lab size.
  const limit = pLimit(32);
  for (;;) {
    const results = await Promise.all(
      routers.map((n) =>
        limit(async () => ({
          node: n.name,
          // Container routers are asked through their own vtysh (docker runtime).
          peers: await (n.runtime.container
            ? import("../../runtimes/docker/deploy.js").then((d) => d.containerBgpNeighbors(lab.name, n))
            : bgpNeighbors(nsName(lab.name, n.name))
          ).catch(() => null),
          fib: n.runtime.container ? null : await fibRoutes(nsName(lab.name, n.name)),
        })),
      ),
    );
    const p: BgpProgress = {
      established: 0,
      total: 0,
      synced: 0,
      answering: 0,
      routers: routers.length,
      done: false,
      timedOut: false,
      ms: performance.now() - t0,
      down: [],
    };
    for (const r of results) {
      if (!r.peers) continue;
      p.answering++;
      for (const peer of r.peers) {
        p.total++;
        if (peer.established) p.established++;
        else p.down.push(`${r.node} → ${peer.address} (${peer.state})`);
        if (initialSyncDone(peer)) p.synced++;
      }
    }
    const print = fingerprint(results);
    p.done = p.answering === p.routers && p.established === p.total && p.synced === p.total && print === previous;
    previous = print;
    opts.onProgress?.(p);
    if (p.done) return p;
    if (opts.signal?.aborted) throw new Error("deploy interrupted");
    if (p.ms > opts.timeoutMs) return { ...p, timedOut: true };
    await delay(POLL_MS);
  }
}
