// One entry of `bgp.neighbors` → the sessions it means (BgpNeighborModel), each error at the
// entry as written. Four ways to name a peer:
// - by address: as written; the peer node is found by who owns the address;
// - by port alone: an interface neighbor (BGP unnumbered) on that port's link;
// - by node name, same AS, both with loopbacks (or `update-source: lo`): one session per
//   family both loopbacks have, between the loopbacks (reached through an IGP or static
//   routes, not necessarily a cable);
// - by node name otherwise: over the first link (or bridge segment) joining the two, one
//   session per family both ends have an address of there (IPv4 first); over an unnumbered
//   link, the interface neighbor.
import { contains, type Family, type IP, ipString, isLinkLocal, parseIp } from "../../topology/address.js";
import { q } from "../../topology/errors.js";
import { didYouMean } from "../../topology/issues.js";
import {
  type Addr,
  type NodeDraft,
  ownAddresses,
  type PortDraft,
  type ResolveContext,
} from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import { bgpLinkSettings } from "./links.js";
import type { BgpNeighborModel } from "./model.js";
import { neighborOptions } from "./options.js";
import type { BgpInput, BgpNeighborInput } from "./schema.js";

type NeighborIn = NonNullable<BgpInput["neighbors"]>[number];

const famName = (f: Family) => (f === 4 ? "IPv4" : "IPv6");

/** The sessions of neighbor entry #k of `node` (one, or one per family). */
export function resolveNeighbor(
  ctx: ResolveContext,
  node: NodeDraft,
  asn: number,
  nb: NeighborIn,
  npath: Path,
  k: number,
): BgpNeighborModel[] {
  const obj: BgpNeighborInput = typeof nb === "string" ? { node: nb } : nb;
  const nodePath: Path = typeof nb === "string" ? npath : [...npath, "node"];
  const label = obj.node ?? obj.address ?? (obj.port === undefined ? "" : `port ${obj.port}`);
  if (obj.node === undefined && obj.address === undefined && obj.port === undefined) {
    ctx.fail(npath, `BGP neighbor #${k + 1} of ${node.name} needs a node, an address or a port`);
  }
  let peer: NodeDraft | undefined;
  if (obj.node !== undefined) {
    peer = ctx.nodes.get(obj.node);
    if (!peer) {
      ctx.fail(
        nodePath,
        `BGP neighbor ${q(obj.node)} of ${node.name} is not a node of this lab${didYouMean(obj.node, [...ctx.nodes.keys()])}`,
      );
    }
    if (peer === node) ctx.fail(nodePath, `node ${q(node.name)} cannot be its own BGP neighbor`);
    if (peer.kind.role === "bridge") {
      ctx.fail(nodePath, `BGP neighbor ${q(peer.name)} of ${node.name} is a bridge; peer with a router cabled to it`);
    }
  }
  let myPort: PortDraft | undefined;
  if (obj.port !== undefined) {
    const pn = String(obj.port);
    myPort = node.portsByName.get(pn);
    if (!myPort) ctx.fail([...npath, "port"], `node ${q(node.name)} has no port ${q(pn)} (BGP neighbor ${q(label)})`);
  }
  const r = { ctx, node, asn, obj, npath, nodePath, label };
  let out: BgpNeighborModel[];
  if (obj.address !== undefined) out = [byAddress(r, peer, myPort)];
  else if (peer === undefined) out = [unnumbered(r, myPort as PortDraft)];
  else out = byNode(r, peer, myPort);
  const ibgp = (out[0] as BgpNeighborModel).remoteAs === asn;
  const options = neighborOptions(ctx, obj, npath, label, asn, ibgp);
  return out.map((m) => {
    const full: BgpNeighborModel = { ...m, ...options };
    if (obj["ebgp-multihop"] !== undefined) full.ebgpMultihop = obj["ebgp-multihop"];
    if (obj.description !== undefined) full.description = obj.description;
    return full;
  });
}

interface Req {
  ctx: ResolveContext;
  node: NodeDraft;
  asn: number;
  obj: BgpNeighborInput;
  npath: Path;
  nodePath: Path;
  label: string;
}

function withPeer(m: BgpNeighborModel, peer: NodeDraft | undefined, port: PortDraft | undefined): BgpNeighborModel {
  if (peer) m.node = peer.name;
  if (port) m.port = port.name;
  return m;
}

function byAddress(r: Req, given: NodeDraft | undefined, myPort: PortDraft | undefined): BgpNeighborModel {
  const { node, obj, npath } = r;
  const ctx: ResolveContext = r.ctx;
  const apath: Path = [...npath, "address"];
  const ip = parseIp(obj.address as string);
  if (typeof ip === "string")
    ctx.fail(apath, `invalid address ${q(obj.address)} of BGP neighbor of ${node.name}: ${ip}`);
  if (ownAddresses(node).some((a) => a.cidr.addr === ipString(ip))) {
    ctx.fail(apath, `BGP neighbor address ${ipString(ip)} is an address of ${node.name} itself`);
  }
  let peer = given;
  const owner = ctx.owners.get(ipString(ip));
  if (!peer && owner && owner.node !== node.name) peer = ctx.nodes.get(owner.node);
  const remoteAs = obj["remote-as"] ?? peer?.input.bgp?.asn;
  if (remoteAs === undefined) ctx.fail(npath, `BGP neighbor ${ipString(ip)} of ${node.name} needs remote-as`);
  const candidates = myPort ? [myPort] : node.ports;
  const connected = candidates.find((p) => p.addrs.some((a) => contains(a.cidr, ip)));
  const m: BgpNeighborModel = { address: ipString(ip), remoteAs };
  const source = updateSource(r);
  if (source !== undefined) m.updateSource = source;
  if (!connected && remoteAs !== r.asn && obj["ebgp-multihop"] === undefined) {
    // eBGP to the loopback of a router cabled to this one: one hop, only not on a subnet.
    const cabled = peer && owner?.port === undefined && ctx.facing(node, peer).length > 0;
    if (!(cabled && source === "lo")) {
      ctx.fail(apath, `BGP neighbor ${q(r.label)} of ${node.name} is not reachable on any link`);
    }
    m.disableConnectedCheck = true;
  }
  return withPeer(m, peer, myPort ?? connected);
}

/** `{ port: swp1 }`: the session runs over the port's link, on IPv6 link-local addresses. */
function unnumbered(r: Req, port: PortDraft): BgpNeighborModel {
  const { node, obj, npath } = r;
  const ctx: ResolveContext = r.ctx;
  const peerName = port.peer?.node as string;
  const peer = ctx.nodes.get(peerName) as NodeDraft;
  if (peer.kind.role === "bridge") {
    ctx.fail(
      [...npath, "port"],
      `BGP neighbor on port ${node.name}:${port.name} is an interface neighbor (BGP unnumbered), which needs a point-to-point link; ${port.name} is cabled to bridge ${q(peerName)}`,
    );
  }
  if (obj["update-source"] !== undefined) {
    ctx.fail([...npath, "update-source"], `an interface neighbor (BGP unnumbered) has no update-source`, "key");
  }
  return interfaceNeighbor(r, port, peer, [...npath, "port"]);
}

/** The interface neighbor on `port`, whose cable leads to `peer`. */
export function interfaceNeighbor(
  r: Pick<Req, "ctx" | "node" | "obj">,
  port: PortDraft,
  peer: NodeDraft,
  at: Path,
): BgpNeighborModel {
  const given = r.obj["remote-as"];
  const remoteAs = given ?? peer.input.bgp?.asn;
  const ctx: ResolveContext = r.ctx;
  if (remoteAs === undefined) {
    ctx.fail(at, `BGP peer ${q(peer.name)} on ${r.node.name}:${port.name} has no bgp settings; give its remote-as`);
  }
  const m: BgpNeighborModel = {
    address: port.ifname,
    remoteAs,
    unnumbered: true,
    families: ["ipv4", "ipv6"],
  };
  if (given !== undefined) m.remoteAsGiven = true;
  return withPeer(m, peer, port);
}

function byNode(r: Req, peer: NodeDraft, myPort: PortDraft | undefined): BgpNeighborModel[] {
  const { node, obj, nodePath } = r;
  const ctx: ResolveContext = r.ctx;
  const remoteAs = obj["remote-as"] ?? peer.input.bgp?.asn;
  if (remoteAs === undefined) {
    ctx.fail(nodePath, `BGP neighbor ${q(peer.name)} of ${node.name} has no bgp settings; give its remote-as`);
  }
  const ibgp = remoteAs === r.asn;
  const us = obj["update-source"] === undefined ? undefined : String(obj["update-source"]);
  const both = ([4, 6] as const).filter((f) => loopbackOf(node, f) && loopbackOf(peer, f));
  if (us === "lo" || (ibgp && us === undefined && both.length > 0 && myPort === undefined)) {
    return overLoopbacks(r, peer, remoteAs, both);
  }
  const pairs = ctx.facing(node, peer).filter((c) => !myPort || c.mine === myPort);
  if (pairs.length === 0) {
    if (myPort) {
      ctx.fail(
        [...r.npath, "port"],
        `BGP neighbor ${q(peer.name)} of ${node.name} is not reachable on port ${node.name}:${myPort.name}`,
      );
    }
    const hint = ibgp ? ` (give both loopback addresses to peer between them over an IGP or static routes)` : "";
    ctx.fail(nodePath, `BGP neighbor ${q(peer.name)} of ${node.name} is not reachable on any link${hint}`);
  }
  const first = pairs[0] as (typeof pairs)[number];
  if (first.mine.link !== undefined && bgpLinkSettings(ctx.input, first.mine.link).unnumbered) {
    return [interfaceNeighbor(r, first.mine, peer, nodePath)];
  }
  // The first pair with an address family in common; every family they share there.
  for (const c of pairs) {
    const out: BgpNeighborModel[] = [];
    for (const fam of [4, 6] as const) {
      const theirs = pickAddress(c.theirs.addrs, fam);
      if (!theirs || !c.mine.addrs.some((a) => a.cidr.family === fam)) continue;
      const m: BgpNeighborModel = { address: ipString(theirs), remoteAs };
      const source = updateSource(r);
      if (source !== undefined) m.updateSource = source;
      out.push(withPeer(m, peer, c.mine));
    }
    if (out.length) return out;
  }
  ctx.fail(
    nodePath,
    `BGP neighbor ${q(peer.name)} of ${node.name}: no addresses to peer over on ${node.name}:${first.mine.name} — ${peer.name}:${first.theirs.name}; give both ends an address, write the neighbor's address, or make the link bgp: { unnumbered: true }`,
  );
}

/**
 * Sessions between loopbacks: one per family both nodes have a loopback address of (with an
 * explicit `update-source: lo`, a family this node has and the peer lacks is refused).
 */
function overLoopbacks(r: Req, peer: NodeDraft, remoteAs: number, both: readonly Family[]): BgpNeighborModel[] {
  const { node, npath } = r;
  const ctx: ResolveContext = r.ctx;
  const explicit = r.obj["update-source"] !== undefined;
  const at: Path = explicit ? [...npath, "update-source"] : r.nodePath;
  const mine = ([4, 6] as const).filter((f) => loopbackOf(node, f));
  if (mine.length === 0) {
    ctx.fail(
      at,
      `BGP neighbor ${q(peer.name)} of ${node.name}: update-source lo, but ${node.name} has no loopback address (interfaces: { lo: { ip: … } })`,
    );
  }
  if (explicit && both.length === 0) {
    ctx.fail(
      at,
      `BGP neighbor ${q(peer.name)} of ${node.name} is peered over loopbacks (update-source lo), but ${peer.name} has no ${mine.map(famName).join(" or ")} loopback address (interfaces: { lo: { ip: … } })`,
    );
  }
  const cabled = ctx.facing(node, peer).length > 0;
  if (remoteAs !== r.asn && r.obj["ebgp-multihop"] === undefined && !cabled) {
    ctx.fail(
      at,
      `eBGP neighbor ${q(peer.name)} of ${node.name} is peered over loopbacks but not cabled to ${node.name}: set ebgp-multihop`,
    );
  }
  return both.map((fam) => {
    const m: BgpNeighborModel = { address: ipString(loopbackOf(peer, fam) as IP), remoteAs, updateSource: "lo" };
    // Directly cabled eBGP peers: TTL 1 reaches the loopback, but FRR checks that the
    // address is on a connected subnet first.
    if (remoteAs !== r.asn && r.obj["ebgp-multihop"] === undefined) m.disableConnectedCheck = true;
    return withPeer(m, peer, undefined);
  });
}

/** The node's loopback address of a family (the first written), if any. */
export function loopbackOf(node: NodeDraft, fam: Family): IP | undefined {
  return pickAddress(node.loopback, fam);
}

/** update-source: `lo`, an address of this node, or a port by the user's name (as BgpNeighborModel.port). */
function updateSource(r: Req): string | undefined {
  const { node, obj, npath, label } = r;
  const ctx: ResolveContext = r.ctx;
  if (obj["update-source"] === undefined) return undefined;
  const value = String(obj["update-source"]);
  const path: Path = [...npath, "update-source"];
  if (value === "lo") return "lo";
  const ip = parseIp(value);
  if (typeof ip !== "string") {
    if (!ownAddresses(node).some((a) => a.cidr.addr === ipString(ip))) {
      ctx.fail(path, `update-source ${ipString(ip)} of BGP neighbor ${q(label)} is not an address of ${node.name}`);
    }
    return ipString(ip);
  }
  const port = node.portsByName.get(value);
  if (!port) {
    ctx.fail(path, `update-source ${q(value)} of BGP neighbor ${q(label)} is not a port or address of ${node.name}`);
  }
  return port.name;
}

/** The address to peer with: the first of the family; for IPv6 a global one before link-local. */
function pickAddress(addrs: Addr[], fam: Family): IP | undefined {
  const list = addrs.filter((a) => a.cidr.family === fam);
  return (list.find((a) => !isLinkLocal(a.cidr.ip)) ?? list[0])?.cidr.ip;
}
