// Bridges: ports of bridges written without a name (`[r1:1, br]`) get p1, p2, …; bridges
// cabled to one another form one segment; and which ports of two nodes face each other,
// directly or across a segment (BGP neighbors by node name use that).
import type { Facing, NodeDraft, PortDraft, ResolveContext } from "./context.js";

export function isBridge(ctx: ResolveContext, name: string): boolean {
  return ctx.nodes.get(name)?.kind.role === "bridge";
}

/** Bridge endpoints written without a port get p1, p2, ... in link order, skipping names in use. */
export function nameBridgePorts(ctx: ResolveContext): void {
  const next = new Map<string, number>();
  for (const link of ctx.links) {
    for (const end of link.ends) {
      if (end.port !== undefined) continue;
      const bridge = end.node.name;
      let k = next.get(bridge) ?? 0;
      let name: string;
      do {
        k++;
        name = `p${k}`;
      } while (end.node.portsByName.has(name) || ctx.cabled.has(`${bridge}:${name}`));
      next.set(bridge, k);
      end.port = name;
      ctx.cabled.set(`${bridge}:${name}`, { link: link.index, path: end.path });
    }
  }
}

/** Groups bridges cabled to one another into segments. */
export function buildSegments(ctx: ResolveContext): void {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  for (const n of ctx.nodes.values()) if (n.kind.role === "bridge") parent.set(n.name, n.name);
  for (const l of ctx.links) {
    const [a, b] = l.ends;
    if (a.node.kind.role === "bridge" && b.node.kind.role === "bridge")
      parent.set(find(a.node.name), find(b.node.name));
  }
  for (const name of parent.keys()) ctx.segment.set(name, find(name));
}

/** Pairs of (this node's port, peer's port) that share a link or a bridge segment, in link order. */
export function facing(ctx: ResolveContext, node: NodeDraft, peer: NodeDraft): Facing[] {
  const byLink = (ports: PortDraft[]) => [...ports].sort((a, b) => (a.link ?? 0) - (b.link ?? 0));
  const out: Facing[] = [];
  for (const mine of byLink(node.ports)) {
    if (!mine.peer) continue;
    if (mine.peer.node === peer.name) {
      const theirs = peer.portsByName.get(mine.peer.port);
      if (theirs) out.push({ mine, theirs });
    } else if (isBridge(ctx, mine.peer.node)) {
      const seg = ctx.segment.get(mine.peer.node);
      for (const theirs of byLink(peer.ports)) {
        if (theirs.peer && isBridge(ctx, theirs.peer.node) && ctx.segment.get(theirs.peer.node) === seg) {
          out.push({ mine, theirs });
        }
      }
    }
  }
  return out;
}
