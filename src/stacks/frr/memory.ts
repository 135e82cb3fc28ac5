// What one FRR router costs in RSS, for deploy's up-front memory check (core/limits.ts) and a
// pod's memory request. Calibrated against `npm run bench` (docs/benchmarks.md, "Memory
// estimate"): routers of chains and Clos fabrics, 1 to 96 BGP sessions, FRR 8.4 here.
import type { NodeModel } from "../../core/model.js";
import { daemonsFor } from "./daemons.js";

/** RSS of a daemon with a lab's few hundred routes; zebra and bgpd measured, the rest budgeted. */
export const FRR_DAEMON_MB: Readonly<Record<string, number>> = { zebra: 9.5, bgpd: 13.5 };
/** staticd, ospfd, isisd, bfdd, …: about 5 MB each (staticd measured). */
export const FRR_OTHER_DAEMON_MB = 5;
/**
 * Each BGP peer: bgpd 8.4 allocates a 640 KB input ring buffer per peer, resident once the
 * session is up, plus its output buffers (a 96-session spine: about 93 MB, a 2-session
 * chain router about 26 MB).
 */
export const FRR_PEER_MB = 0.7;

export function frrMemoryMb(node: NodeModel): number {
  const daemons = daemonsFor(node).reduce((mb, d) => mb + (FRR_DAEMON_MB[d] ?? FRR_OTHER_DAEMON_MB), 0);
  const peers = node.intents.bgp?.neighbors.length ?? 0;
  return daemons + peers * FRR_PEER_MB;
}
