// IPv4 unnumbered links: both ends borrow their node's loopback IPv4 /32 (`ip: unnumbered` on
// an endpoint or the link, or the loopback address written on both ends). The port gets
// the /32 in the kernel; OSPF and IS-IS run point-to-point over it, and FRR installs the
// routes through the port with the peer's loopback as an on-link next hop. Refused where it
// cannot work: a host (no routing daemon to find the peer), a bridge segment (no
// point-to-point), one end only, a link no IGP runs over at both ends, or OSPF broadcast.
import type { LinkInput } from "../schema.js";
import type { Path } from "../source.js";
import type { Addr, NodeDraft, PortDraft, ResolveContext } from "./context.js";

function longLink(ctx: ResolveContext, index: number): Exclude<LinkInput, unknown[]> | undefined {
  const l = ctx.input.links?.[index];
  return l && !Array.isArray(l) ? l : undefined;
}

/** The loopback IPv4 /32 a port of `node` borrows (the lowest), if any. */
function loopback32(node: NodeDraft): Addr | undefined {
  return node.loopback
    .filter((a) => a.cidr.family === 4 && a.cidr.len === 32)
    .sort((x, y) => x.cidr.addr.localeCompare(y.cidr.addr, "en", { numeric: true }))[0];
}

/** The IGPs that run on both ends of the port's link (by the nodes' intents and the link's settings). */
function igpsAcross(ctx: ResolveContext, port: PortDraft, peer: NodeDraft, node: NodeDraft): string[] {
  const link = port.link === undefined ? undefined : longLink(ctx, port.link);
  const out: string[] = [];
  if (node.input.ospf && peer.input.ospf && link?.ospf !== false) out.push("ospf");
  if (node.input.isis && peer.input.isis && link?.isis !== false) out.push("isis");
  return out;
}

/** Marks and addresses unnumbered ports; run once automatic addresses are known. */
export function resolveUnnumbered(ctx: ResolveContext): void {
  // The loopback address written on a port: the same as `ip: unnumbered`.
  for (const node of ctx.nodes.values()) {
    for (const port of node.ports) {
      if (port.unnumbered || port.link === undefined) continue;
      const lo = port.addrs.find(
        (a) => a.cidr.family === 4 && a.cidr.len === 32 && node.loopback.some((l) => l.cidr.addr === a.cidr.addr),
      );
      if (lo) port.unnumbered = lo.path;
    }
  }
  // Hosts first: their refusal says more than their peer's (no IGP on both ends).
  for (const node of ctx.nodes.values()) {
    const port = node.ports.find((p) => p.unnumbered);
    if (port?.unnumbered && node.kind.role !== "router") {
      ctx.fail(
        port.unnumbered,
        `${node.name}:${port.name} is unnumbered, but ${node.name} is a ${node.kind.name} node: only routers (OSPF, IS-IS) can borrow a loopback address`,
      );
    }
  }
  for (const node of ctx.nodes.values()) {
    for (const port of node.ports) {
      const at = port.unnumbered;
      if (!at) continue;
      const where = `${node.name}:${port.name}`;
      const peerNode = port.peer ? ctx.nodes.get(port.peer.node) : undefined;
      const peer = peerNode?.portsByName.get(port.peer?.port ?? "");
      if (!peerNode || !peer || peerNode.kind.role === "bridge") {
        ctx.fail(at, `${where} is unnumbered: that takes a point-to-point link between two routers, not a bridge`);
      }
      if (!peer.unnumbered) {
        ctx.fail(
          at,
          `${where} is unnumbered but ${peerNode.name}:${peer.name} is not: both ends of a link borrow their loopback (ip: unnumbered on the link)`,
        );
      }
      const igps = igpsAcross(ctx, port, peerNode, node);
      if (!igps.length) {
        ctx.fail(
          at,
          `${where} is unnumbered, but OSPF or IS-IS does not run on both ends of the link: only an IGP finds the peer's loopback over it (BGP needs bgp: { unnumbered: true })`,
        );
      }
      const link = longLink(ctx, port.link as number);
      const ospf = link?.ospf === false ? undefined : link?.ospf;
      if (igps.includes("ospf") && ospf?.["network-type"] === "broadcast") {
        ctx.fail(
          ["links", port.link as number, "ospf", "network-type"],
          `link ${where} — ${peerNode.name}:${peer.name} is unnumbered: OSPF runs it point-to-point (a broadcast network needs a common subnet)`,
        );
      }
      const lo = loopback32(node);
      if (!lo) {
        ctx.fail(
          at,
          `${where} is unnumbered, but ${node.name} has no loopback IPv4 /32 to borrow (interfaces: { lo: { ip: … } })`,
        );
      }
      const own = port.addrs.filter((a) => a.cidr.family === 4 && a.cidr.addr !== lo.cidr.addr);
      if (own.length) {
        ctx.fail((own[0] as Addr).path, `${where} is unnumbered: it takes no IPv4 address of its own`);
      }
      if (!port.addrs.some((a) => a.cidr.addr === lo.cidr.addr))
        port.addrs.unshift({ cidr: lo.cidr, path: at as Path });
    }
  }
}
