// BGP intent of a node → BgpModel: the router-id (given, else derived from the addresses),
// networks, originated prefixes, route reflection, and each neighbor (neighbors.ts), plus
// an interface neighbor on every port whose link is `bgp: { unnumbered: true }`. Node-wide
// settings are applied to the neighbors here: bgp.rr, bgp.bfd and a link's bfd. Errors
// point at the place in the file.
import { familyOf, ipString, parseIp, parsePrefix } from "../../topology/address.js";
import { q } from "../../topology/errors.js";
import type { NodeDraft, ResolveContext } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import { bgpLinkSettings, unnumberedPath } from "./links.js";
import type { BgpModel, BgpNeighborModel } from "./model.js";
import { interfaceNeighbor, resolveNeighbor } from "./neighbors.js";

/** The node's BGP intent, or undefined when it has no `bgp:`. */
export function resolveBgp(ctx: ResolveContext, node: NodeDraft): BgpModel | undefined {
  const b = node.input.bgp;
  if (!b) {
    refuseUnnumberedWithoutBgp(ctx, node);
    return undefined;
  }
  const bpath: Path = [...node.path, "bgp"];
  const routerId = resolveRouterId(ctx, node, bpath);
  const networks = prefixes(ctx, node, b.networks ?? [], [...bpath, "networks"], "network");
  if (b["advertise-loopbacks"]) {
    for (const a of node.loopback) {
      const host = `${a.cidr.addr}/${a.cidr.family === 4 ? 32 : 128}`;
      if (!networks.includes(host)) networks.push(host);
    }
  }
  const neighbors: BgpNeighborModel[] = [];
  const seen = new Map<string, { k: number; model: BgpNeighborModel }>();
  // A node name's second session (dual stack) gives way to the same address written out.
  const extras = new Set<BgpNeighborModel>();
  const add = (m: BgpNeighborModel, at: Path, k: number) => {
    const dup = seen.get(m.address);
    if (dup && extras.has(m)) return;
    if (dup && extras.has(dup.model)) neighbors.splice(neighbors.indexOf(dup.model), 1);
    else if (dup) {
      const what = m.unnumbered ? `on port ${m.port}` : m.address;
      ctx.fail(at, `BGP neighbor ${what} of ${node.name} is listed twice (also neighbor #${dup.k + 1})`);
    }
    seen.set(m.address, { k, model: m });
    neighbors.push(m);
  };
  (b.neighbors ?? []).forEach((nb, k) => {
    const npath: Path = [...bpath, "neighbors", k];
    const byName = typeof nb === "string" || (nb.address === undefined && nb.node !== undefined);
    resolveNeighbor(ctx, node, b.asn, nb, npath, k).forEach((m, i) => {
      if (byName && i > 0) extras.add(m);
      add(m, npath, k);
    });
  });
  // Unnumbered links need no neighbor entry: each end peers with the other over it.
  for (const port of node.ports) {
    if (port.link === undefined || !bgpLinkSettings(ctx.input, port.link).unnumbered) continue;
    if (neighbors.some((n) => n.unnumbered && n.port === port.name)) continue;
    const at = unnumberedPath(port.link);
    const peer = ctx.nodes.get(port.peer?.node ?? "");
    if (peer?.kind.role !== "router" || !peer.input.bgp) {
      ctx.fail(
        at,
        `link ${node.name}:${port.name} — ${port.peer?.node}:${port.peer?.port} is BGP unnumbered, but ${port.peer?.node} runs no BGP (no bgp settings)`,
      );
    }
    neighbors.push(interfaceNeighbor({ ctx, node, obj: {} }, port, peer, at));
  }
  applyNodeWide(ctx, node, b, neighbors);
  const redistribute: string[] = [];
  const maps: Record<string, string> = {};
  (b.redistribute ?? []).forEach((r, k) => {
    const source = typeof r === "string" ? r : r.source;
    if (redistribute.includes(source)) {
      ctx.fail([...bpath, "redistribute", k], `node ${q(node.name)} redistributes ${source} twice`);
    }
    redistribute.push(source);
    if (typeof r !== "string") maps[source] = r["route-map"];
  });
  const model: BgpModel = { asn: b.asn, routerId, networks, redistribute, neighbors };
  if (Object.keys(maps).length) model.redistributeMaps = maps;
  if (b.originate?.length)
    model.originate = prefixes(ctx, node, b.originate, [...bpath, "originate"], "originated prefix");
  if (b["cluster-id"] !== undefined) {
    const ip = parseIp(b["cluster-id"]);
    if (typeof ip === "string" || familyOf(ip) !== 4) {
      ctx.fail(
        [...bpath, "cluster-id"],
        `invalid cluster-id ${q(b["cluster-id"])} for node ${q(node.name)}: it must be an IPv4 address`,
      );
    }
    model.clusterId = ipString(ip);
  }
  return model;
}

/** bgp.rr (clients by default), then BFD: the neighbor's own, else its link's, else bgp.bfd. */
function applyNodeWide(
  ctx: ResolveContext,
  node: NodeDraft,
  b: NonNullable<NodeDraft["input"]["bgp"]>,
  neighbors: BgpNeighborModel[],
): void {
  for (const n of neighbors) {
    if (b.rr && n.remoteAs === b.asn && n.routeReflectorClient === undefined) n.routeReflectorClient = true;
    if (n.evpn === undefined && b.evpn) n.evpn = true;
    if (n.bfd === undefined) {
      const link = n.port === undefined ? undefined : node.portsByName.get(n.port)?.link;
      if (link !== undefined && bgpLinkSettings(ctx.input, link).bfd) n.bfd = true;
      else if (b.bfd) n.bfd = true;
    }
  }
}

/** A node without `bgp:` on an unnumbered link: the link's setting has no session to make. */
function refuseUnnumberedWithoutBgp(ctx: ResolveContext, node: NodeDraft): void {
  for (const port of node.ports) {
    if (port.link !== undefined && bgpLinkSettings(ctx.input, port.link).unnumbered) {
      ctx.fail(
        unnumberedPath(port.link),
        `link ${node.name}:${port.name} — ${port.peer?.node}:${port.peer?.port} is BGP unnumbered, but ${node.name} runs no BGP (no bgp settings)`,
      );
    }
  }
}

function prefixes(ctx: ResolveContext, node: NodeDraft, list: string[], at: Path, what: string): string[] {
  const out: string[] = [];
  list.forEach((n, k) => {
    const c = parsePrefix(n);
    if (typeof c === "string") ctx.fail([...at, k], `invalid ${what} ${q(n)} for node ${q(node.name)}: ${c}`);
    if (!out.includes(c.text)) out.push(c.text);
  });
  return out;
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
