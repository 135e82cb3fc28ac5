// Addresses once the cabling is known: automatic addresses from `defaults.addressing`
// (allocated by addressing.ts), then the rules written and automatic addresses must meet on
// each link and bridge segment, and who owns each address (BGP neighbors by address).
import { bgpLinkSettings } from "../../intents/bgp/links.js";
import { isVniPort } from "../../intents/evpn/resolve.js";
import { type Cidr, contains, isLinkLocal, parseInterfaceAddress, sameSubnet } from "../address.js";
import { q } from "../errors.js";
import { allocateAddresses, PoolError } from "./addressing.js";
import type { Addr, NodeDraft, PortDraft, ResolveContext } from "./context.js";

/**
 * `defaults.addressing`: links between two non-bridge ports where neither end has an
 * address of a family (and no link subnet of it) get a subnet from that family's pool;
 * routers (frr nodes, and linux nodes with forwarding on) without a loopback address of a
 * family get one. In link order and node order; written addresses and subnets are never
 * reused. The result is ordinary addresses, checked below like written ones.
 */
export function autoAddress(ctx: ResolveContext): void {
  const settings = ctx.input.defaults?.addressing;
  if (!settings) return;
  const fam = (addrs: Addr[], f: 4 | 6) => addrs.some((a) => a.cidr.family === f);
  // A VNI's bridge port is layer 2 (resolve refuses an address on it): its link gets none;
  // the host across it carries its VNI's subnet as written.
  const l2 = (p: PortDraft) => {
    const n = ctx.nodes.get(p.node);
    return n !== undefined && isVniPort(n, p.name);
  };
  const p2p = ctx.links.filter(
    (l) => !ctx.isBridge(l.ports[0].node) && !ctx.isBridge(l.ports[1].node) && !l2(l.ports[0]) && !l2(l.ports[1]),
  );
  const links = p2p.map((l) => {
    const [a, b] = l.ports;
    const free = (f: 4 | 6) =>
      !fam(a.addrs, f) && !fam(b.addrs, f) && l.subnet?.family !== f && !(f === 4 && (a.unnumbered || b.unnumbered));
    return { needs4: free(4), needs6: free(6) };
  });
  const routers = [...ctx.nodes.values()].filter(
    (n) => n.kind.role === "router" || (n.kind.role === "host" && n.input.forwarding === true),
  );
  const taken: Cidr[] = [];
  for (const n of ctx.nodes.values()) {
    taken.push(...n.loopback.map((a) => a.cidr), ...n.subnets);
    for (const p of n.ports) taken.push(...p.addrs.map((a) => a.cidr));
  }
  for (const l of ctx.links) if (l.subnet) taken.push(l.subnet);
  let result: ReturnType<typeof allocateAddresses>;
  try {
    result = allocateAddresses(settings, {
      links,
      routers: routers.map((n) => ({ needs4: !fam(n.loopback, 4), needs6: !fam(n.loopback, 6) })),
      taken,
    });
  } catch (e) {
    if (e instanceof PoolError) ctx.fail(["defaults", "addressing", e.field], e.message);
    throw e;
  }
  const add = (list: Addr[], texts: string[], field: string) => {
    for (const t of texts) {
      const c = parseInterfaceAddress(t);
      if (typeof c === "string") throw new Error(`internal: auto address ${t}: ${c}`);
      list.push({ cidr: c, path: ["defaults", "addressing", field] });
    }
  };
  const v6 = (t: string) => t.includes(":");
  p2p.forEach((l, i) => {
    const r = result.links[i];
    if (!r) return;
    add(
      l.ports[0].addrs,
      r.a.filter((t) => !v6(t)),
      "p2p",
    );
    add(l.ports[0].addrs, r.a.filter(v6), "p2p6");
    add(
      l.ports[1].addrs,
      r.b.filter((t) => !v6(t)),
      "p2p",
    );
    add(l.ports[1].addrs, r.b.filter(v6), "p2p6");
  });
  routers.forEach((n, i) => {
    const lo = result.loopbacks[i] ?? [];
    add(
      n.loopback,
      lo.filter((t) => !v6(t)),
      "loopback",
    );
    add(n.loopback, lo.filter(v6), "loopback6");
  });
}

/** Addresses on links, link subnets and bridge segments agree. */
export function checkAddresses(ctx: ResolveContext): void {
  // Links between two non-bridge ports, and link subnets.
  for (const l of ctx.links) {
    const [a, b] = l.ports;
    if (l.subnet) {
      for (const p of l.ports) {
        if (ctx.isBridge(p.node)) continue;
        for (const addr of p.addrs) checkInSubnet(ctx, addr, p, l.subnet, `the link's subnet ${l.subnet.text}`);
      }
    }
    if (!ctx.isBridge(a.node) && !ctx.isBridge(b.node)) {
      checkSegment(ctx, [a, b], `link ${a.node}:${a.name} — ${b.node}:${b.name}`);
    }
  }
  // Bridge segments: the ports cabled to the bridges of one segment.
  const attached = new Map<string, { port: PortDraft; bridge: string }[]>();
  for (const l of ctx.links) {
    const [a, b] = l.ports;
    for (const [p, other] of [
      [a, b],
      [b, a],
    ] as const) {
      if (ctx.isBridge(p.node) || !ctx.isBridge(other.node)) continue;
      const seg = ctx.segment.get(other.node) as string;
      const list = attached.get(seg) ?? [];
      list.push({ port: p, bridge: other.node });
      attached.set(seg, list);
    }
  }
  // Bridges by segment, in one pass (per segment over every node was quadratic in bridges).
  const bridgesBySeg = new Map<string, NodeDraft[]>();
  for (const n of ctx.nodes.values()) {
    const seg = n.kind.role === "bridge" ? ctx.segment.get(n.name) : undefined;
    if (seg !== undefined) bridgesBySeg.set(seg, [...(bridgesBySeg.get(seg) ?? []), n]);
  }
  for (const [seg, list] of attached) {
    const bridges = bridgesBySeg.get(seg) ?? [];
    const subnets = bridges.flatMap((b) => b.subnets);
    for (const { port, bridge } of list) {
      for (const addr of port.addrs) {
        const fam = subnets.filter((s) => s.family === addr.cidr.family);
        if (fam.length === 0) continue;
        if (!fam.some((s) => contains(s, addr.cidr.ip) && s.len === addr.cidr.len)) {
          const text = fam.map((s) => s.text).join(", ");
          ctx.fail(
            addr.path,
            `address ${addr.cidr.text} of ${port.node}:${port.name} is not in the subnet of bridge ${q(bridge)} (${text})`,
          );
        }
      }
    }
    const first = list[0];
    const where =
      bridges.length > 1
        ? `the segment of bridges ${bridges.map((b) => q(b.name)).join(", ")}`
        : `bridge ${q(first?.bridge)}`;
    checkSegment(
      ctx,
      list.map((x) => x.port),
      where,
    );
  }
}

/**
 * Rules across the whole lab, after the per-link and per-segment ones (whose messages are
 * more precise): no address on two ports, no two ports of a node with overlapping subnets
 * (the kernel would route the overlap out of only one of them), and no link whose ends
 * both have addresses but of no common family (the two could not talk) unless the link is
 * BGP unnumbered (IPv6 link-local carries it). IPv6 link-local addresses repeat by design.
 */
export function checkLabAddresses(ctx: ResolveContext): void {
  // An unnumbered port's IPv4 address is its node's loopback's (on each such port).
  const global = (p: PortDraft) =>
    p.addrs.filter((a) => !isLinkLocal(a.cidr.ip) && !(p.unnumbered && a.cidr.family === 4));
  const owner = new Map<string, PortDraft>();
  for (const n of ctx.nodes.values()) {
    for (const p of n.ports) {
      for (const a of global(p)) {
        const prev = owner.get(a.cidr.addr);
        if (prev && prev !== p) {
          ctx.fail(
            a.path,
            `address ${a.cidr.addr} of ${p.node}:${p.name} is already used by ${prev.node}:${prev.name}: an address belongs to one port of the lab`,
          );
        }
        owner.set(a.cidr.addr, p);
      }
    }
  }
  for (const n of ctx.nodes.values()) {
    const seen: { addr: Addr; port: PortDraft }[] = [];
    for (const p of n.ports) {
      for (const a of global(p)) {
        const clash = seen.find((s) => s.port !== p && overlaps(s.addr.cidr, a.cidr));
        if (clash) {
          ctx.fail(
            a.path,
            `subnet of ${a.cidr.text} on ${p.node}:${p.name} overlaps the subnet of ${clash.addr.cidr.text} on ${clash.port.node}:${clash.port.name}: two ports of one node need separate subnets`,
          );
        }
        seen.push({ addr: a, port: p });
      }
    }
  }
  for (const l of ctx.links) {
    const [a, b] = l.ports;
    if (ctx.isBridge(a.node) || ctx.isBridge(b.node) || bgpLinkSettings(ctx.input, l.index).unnumbered) continue;
    const fams = (p: PortDraft) => new Set(global(p).map((x) => x.cidr.family));
    const [fa, fb] = [fams(a), fams(b)];
    if (fa.size === 0 || fb.size === 0 || [...fa].some((f) => fb.has(f))) continue;
    const only = (f: Set<4 | 6>) => [...f].map((x) => `IPv${x}`).join(" and ");
    const first = global(b)[0] as Addr;
    ctx.fail(
      first.path,
      `link ${a.node}:${a.name} — ${b.node}:${b.name}: ${a.node}:${a.name} has ${only(fa)} only, ${b.node}:${b.name} ${only(fb)} only; the ends need an address family in common (or make the link bgp: { unnumbered: true })`,
    );
  }
}

/** Whether two prefixes share addresses (one contains the other's network). */
function overlaps(x: Cidr, y: Cidr): boolean {
  if (x.family !== y.family) return false;
  return x.len <= y.len ? contains(x, y.ip) : contains(y, x.ip);
}

function checkInSubnet(ctx: ResolveContext, addr: Addr, port: PortDraft, subnet: Cidr, what: string): void {
  if (addr.cidr.family !== subnet.family) return;
  if (!contains(subnet, addr.cidr.ip)) {
    ctx.fail(addr.path, `address ${addr.cidr.text} of ${port.node}:${port.name} is not in ${what}`);
  }
  if (addr.cidr.len !== subnet.len) {
    ctx.fail(
      addr.path,
      `address ${addr.cidr.text} of ${port.node}:${port.name} has prefix length /${addr.cidr.len}, but ${what} is /${subnet.len}`,
    );
  }
}

/** Ports on one segment: no address twice, and addresses of a family on a common subnet. */
function checkSegment(ctx: ResolveContext, ports: PortDraft[], where: string): void {
  const seen = new Map<string, PortDraft>();
  for (const p of ports) {
    for (const a of p.addrs) {
      const prev = seen.get(a.cidr.addr);
      if (prev && prev !== p) {
        ctx.fail(
          a.path,
          `address ${a.cidr.addr} is used twice on ${where}: by ${prev.node}:${prev.name} and ${p.node}:${p.name}`,
        );
      }
      seen.set(a.cidr.addr, p);
    }
  }
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      const x = ports[i] as PortDraft;
      const y = ports[j] as PortDraft;
      for (const fam of [4, 6] as const) {
        const xs = x.addrs.filter((a) => a.cidr.family === fam && !isLinkLocal(a.cidr.ip));
        const ys = y.addrs.filter((a) => a.cidr.family === fam && !isLinkLocal(a.cidr.ip));
        if (xs.length === 0 || ys.length === 0) continue;
        // Two unnumbered ends: each borrows its own loopback, no common subnet by design.
        if (fam === 4 && x.unnumbered && y.unnumbered) continue;
        if (xs.some((a) => ys.some((b) => sameSubnet(a.cidr, b.cidr)))) continue;
        const [a, b] = [xs[0] as Addr, ys[0] as Addr];
        ctx.fail(
          b.path,
          `address ${b.cidr.text} of ${y.node}:${y.name} is not on the same subnet as ${a.cidr.text} of ${x.node}:${x.name} (${where})`,
        );
      }
    }
  }
}

/** Fills ctx.owners: address -> the port (or loopback) that carries it; first owner wins. */
export function findOwners(ctx: ResolveContext): void {
  const owners = ctx.owners;
  for (const n of ctx.nodes.values()) {
    for (const a of n.loopback) if (!owners.has(a.cidr.addr)) owners.set(a.cidr.addr, { node: n.name });
    for (const p of n.ports) {
      for (const a of p.addrs) if (!owners.has(a.cidr.addr)) owners.set(a.cidr.addr, { node: n.name, port: p.name });
    }
  }
}
