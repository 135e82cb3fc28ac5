// Rules between the two ends of a BGP session, once every node's intent is resolved:
// - BFD on one end only is refused. bfdd then keeps the session Down for good (the other end
//   never answers) and deploy would wait for it until its timeout, while BGP itself is up.
// - A relationship must be the converse at the other end (A says B is its customer: B says A
//   is its provider; peers both say peer), and given on both ends or neither: Gao-Rexford
//   policy on one end only leaks routes the other end would keep.
import type { NodeModel } from "../../core/model.js";
import type { ResolveContext } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import type { BgpNeighborModel, Relationship } from "./model.js";

/** What this node is to a neighbor that is `r` to it. */
export function converse(r: Relationship): Relationship {
  return r === "customer" ? "provider" : r === "provider" ? "customer" : "peer";
}

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

/** Where neighbor `n` of `node` is written: its entry in bgp.neighbors (a key of it when given), else bgp. */
function neighborPath(ctx: ResolveContext, node: NodeModel, n: BgpNeighborModel, key?: string): Path {
  const list = ctx.input.nodes[node.name]?.bgp?.neighbors ?? [];
  const k = list.findIndex((e) =>
    typeof e === "string"
      ? e === n.node
      : e.address !== undefined
        ? e.address === n.address
        : e.node !== undefined
          ? e.node === n.node
          : e.port !== undefined && String(e.port) === n.port,
  );
  if (k < 0) return ["nodes", node.name, "bgp"];
  const e = list[k];
  return key !== undefined && typeof e !== "string" && e?.[key as keyof typeof e] !== undefined
    ? ["nodes", node.name, "bgp", "neighbors", k, key]
    : ["nodes", node.name, "bgp", "neighbors", k];
}

function checkRelationship(
  ctx: ResolveContext,
  node: NodeModel,
  n: BgpNeighborModel,
  peer: NodeModel,
  m: BgpNeighborModel | undefined,
): void {
  if (!m || (n.relationship === undefined && m.relationship === undefined)) return;
  if (n.relationship === undefined) {
    ctx.fail(
      neighborPath(ctx, node, n),
      `${peer.name} says ${node.name} is its ${m.relationship}, but ${node.name}'s neighbor ${peer.name} has no relationship: give it relationship: ${converse(m.relationship as Relationship)}`,
    );
  }
  const want = converse(n.relationship);
  if (m.relationship !== want) {
    ctx.fail(
      neighborPath(ctx, node, n, "relationship"),
      `${node.name} says ${peer.name} is its ${n.relationship}, so ${peer.name} must say ${node.name} is its ${want}; it says ${m.relationship === undefined ? "nothing (no relationship)" : m.relationship}`,
    );
  }
}

export function checkBgpPairs(ctx: ResolveContext, nodes: readonly NodeModel[]): void {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const node of nodes) {
    for (const n of node.intents.bgp?.neighbors ?? []) {
      const peer = n.node === undefined ? undefined : byName.get(n.node);
      if (peer?.intents.bgp) checkRelationship(ctx, node, n, peer, otherEnd(node, n, peer));
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
