// Rules between the two ends of a BGP session, once every node's intent is resolved: BFD
// on one end only is refused. bfdd then keeps the session Down for good (the other end
// never answers) and deploy would wait for it until its timeout, while BGP itself is up.
import type { NodeModel } from "../../core/model.js";
import type { ResolveContext } from "../../topology/resolve/context.js";
import type { BgpNeighborModel } from "./model.js";

function addressesOf(node: NodeModel): Set<string> {
  const bare = (c: string) => c.slice(0, c.indexOf("/"));
  return new Set([...node.loopback.map(bare), ...node.ports.flatMap((p) => p.addresses.map(bare))]);
}

/** The peer's neighbor entry for the same session as `n` of `node`, if the peer has one. */
export function otherEnd(node: NodeModel, n: BgpNeighborModel, peer: NodeModel): BgpNeighborModel | undefined {
  const back = (peer.intents.bgp?.neighbors ?? []).filter((m) => m.node === node.name);
  if (n.unnumbered) {
    const theirPort = node.ports.find((p) => p.name === n.port)?.peer?.port;
    return back.find((m) => m.unnumbered && m.port === theirPort);
  }
  const mine = addressesOf(node);
  return back.find((m) => !m.unnumbered && mine.has(m.address));
}

export function checkBgpPairs(ctx: ResolveContext, nodes: readonly NodeModel[]): void {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const node of nodes) {
    for (const n of node.intents.bgp?.neighbors ?? []) {
      const peer = n.node === undefined ? undefined : byName.get(n.node);
      if (!n.bfd || !peer?.intents.bgp) continue;
      const m = otherEnd(node, n, peer);
      if (m && !m.bfd) {
        const what = n.unnumbered ? `over port ${n.port}` : `(${n.address})`;
        ctx.fail(
          ["nodes", node.name, "bgp"],
          `BFD is on ${node.name}'s BGP session to ${peer.name} ${what} but not on ${peer.name}'s end: BFD needs both ends (set bfd on both neighbors, bgp.bfd on both nodes, or bfd: true on the link)`,
          "key",
        );
      }
    }
  }
}
