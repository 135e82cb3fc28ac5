// What one BIRD router costs in RSS, for deploy's up-front memory check (core/limits.ts).
// Calibrated against `npm run bench` (docs/benchmarks.md, "Memory estimate"): BIRD 2.0.12
// routers of chains and Clos fabrics, 2 to 96 BGP sessions, up to ~2000 routes.
import type { Lab, NodeModel } from "../../core/model.js";
import { receivedRoutes } from "../../intents/bgp/routes-estimate.js";

/** One bird process with a lab's tables: 2.6-3.2 MB RSS measured (half of it shared libraries). */
export const BIRD_BASE_MB = 2.9;
/** Each BGP session: its protocol, channels and buffers, about 20 KB (96 sessions: +2 MB). */
export const BIRD_SESSION_MB = 0.022;

/**
 * Each route received, where the lab says how many (Gao-Rexford labs: intents/bgp/
 * routes-estimate.ts): 0.35 KB, fitted on the 1,000-AS internet's 1,000 routers (with it,
 * estimate ÷ RSS per router 0.73-1.11, median 1.02; without, the hubs were at 0.62x).
 */
export const BIRD_ROUTE_MB = 0.00035;

export function birdMemoryMb(node: NodeModel, lab?: Lab): number {
  const routes = lab ? (receivedRoutes(lab)?.get(node.name) ?? 0) : 0;
  return BIRD_BASE_MB + (node.intents.bgp?.neighbors.length ?? 0) * BIRD_SESSION_MB + routes * BIRD_ROUTE_MB;
}
