// What one BIRD router costs in RSS, for deploy's up-front memory check (core/limits.ts).
// Calibrated against `npm run bench` (docs/benchmarks.md, "Memory estimate"): BIRD 2.0.12
// routers of chains and Clos fabrics, 2 to 96 BGP sessions, up to ~2000 routes.
import type { NodeModel } from "../../core/model.js";

/** One bird process with a lab's tables: 2.6-3.2 MB RSS measured (half of it shared libraries). */
export const BIRD_BASE_MB = 2.9;
/** Each BGP session: its protocol, channels and buffers, about 20 KB (96 sessions: +2 MB). */
export const BIRD_SESSION_MB = 0.022;

export function birdMemoryMb(node: NodeModel): number {
  return BIRD_BASE_MB + (node.intents.bgp?.neighbors.length ?? 0) * BIRD_SESSION_MB;
}
