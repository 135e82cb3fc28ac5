// Readiness from real FRR state: BGP neighbors read from `show bgp summary json`.
import { setTimeout as delay } from "node:timers/promises";
import { bgpSummary } from "../../frr/state.js";
import type { Lab } from "../../topology/model.js";
import { nsName } from "../paths.js";

export interface BgpProgress {
  /** Neighbor entries Established, summed over routers (a session counts at both ends). */
  established: number;
  /** Neighbor entries configured, summed over routers. */
  total: number;
  /** Routers whose bgpd answered. */
  answering: number;
  routers: number;
  done: boolean;
  timedOut: boolean;
  ms: number;
  /** Neighbors not Established, as `node → address (state)`. */
  down: string[];
}

const POLL_MS = 200;

/** Polls every BGP router until all its neighbors are Established or the timeout runs out. */
export async function waitForBgp(
  lab: Lab,
  opts: { timeoutMs: number; signal?: AbortSignal; onProgress?: (p: BgpProgress) => void },
): Promise<BgpProgress> {
  const routers = lab.nodes.filter((n) => n.kind === "frr" && n.frr?.daemons.includes("bgpd"));
  const t0 = performance.now();
  for (;;) {
    const results = await Promise.all(
      routers.map(async (n) => ({ node: n.name, peers: await bgpSummary(nsName(lab.name, n.name)).catch(() => null) })),
    );
    const p: BgpProgress = {
      established: 0,
      total: 0,
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
        if (peer.state === "Established") p.established++;
        else p.down.push(`${r.node} → ${peer.address} (${peer.state})`);
      }
    }
    p.done = p.answering === p.routers && p.established === p.total;
    opts.onProgress?.(p);
    if (p.done) return p;
    if (opts.signal?.aborted) throw new Error("deploy interrupted");
    if (p.ms > opts.timeoutMs) return { ...p, timedOut: true };
    await delay(POLL_MS);
  }
}
