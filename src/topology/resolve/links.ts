// Links: their endpoints (node:port, addresses, MTU), the cabling of ports (a port is cabled
// once; ports named only in links are created), and the kernel names of the cabled ports.
import type { LinkModel } from "../../core/model.js";
import { parsePrefix } from "../address.js";
import { q } from "../errors.js";
import { didYouMean } from "../issues.js";
import type { LinkInput } from "../schema.js";
import type { Path } from "../source.js";
import type { EndDraft, LinkDraft, PortDraft, ResolveContext } from "./context.js";
import { kernelIfname } from "./ifname.js";
import { checkPortName, parseAddresses } from "./nodes.js";

type EndpointIn = Extract<LinkInput, unknown[]>[number];

/** Kernel names that tunnel modules create in every network namespace when loaded. */
const KERNEL_RESERVED = new Set([
  "lo",
  "tunl0",
  "sit0",
  "ip6tnl0",
  "gre0",
  "gretap0",
  "erspan0",
  "ip6gre0",
  "ip_vti0",
  "ip6_vti0",
]);

/** `ip: unnumbered` (endpoint or link): the port borrows its node's loopback /32 (unnumbered.ts). */
const UNNUMBERED = "unnumbered";

export function readLink(ctx: ResolveContext, link: LinkInput, i: number): void {
  const lpath: Path = ["links", i];
  const short = Array.isArray(link);
  const eps: EndpointIn[] = short ? link : link.endpoints;
  const base: Path = short ? lpath : [...lpath, "endpoints"];
  if (eps.length !== 2) {
    const names = eps.map((e) => (typeof e === "string" ? e : e.endpoint)).join(", ");
    ctx.fail(
      lpath,
      `link #${i + 1} has ${eps.length} endpoint${eps.length === 1 ? "" : "s"}${names ? ` (${names})` : ""}; a link joins exactly two ports (use a bridge node for a shared segment)`,
    );
  }
  const ends = eps.map((ep, j) => readEndpoint(ctx, ep, [...base, j], i)) as [EndDraft, EndDraft];
  const l: LinkDraft = { index: i, path: lpath, ends, ports: [] as unknown as [PortDraft, PortDraft] };
  if (!short) {
    if (link.subnet !== undefined) {
      const c = parsePrefix(link.subnet);
      const spath: Path = [...lpath, "subnet"];
      if (typeof c === "string") {
        ctx.fail(spath, `invalid subnet ${q(link.subnet)} on link #${i + 1} (${endText(ends)}): ${c}`);
      }
      l.subnet = c;
      l.subnetPath = spath;
    }
    if (link.mtu !== undefined) l.mtu = link.mtu;
    if (link.ip === UNNUMBERED) for (const e of ends) e.unnumbered ??= [...lpath, "ip"];
  }
  ctx.links.push(l);
}

function endText(ends: readonly EndDraft[]): string {
  return ends.map((e) => (e.port === undefined ? e.node.name : `${e.node.name}:${e.port}`)).join(" — ");
}

function readEndpoint(ctx: ResolveContext, ep: EndpointIn, epPath: Path, link: number): EndDraft {
  const text = typeof ep === "string" ? ep : ep.endpoint;
  const textPath: Path = typeof ep === "string" ? epPath : [...epPath, "endpoint"];
  const colon = text.indexOf(":");
  const nodeName = colon < 0 ? text : text.slice(0, colon);
  const port = colon < 0 ? undefined : text.slice(colon + 1);
  if (nodeName === "") ctx.fail(textPath, `link endpoint ${q(text)} has no node name (write node:port)`);
  const node = ctx.nodes.get(nodeName);
  if (!node) {
    ctx.fail(
      textPath,
      `unknown node ${q(nodeName)} in link endpoint ${q(text)}${didYouMean(nodeName, [...ctx.nodes.keys()])}`,
    );
  }
  if (port === undefined) {
    if (node.kind.role !== "bridge") {
      ctx.fail(textPath, `link endpoint ${q(text)} needs a port: write ${nodeName}:<port> (only a bridge may omit it)`);
    }
  } else {
    if (port === "") ctx.fail(textPath, `link endpoint ${q(text)} has an empty port name`);
    if (port === "lo") ctx.fail(textPath, `port 'lo' of ${nodeName} is its loopback and cannot be cabled`);
    checkPortName(ctx, nodeName, port, textPath, "value");
    const key = `${nodeName}:${port}`;
    const prev = ctx.cabled.get(key);
    if (prev) {
      if (prev.link === link) ctx.fail(textPath, `link #${link + 1} joins port ${key} to itself`);
      ctx.fail(
        textPath,
        `port ${key} is used by two links (link #${prev.link + 1} at line ${ctx.line(prev.path)} and link #${link + 1})`,
      );
    }
    ctx.cabled.set(key, { link, path: textPath });
  }
  const end: EndDraft = { node, path: textPath, addrs: [] };
  if (port !== undefined) end.port = port;
  if (typeof ep !== "string") {
    if (ep.ip !== undefined && node.kind.role === "bridge") {
      ctx.fail(
        [...epPath, "ip"],
        `bridge ${q(nodeName)} has no addresses of its own: put addresses on the ports cabled to it`,
      );
    }
    if (ep.ip === UNNUMBERED) end.unnumbered = [...epPath, "ip"];
    else {
      end.addrs = parseAddresses(ctx, ep.ip, [...epPath, "ip"], port === undefined ? nodeName : `${nodeName}:${port}`);
    }
    if (ep.mtu !== undefined) end.mtu = ep.mtu;
    if (ep.mac !== undefined) end.mac = ep.mac;
  }
  return end;
}

/** Attaches every link end to its node's port (creating ports not listed under interfaces). */
export function cable(ctx: ResolveContext): void {
  for (const link of ctx.links) {
    const ports = link.ends.map((end, j) => {
      const other = link.ends[1 - j] as EndDraft;
      const name = end.port as string;
      let port = end.node.portsByName.get(name);
      if (!port) {
        port = { node: end.node.name, name, ifname: kernelIfname(name), addrs: [], at: end.path, atPart: "value" };
        end.node.ports.push(port);
        end.node.portsByName.set(name, port);
      }
      port.link = link.index;
      port.peer = { node: other.node.name, port: other.port as string };
      for (const a of end.addrs) if (!port.addrs.some((b) => b.cidr.text === a.cidr.text)) port.addrs.push(a);
      if (end.unnumbered) port.unnumbered = end.unnumbered;
      const mtu = end.mtu ?? port.mtu ?? link.mtu;
      if (mtu !== undefined) port.mtu = mtu;
      if (end.mac !== undefined) {
        port.mac = end.mac;
        port.macAt = [...end.path.slice(0, -1), "mac"];
      }
      return port;
    });
    link.ports = ports as [PortDraft, PortDraft];
  }
  for (const node of ctx.nodes.values()) {
    for (const port of node.ports) {
      if (port.link === undefined && !port.stub) {
        ctx.fail(
          port.at,
          `port ${q(port.name)} of node ${q(node.name)} is not cabled: no link uses ${node.name}:${port.name} (a port with no cable on purpose: stub: true)`,
          port.atPart,
        );
      }
      if (port.link !== undefined && port.stub) {
        ctx.fail(
          port.at,
          `port ${q(port.name)} of node ${q(node.name)} is a stub (no cable) but link #${port.link + 1} uses it`,
          port.atPart,
        );
      }
    }
  }
}

/** Kernel names of a node's ports: none reserved by the kernel, none taken twice. */
export function checkKernelNames(ctx: ResolveContext): void {
  for (const node of ctx.nodes.values()) {
    const seen = new Map<string, PortDraft>();
    for (const port of node.ports) {
      if (KERNEL_RESERVED.has(port.ifname)) {
        ctx.fail(
          port.at,
          `port ${q(port.name)} of node ${q(node.name)}: the kernel name ${q(port.ifname)} is taken by a device the kernel creates in every namespace; rename the port`,
          port.atPart,
        );
      }
      const prev = seen.get(port.ifname);
      if (prev) {
        ctx.fail(
          port.at,
          `ports ${q(prev.name)} and ${q(port.name)} of node ${q(node.name)} both map to kernel interface name ${q(port.ifname)}; rename one`,
          port.atPart,
        );
      }
      seen.set(port.ifname, port);
    }
  }
}

export function linkModel(ctx: ResolveContext, l: LinkDraft): LinkModel {
  const [a, b] = l.ports;
  const model: LinkModel = {
    index: l.index,
    a: { node: a.node, port: a.name },
    b: { node: b.node, port: b.name },
  };
  if (l.subnet) model.subnet = l.subnet.text;
  if (l.mtu !== undefined) model.mtu = l.mtu;
  model.pos = ctx.src.pos(l.path);
  return model;
}
