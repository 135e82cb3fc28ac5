// Static routes of a node: the destination is a prefix, the next hop an address of the
// same family on a connected subnet of the node (and not the node's own), or `blackhole`
// (also written `Null0`): a discard route.
import { contains, familyOf, ipString, parseIp, parsePrefix } from "../../topology/address.js";
import { q } from "../../topology/errors.js";
import type { NodeDraft, ResolveContext } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import { BLACKHOLE, type StaticRoute } from "./model.js";

/** A discard next hop: FRR's words for it (Null0 is Cisco's, FRR takes both). */
const DISCARD = /^(blackhole|null0)$/i;

/** The node's routes, or undefined when it has none (the model then has no `static`). */
export function resolveStatic(ctx: ResolveContext, node: NodeDraft): StaticRoute[] | undefined {
  const out: StaticRoute[] = [];
  (node.input.routes ?? []).forEach((r, k) => {
    const rpath: Path = [...node.path, "routes", k];
    const to = parsePrefix(r.to);
    if (typeof to === "string") {
      ctx.fail([...rpath, "to"], `invalid route destination ${q(r.to)} on node ${q(node.name)}: ${to}`);
    }
    const vpath: Path = [...rpath, "via"];
    if (DISCARD.test(r.via)) {
      out.push({ to: to.text, via: BLACKHOLE });
      return;
    }
    const via = parseIp(r.via);
    if (typeof via === "string") {
      ctx.fail(vpath, `invalid next hop ${q(r.via)} of the route to ${to.text} on node ${q(node.name)}: ${via}`);
    }
    if (familyOf(via) !== to.family) {
      ctx.fail(
        vpath,
        `next hop ${ipString(via)} of the route to ${to.text} on node ${q(node.name)} is IPv${familyOf(via)}, the destination IPv${to.family}`,
      );
    }
    const all = node.ports.flatMap((p) => p.addrs);
    if (all.some((a) => a.cidr.addr === ipString(via))) {
      ctx.fail(vpath, `next hop ${ipString(via)} of the route to ${to.text} is an address of ${node.name} itself`);
    }
    if (!all.some((a) => contains(a.cidr, via))) {
      ctx.fail(
        vpath,
        `next hop ${ipString(via)} of the route to ${to.text} on node ${q(node.name)} is not on a connected subnet of ${node.name}`,
      );
    }
    out.push({ to: to.text, via: ipString(via) });
  });
  return out.length ? out : undefined;
}
