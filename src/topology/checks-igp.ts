// The IGP checks' neighbor (`ospf-neighbor`, `isis-adjacency`): a node name or a router-id,
// resolved through the model so a typo or a node that is not a neighbor fails at
// file:line:col. Kept beside checks.ts, which calls these with its own `fail`.
import type { IgpPeerRef, Lab, NodeModel } from "../core/model.js";
import { runsIsis } from "../intents/isis/index.js";
import { runsOspf } from "../intents/ospf/index.js";
import { familyOf, ipString, parseIp } from "./address.js";
import { nodeOrError } from "./endpoints.js";
import { q } from "./errors.js";

type Fail = (message: string) => never;

function addressesOf(node: NodeModel): string[] {
  return [...node.loopback, ...node.ports.flatMap((p) => p.addresses)].map((c) => c.slice(0, c.indexOf("/")));
}

/** The router a check asks about, refused when it runs no OSPF (`igp` "OSPF") or IS-IS. */
export function igpRouter(lab: Lab, name: string, igp: "OSPF" | "IS-IS", fail: Fail): NodeModel {
  const n = nodeOrError(lab, name);
  if (typeof n === "string") fail(n);
  const runs = igp === "OSPF" ? runsOspf(n) : runsIsis(n);
  if (n.role !== "router" || !runs)
    fail(`${name} does not run ${igp}${n.role === "router" ? "" : ` (a ${n.kind} node)`}`);
  return n;
}

/** An OSPF neighbor of `node` by node name or router-id, with the families they peer in. */
export function ospfNeighborRef(
  lab: Lab,
  node: NodeModel,
  text: string,
  fail: Fail,
  port?: string,
): { ref: IgpPeerRef; families: (4 | 6)[] } {
  const ospf = node.intents.ospf;
  const peers = ospf?.interfaces.filter((i) => port === undefined || i.port === port).flatMap((i) => i.peers) ?? [];
  const known = () => (peers.length ? ` (its neighbors: ${[...new Set(peers.map((p) => p.node))].join(", ")})` : "");
  const ip = parseIp(text);
  if (typeof ip !== "string") {
    if (familyOf(ip) !== 4) fail(`an OSPF router-id is an IPv4 address, not ${ipString(ip)}`);
    const rid = ipString(ip);
    const mine = peers.filter((p) => p.routerId === rid);
    if (ospf && !mine.length) fail(`${rid} is not the router-id of an OSPF neighbor of ${node.name}${known()}`);
    return { ref: { label: rid, ids: [rid], addresses: [] }, families: families(mine) };
  }
  const peer = nodeOrError(lab, text);
  if (typeof peer === "string") fail(`OSPF neighbor ${q(text)} of ${node.name}: ${peer}`);
  if (ospf) {
    const mine = peers.filter((p) => p.node === peer.name);
    if (!mine.length) {
      fail(
        `${peer.name} is not an OSPF neighbor of ${node.name}${port === undefined ? "" : ` on port ${port}`}${known()}`,
      );
    }
    return {
      ref: { label: peer.name, ids: [...new Set(mine.map((p) => p.routerId))], addresses: [] },
      families: families(mine),
    };
  }
  // Raw config: the peer's router-id when its own intent says, else any of its addresses.
  const rid = peer.intents.ospf?.routerId;
  return { ref: { label: peer.name, ids: rid ? [rid] : [], addresses: addressesOf(peer) }, families: [] };
}

function families(peers: readonly { families: (4 | 6)[] }[]): (4 | 6)[] {
  return ([4, 6] as const).filter((f) => peers.some((p) => p.families.includes(f)));
}

/** An IS-IS neighbor of `node` by node name: its hostname and system id. */
export function isisNeighborRef(lab: Lab, node: NodeModel, text: string, fail: Fail): IgpPeerRef {
  const peer = nodeOrError(lab, text);
  if (typeof peer === "string") fail(`IS-IS neighbor ${q(text)} of ${node.name}: ${peer}`);
  const isis = node.intents.isis;
  if (isis) {
    const peers = isis.interfaces.flatMap((i) => i.peers);
    const mine = peers.filter((p) => p.node === peer.name);
    if (!mine.length) {
      const names = [...new Set(peers.map((p) => p.node))];
      fail(
        `${peer.name} is not an IS-IS neighbor of ${node.name}${names.length ? ` (its neighbors: ${names.join(", ")})` : ""}`,
      );
    }
    return { label: peer.name, ids: [peer.name, ...new Set(mine.map((p) => p.systemId))], addresses: [] };
  }
  const sid = peer.intents.isis?.systemId;
  return { label: peer.name, ids: sid ? [peer.name, sid] : [peer.name], addresses: [] };
}
