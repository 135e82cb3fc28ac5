// BGP intent of a node → BgpModel: the router-id (given, else derived from the addresses),
// networks, and each neighbor's address, AS and facing port, derived from the cabling when
// the neighbor is given by node name. Errors point at the neighbor as written.
import {
  contains,
  type Family,
  familyOf,
  type IP,
  ipString,
  isLinkLocal,
  parseIp,
  parsePrefix,
} from "../../topology/address.js";
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
import type { BgpModel, BgpNeighborModel } from "./model.js";

/** The node's BGP intent, or undefined when it has no `bgp:`. */
export function resolveBgp(ctx: ResolveContext, node: NodeDraft): BgpModel | undefined {
  const b = node.input.bgp;
  if (!b) return undefined;
  const bpath: Path = [...node.path, "bgp"];
  const routerId = resolveRouterId(ctx, node, bpath);
  const networks: string[] = [];
  (b.networks ?? []).forEach((n, k) => {
    const c = parsePrefix(n);
    if (typeof c === "string") {
      ctx.fail([...bpath, "networks", k], `invalid network ${q(n)} for node ${q(node.name)}: ${c}`);
    }
    if (!networks.includes(c.text)) networks.push(c.text);
  });
  const own = new Set(ownAddresses(node).map((a) => a.cidr.addr));
  const neighbors: BgpNeighborModel[] = [];
  const seen = new Map<string, number>();
  (b.neighbors ?? []).forEach((nb, k) => {
    const npath: Path = [...bpath, "neighbors", k];
    const obj = typeof nb === "string" ? { node: nb } : nb;
    const nodePath: Path = typeof nb === "string" ? npath : [...npath, "node"];
    const label = obj.node ?? obj.address ?? "";
    if (obj.node === undefined && obj.address === undefined) {
      ctx.fail(npath, `BGP neighbor #${k + 1} of ${node.name} needs a node or an address`);
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
    let remoteAs = obj["remote-as"];
    let address: IP;
    let port: PortDraft | undefined;
    if (obj.address !== undefined) {
      const apath: Path = [...npath, "address"];
      const ip = parseIp(obj.address);
      if (typeof ip === "string") {
        ctx.fail(apath, `invalid address ${q(obj.address)} of BGP neighbor of ${node.name}: ${ip}`);
      }
      if (own.has(ipString(ip))) {
        ctx.fail(apath, `BGP neighbor address ${ipString(ip)} is an address of ${node.name} itself`);
      }
      if (!peer) {
        const owner = ctx.owners.get(ipString(ip));
        if (owner && owner.node !== node.name) peer = ctx.nodes.get(owner.node);
      }
      remoteAs ??= peer?.input.bgp?.asn;
      if (remoteAs === undefined) {
        ctx.fail(npath, `BGP neighbor ${ipString(ip)} of ${node.name} needs remote-as`);
      }
      const candidates = myPort ? [myPort] : node.ports;
      const connected = candidates.find((p) => p.addrs.some((a) => contains(a.cidr, ip)));
      if (!connected && remoteAs !== b.asn && obj["ebgp-multihop"] === undefined) {
        ctx.fail(apath, `BGP neighbor ${q(label)} of ${node.name} is not reachable on any link`);
      }
      address = ip;
      port = myPort ?? connected;
    } else {
      const p = peer as NodeDraft;
      remoteAs ??= p.input.bgp?.asn;
      const pairs = ctx.facing(node, p).filter((c) => !myPort || c.mine === myPort);
      if (pairs.length === 0) {
        if (myPort) {
          ctx.fail(
            [...npath, "port"],
            `BGP neighbor ${q(p.name)} of ${node.name} is not reachable on port ${node.name}:${myPort.name}`,
          );
        }
        ctx.fail(nodePath, `BGP neighbor ${q(p.name)} of ${node.name} is not reachable on any link`);
      }
      if (remoteAs === undefined) {
        ctx.fail(nodePath, `BGP neighbor ${q(p.name)} of ${node.name} has no bgp settings; give its remote-as`);
      }
      let chosen: { ip: IP; port: PortDraft } | undefined;
      for (const c of pairs) {
        for (const fam of [4, 6] as const) {
          const theirs = pickAddress(c.theirs.addrs, fam);
          if (theirs && c.mine.addrs.some((a) => a.cidr.family === fam)) {
            chosen = { ip: theirs, port: c.mine };
            break;
          }
        }
        if (chosen) break;
      }
      if (!chosen) {
        const c = pairs[0] as { mine: PortDraft; theirs: PortDraft };
        ctx.fail(
          nodePath,
          `BGP neighbor ${q(p.name)} of ${node.name}: no addresses to peer over on ${node.name}:${c.mine.name} — ${p.name}:${c.theirs.name}; give both ends an address or write the neighbor's address`,
        );
      }
      address = chosen.ip;
      port = chosen.port;
    }
    const addrText = ipString(address);
    const dup = seen.get(addrText);
    if (dup !== undefined) {
      ctx.fail(npath, `BGP neighbor ${addrText} of ${node.name} is listed twice (also neighbor #${dup + 1})`);
    }
    seen.set(addrText, k);
    const model: BgpNeighborModel = { address: addrText, remoteAs };
    if (peer) model.node = peer.name;
    if (port) model.port = port.name;
    if (obj["ebgp-multihop"] !== undefined) model.ebgpMultihop = obj["ebgp-multihop"];
    if (obj["update-source"] !== undefined) {
      model.updateSource = updateSource(ctx, node, String(obj["update-source"]), [...npath, "update-source"], label);
    }
    if (obj.description !== undefined) model.description = obj.description;
    neighbors.push(model);
  });
  return { asn: b.asn, routerId, networks, redistribute: [...(b.redistribute ?? [])], neighbors };
}

/** bgp.router-id when given (an IPv4 address), else the node's default router-id. */
function resolveRouterId(ctx: ResolveContext, node: NodeDraft, bpath: Path): string {
  const given = node.input.bgp?.["router-id"];
  if (given !== undefined) {
    const ip = parseIp(given);
    if (typeof ip === "string" || familyOf(ip) !== 4) {
      ctx.fail(
        [...bpath, "router-id"],
        `invalid router-id ${q(given)} for node ${q(node.name)}: it must be an IPv4 address`,
      );
    }
    return ipString(ip);
  }
  const derived = ctx.routerId(node);
  if (derived === undefined) {
    ctx.fail(bpath, `node ${q(node.name)} has no IPv4 address to take a BGP router-id from; set bgp.router-id`, "key");
  }
  return derived;
}

/** update-source: an address of this node, `lo`, or a port by the user's name (as BgpNeighborModel.port). */
function updateSource(ctx: ResolveContext, node: NodeDraft, value: string, path: Path, label: string): string {
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
