// The `static` intent in BIRD: one static protocol per address family (a BIRD static protocol
// has one channel), each route `route PREFIX via NEXTHOP;`. The kernel protocol of the
// header installs them in the kernel, as FRR's staticd does through zebra.
import type { NodeModel } from "../../../core/model.js";
import type { StaticRoute } from "../../../intents/static/model.js";
import { isLinkLocal6, isV6, portFacing } from "./common.js";

/** Names of the static protocols (`show protocols` lists them). */
export const STATIC_PROTOCOLS = { ipv4: "static4", ipv6: "static6" } as const;

function via(node: NodeModel, r: StaticRoute): string {
  // A link-local next hop is only meaningful on an interface: BIRD writes it `fe80::1%'eth0'`.
  if (!isLinkLocal6(r.via)) return r.via;
  const port = portFacing(node, r.via);
  return port ? `${r.via}%'${port.ifname}'` : r.via;
}

export function renderStatic(node: NodeModel, routes: readonly StaticRoute[]): string[] {
  const out: string[] = [];
  for (const [family, v6] of [
    ["ipv4", false],
    ["ipv6", true],
  ] as const) {
    const mine = routes.filter((r) => isV6(r.to) === v6);
    if (!mine.length) continue;
    out.push(`protocol static ${STATIC_PROTOCOLS[family]} {`, `  ${family};`);
    for (const r of mine) out.push(`  route ${r.to} via ${via(node, r)};`);
    out.push("}");
  }
  return out;
}
