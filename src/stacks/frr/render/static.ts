// The `static` intent in FRR: one `ip route` / `ipv6 route` line per route (staticd).
import { isIP } from "node:net";
import type { NodeModel } from "../../../core/model.js";
import { BLACKHOLE, type StaticRoute } from "../../../intents/static/model.js";
import { isV6Prefix, kernelName } from "./common.js";

export function renderStatic(node: NodeModel, routes: readonly StaticRoute[]): string[] {
  if (!routes.length) return [];
  const out = routes.map((r) => {
    // A next hop given as a port is written with the kernel name, the one FRR sees.
    const via = r.via === BLACKHOLE || isIP(r.via) ? r.via : kernelName(node, r.via);
    return `${isV6Prefix(r.to) ? "ipv6" : "ip"} route ${r.to} ${via}`;
  });
  out.push("!");
  return out;
}
