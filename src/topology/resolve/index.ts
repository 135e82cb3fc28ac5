// Network-level validation and model building: everything the schema alone cannot say
// (unknown nodes, ports cabled twice, subnets, BGP peers), each error pointing at the
// place in the file that causes it. The result is the resolved Lab model.

import { ALL_KINDS, type Kind, kindOf } from "../../kinds/index.js";
import {
  type Cidr,
  compareIp,
  contains,
  type Family,
  familyOf,
  type IP,
  ipString,
  isLinkLocal,
  parseInterfaceAddress,
  parseIp,
  parsePrefix,
  sameSubnet,
} from "../address.js";
import { allocateAddresses, PoolError } from "./addressing.js";
import { resolveChecks } from "../checks.js";
import { q, TopologyError } from "../errors.js";
import { kernelIfname } from "./ifname.js";
import { resolveImpairments } from "../impairment.js";
import { didYouMean } from "../issues.js";
import type { Lab, LinkModel, NodeModel, PortModel, PortRef } from "../../core/model.js";
import type { BgpModel, BgpNeighborModel } from "../../intents/bgp/model.js";
import type { StaticRoute } from "../../intents/static/model.js";
import type { FrrOptionsModel } from "../../stacks/frr/options.js";
import { applyRuntime } from "./runtime.js";
import { LAB_NAME, type LinkInput, NODE_NAME, type NodeInput, type TopologyInput } from "../schema.js";
import { orderedKeys, type Path, type PosPart, type SourceInfo } from "../source.js";

type NodeIn = NonNullable<NodeInput>;
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

/** The daemons a configuration needs, in the order FRR lists them (zebra first). */
const DAEMON_ORDER = ["zebra", "staticd", "bgpd", "ospfd", "ospf6d", "ripd", "isisd", "bfdd"] as const;

interface Addr {
  cidr: Cidr;
  /** Where the address was written. */
  path: Path;
}

interface PortW {
  node: string;
  name: string;
  ifname: string;
  addrs: Addr[];
  mtu?: number;
  description?: string;
  link?: number;
  peer?: PortRef;
  /** Where the port was first named (interfaces key or link endpoint). */
  at: Path;
  atPart: PosPart;
}

interface NodeW {
  name: string;
  kind: Kind;
  input: NodeIn;
  path: Path;
  ports: PortW[];
  portsByName: Map<string, PortW>;
  loopback: Addr[];
  subnets: Cidr[];
  subnetPaths: Path[];
}

interface EndW {
  node: NodeW;
  port?: string;
  /** Path of the endpoint string. */
  path: Path;
  addrs: Addr[];
  mtu?: number;
}

interface LinkW {
  index: number;
  path: Path;
  ends: [EndW, EndW];
  subnet?: Cidr;
  subnetPath?: Path;
  mtu?: number;
  ports: [PortW, PortW];
}

/** Validates a schema-checked topology and builds the Lab model; throws TopologyError. */
export function buildLab(input: TopologyInput, source: SourceInfo): Lab {
  return new Builder(input, source).build();
}

class Builder {
  private readonly nodes = new Map<string, NodeW>();
  private readonly links: LinkW[] = [];
  /** Bridge name -> segment id (bridges cabled to each other share a segment). */
  private readonly segment = new Map<string, string>();

  constructor(
    private readonly input: TopologyInput,
    private readonly src: SourceInfo,
  ) {}

  private fail(path: Path, message: string, part: PosPart = "value"): never {
    throw new TopologyError(message, this.src.pos(path, part));
  }

  private line(path: Path): number {
    return this.src.pos(path).line;
  }

  build(): Lab {
    const { input } = this;
    if (!LAB_NAME.test(input.name)) {
      this.fail(
        ["name"],
        `invalid lab name ${q(input.name)}: use letters, digits and '-' (at most 32, starting with a letter or digit); it becomes part of namespace names wl_<lab>_<node>`,
      );
    }
    const defaultKind = input.defaults?.kind;
    if (defaultKind !== undefined && !kindOf(defaultKind)) {
      this.fail(
        ["defaults", "kind"],
        `unknown kind ${q(defaultKind)} in defaults${didYouMean(defaultKind, ALL_KINDS)} (known kinds: ${ALL_KINDS.join(", ")})`,
      );
    }
    for (const name of orderedKeys(input.nodes, this.src.keys(["nodes"]))) this.readNode(name);
    (input.links ?? []).forEach((link, i) => {
      this.readLink(link, i);
    });
    this.nameBridgePorts();
    this.cable();
    this.checkKernelNames();
    this.buildSegments();
    this.autoAddress();
    this.checkAddresses();

    const owners = this.addressOwners();
    const nodes: NodeModel[] = [];
    for (const node of this.nodes.values()) nodes.push(this.nodeModel(node, owners));
    const links: LinkModel[] = this.links.map((l) => {
      const [a, b] = l.ports;
      const model: LinkModel = {
        index: l.index,
        a: { node: a.node, port: a.name },
        b: { node: b.node, port: b.name },
      };
      if (l.subnet) model.subnet = l.subnet.text;
      if (l.mtu !== undefined) model.mtu = l.mtu;
      model.pos = this.src.pos(l.path);
      return model;
    });
    const lab: Lab = { name: input.name, file: this.src.file, nodes, links };
    resolveImpairments(lab, input, this.src);
    resolveChecks(lab, input, this.src);
    applyRuntime(input, this.src, lab);
    return lab;
  }

  // ---- nodes and their interfaces -------------------------------------------------------

  private readNode(name: string): void {
    const path: Path = ["nodes", name];
    if (!NODE_NAME.test(name)) {
      this.fail(
        path,
        `invalid node name ${q(name)}: use letters, digits, '-' and '_' (at most 63, starting with a letter or digit)`,
        "key",
      );
    }
    const raw: NodeIn = this.input.nodes[name] ?? {};
    const kindText = raw.kind ?? this.input.defaults?.kind ?? "frr";
    const kind = kindOf(kindText);
    if (!kind) {
      this.fail(
        [...path, "kind"],
        `unknown kind ${q(kindText)} for node ${q(name)}${didYouMean(kindText, ALL_KINDS)} (known kinds: ${ALL_KINDS.join(", ")})`,
      );
    }
    if (kind.role !== "router") {
      for (const field of ["bgp", "config", "frr"] as const) {
        if (raw[field] !== undefined) {
          this.fail([...path, field], `node ${q(name)} is a ${kind.name} node: '${field}' applies only to frr nodes`, "key");
        }
      }
    }
    if (kind.role !== "bridge" && raw.subnet !== undefined) {
      this.fail(
        [...path, "subnet"],
        `node ${q(name)} is a ${kind.name} node: 'subnet' applies only to bridge nodes (a link's subnet goes on the link)`,
        "key",
      );
    }
    if (kind.role === "bridge") {
      if (raw.routes !== undefined) {
        this.fail(
          [...path, "routes"],
          `bridge ${q(name)} does not route: 'routes' applies to frr and linux nodes`,
          "key",
        );
      }
      if (raw.forwarding === true) {
        this.fail(
          [...path, "forwarding"],
          `bridge ${q(name)} switches frames and cannot forward IP; remove 'forwarding'`,
        );
      }
    }
    const node: NodeW = {
      name,
      kind,
      input: raw,
      path,
      ports: [],
      portsByName: new Map(),
      loopback: [],
      subnets: [],
      subnetPaths: [],
    };
    this.nodes.set(name, node);

    if (raw.subnet !== undefined) {
      const list = typeof raw.subnet === "string" ? [raw.subnet] : raw.subnet;
      list.forEach((s, i) => {
        const p: Path = typeof raw.subnet === "string" ? [...path, "subnet"] : [...path, "subnet", i];
        const c = parsePrefix(s);
        if (typeof c === "string") this.fail(p, `invalid subnet ${q(s)} for bridge ${q(name)}: ${c}`);
        node.subnets.push(c);
        node.subnetPaths.push(p);
      });
    }

    const interfaces = raw.interfaces ?? {};
    for (const port of orderedKeys(interfaces, this.src.keys([...path, "interfaces"]))) {
      const ipath: Path = [...path, "interfaces", port];
      const settings = interfaces[port] ?? {};
      if (port === "lo") {
        if (kind.role === "bridge") this.fail(ipath, `bridge ${q(name)} has no loopback addresses`, "key");
        node.loopback = this.addresses(settings.ip, [...ipath, "ip"], `${name}:lo`);
        continue;
      }
      this.checkPortName(name, port, ipath, "key");
      if (kind.role === "bridge" && settings.ip !== undefined) {
        this.fail(
          [...ipath, "ip"],
          `bridge ${q(name)} has no addresses of its own: put addresses on the ports cabled to it, not on ${name}:${port}`,
        );
      }
      const p: PortW = {
        node: name,
        name: port,
        ifname: kernelIfname(port),
        addrs: this.addresses(settings.ip, [...ipath, "ip"], `${name}:${port}`),
        at: ipath,
        atPart: "key",
      };
      if (settings.mtu !== undefined) p.mtu = settings.mtu;
      if (settings.description !== undefined) p.description = settings.description;
      node.ports.push(p);
      node.portsByName.set(port, p);
    }
  }

  private checkPortName(node: string, port: string, path: Path, part: PosPart): void {
    if (port === "") this.fail(path, `empty port name on node ${q(node)}`, part);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
    if (/[\u0000-\u001f\u007f]/.test(port)) {
      this.fail(path, `port name ${q(port)} of node ${q(node)} contains control characters`, part);
    }
  }

  /** Parses `ip:` (one address or a list) into interface addresses, deduplicated. */
  private addresses(value: string | string[] | undefined, path: Path, owner: string): Addr[] {
    if (value === undefined) return [];
    const list = typeof value === "string" ? [value] : value;
    const out: Addr[] = [];
    list.forEach((text, i) => {
      const p: Path = typeof value === "string" ? path : [...path, i];
      const c = parseInterfaceAddress(text);
      if (typeof c === "string") this.fail(p, `invalid address ${q(text)} on ${owner}: ${c}`);
      if (!out.some((a) => a.cidr.text === c.text)) out.push({ cidr: c, path: p });
    });
    return out;
  }

  // ---- links ----------------------------------------------------------------------------

  private readonly cabled = new Map<string, { link: number; path: Path }>();

  private readLink(link: LinkInput, i: number): void {
    const lpath: Path = ["links", i];
    const short = Array.isArray(link);
    const eps: EndpointIn[] = short ? link : link.endpoints;
    const base: Path = short ? lpath : [...lpath, "endpoints"];
    if (eps.length !== 2) {
      const names = eps.map((e) => (typeof e === "string" ? e : e.endpoint)).join(", ");
      this.fail(
        lpath,
        `link #${i + 1} has ${eps.length} endpoint${eps.length === 1 ? "" : "s"}${names ? ` (${names})` : ""}; a link joins exactly two ports (use a bridge node for a shared segment)`,
      );
    }
    const ends = eps.map((ep, j) => this.readEndpoint(ep, [...base, j], i)) as [EndW, EndW];
    const l: LinkW = { index: i, path: lpath, ends, ports: [] as unknown as [PortW, PortW] };
    if (!short) {
      if (link.subnet !== undefined) {
        const c = parsePrefix(link.subnet);
        const spath: Path = [...lpath, "subnet"];
        if (typeof c === "string") {
          this.fail(spath, `invalid subnet ${q(link.subnet)} on link #${i + 1} (${this.endText(ends)}): ${c}`);
        }
        l.subnet = c;
        l.subnetPath = spath;
      }
      if (link.mtu !== undefined) l.mtu = link.mtu;
    }
    this.links.push(l);
  }

  private endText(ends: readonly EndW[]): string {
    return ends.map((e) => (e.port === undefined ? e.node.name : `${e.node.name}:${e.port}`)).join(" — ");
  }

  private readEndpoint(ep: EndpointIn, epPath: Path, link: number): EndW {
    const text = typeof ep === "string" ? ep : ep.endpoint;
    const textPath: Path = typeof ep === "string" ? epPath : [...epPath, "endpoint"];
    const colon = text.indexOf(":");
    const nodeName = colon < 0 ? text : text.slice(0, colon);
    const port = colon < 0 ? undefined : text.slice(colon + 1);
    if (nodeName === "") this.fail(textPath, `link endpoint ${q(text)} has no node name (write node:port)`);
    const node = this.nodes.get(nodeName);
    if (!node) {
      this.fail(
        textPath,
        `unknown node ${q(nodeName)} in link endpoint ${q(text)}${didYouMean(nodeName, [...this.nodes.keys()])}`,
      );
    }
    if (port === undefined) {
      if (node.kind.role !== "bridge") {
        this.fail(
          textPath,
          `link endpoint ${q(text)} needs a port: write ${nodeName}:<port> (only a bridge may omit it)`,
        );
      }
    } else {
      if (port === "") this.fail(textPath, `link endpoint ${q(text)} has an empty port name`);
      if (port === "lo") this.fail(textPath, `port 'lo' of ${nodeName} is its loopback and cannot be cabled`);
      this.checkPortName(nodeName, port, textPath, "value");
      const key = `${nodeName}:${port}`;
      const prev = this.cabled.get(key);
      if (prev) {
        if (prev.link === link) this.fail(textPath, `link #${link + 1} joins port ${key} to itself`);
        this.fail(
          textPath,
          `port ${key} is used by two links (link #${prev.link + 1} at line ${this.line(prev.path)} and link #${link + 1})`,
        );
      }
      this.cabled.set(key, { link, path: textPath });
    }
    const end: EndW = { node, path: textPath, addrs: [] };
    if (port !== undefined) end.port = port;
    if (typeof ep !== "string") {
      if (ep.ip !== undefined && node.kind.role === "bridge") {
        this.fail(
          [...epPath, "ip"],
          `bridge ${q(nodeName)} has no addresses of its own: put addresses on the ports cabled to it`,
        );
      }
      end.addrs = this.addresses(ep.ip, [...epPath, "ip"], port === undefined ? nodeName : `${nodeName}:${port}`);
      if (ep.mtu !== undefined) end.mtu = ep.mtu;
    }
    return end;
  }

  /** Bridge endpoints written without a port get p1, p2, ... in link order, skipping names in use. */
  private nameBridgePorts(): void {
    const next = new Map<string, number>();
    for (const link of this.links) {
      for (const end of link.ends) {
        if (end.port !== undefined) continue;
        const bridge = end.node.name;
        let k = next.get(bridge) ?? 0;
        let name: string;
        do {
          k++;
          name = `p${k}`;
        } while (end.node.portsByName.has(name) || this.cabled.has(`${bridge}:${name}`));
        next.set(bridge, k);
        end.port = name;
        this.cabled.set(`${bridge}:${name}`, { link: link.index, path: end.path });
      }
    }
  }

  /** Attaches every link end to its node's port (creating ports not listed under interfaces). */
  private cable(): void {
    for (const link of this.links) {
      const ports = link.ends.map((end, j) => {
        const other = link.ends[1 - j] as EndW;
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
        const mtu = end.mtu ?? port.mtu ?? link.mtu;
        if (mtu !== undefined) port.mtu = mtu;
        return port;
      });
      link.ports = ports as [PortW, PortW];
    }
    for (const node of this.nodes.values()) {
      for (const port of node.ports) {
        if (port.link === undefined) {
          this.fail(
            port.at,
            `port ${q(port.name)} of node ${q(node.name)} is not cabled: no link uses ${node.name}:${port.name}`,
            port.atPart,
          );
        }
      }
    }
  }

  private checkKernelNames(): void {
    for (const node of this.nodes.values()) {
      const seen = new Map<string, PortW>();
      for (const port of node.ports) {
        if (KERNEL_RESERVED.has(port.ifname)) {
          this.fail(
            port.at,
            `port ${q(port.name)} of node ${q(node.name)}: the kernel name ${q(port.ifname)} is taken by a device the kernel creates in every namespace; rename the port`,
            port.atPart,
          );
        }
        const prev = seen.get(port.ifname);
        if (prev) {
          this.fail(
            port.at,
            `ports ${q(prev.name)} and ${q(port.name)} of node ${q(node.name)} both map to kernel interface name ${q(port.ifname)}; rename one`,
            port.atPart,
          );
        }
        seen.set(port.ifname, port);
      }
    }
  }

  // ---- addressing -----------------------------------------------------------------------

  /** Groups bridges cabled to one another into segments. */
  private buildSegments(): void {
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r) as string;
      parent.set(x, r);
      return r;
    };
    for (const n of this.nodes.values()) if (n.kind.role === "bridge") parent.set(n.name, n.name);
    for (const l of this.links) {
      const [a, b] = l.ends;
      if (a.node.kind.role === "bridge" && b.node.kind.role === "bridge") parent.set(find(a.node.name), find(b.node.name));
    }
    for (const name of parent.keys()) this.segment.set(name, find(name));
  }

  /**
   * `defaults.addressing`: links between two non-bridge ports where neither end has an
   * address of a family (and no link subnet of it) get a subnet from that family's pool;
   * routers (frr nodes, and linux nodes with forwarding on) without a loopback address of a
   * family get one. In link order and node order; written addresses and subnets are never
   * reused. The result is ordinary addresses, checked below like written ones.
   */
  private autoAddress(): void {
    const settings = this.input.defaults?.addressing;
    if (!settings) return;
    const fam = (addrs: Addr[], f: 4 | 6) => addrs.some((a) => a.cidr.family === f);
    const p2p = this.links.filter((l) => !this.isBridge(l.ports[0].node) && !this.isBridge(l.ports[1].node));
    const links = p2p.map((l) => {
      const [a, b] = l.ports;
      const free = (f: 4 | 6) => !fam(a.addrs, f) && !fam(b.addrs, f) && l.subnet?.family !== f;
      return { needs4: free(4), needs6: free(6) };
    });
    const routers = [...this.nodes.values()].filter(
      (n) => n.kind.role === "router" || (n.kind.role === "host" && n.input.forwarding === true),
    );
    const taken: Cidr[] = [];
    for (const n of this.nodes.values()) {
      taken.push(...n.loopback.map((a) => a.cidr), ...n.subnets);
      for (const p of n.ports) taken.push(...p.addrs.map((a) => a.cidr));
    }
    for (const l of this.links) if (l.subnet) taken.push(l.subnet);
    let result: ReturnType<typeof allocateAddresses>;
    try {
      result = allocateAddresses(settings, {
        links,
        routers: routers.map((n) => ({ needs4: !fam(n.loopback, 4), needs6: !fam(n.loopback, 6) })),
        taken,
      });
    } catch (e) {
      if (e instanceof PoolError) this.fail(["defaults", "addressing", e.field], e.message);
      throw e;
    }
    const add = (list: Addr[], texts: string[], field: string) => {
      for (const t of texts) {
        const c = parseInterfaceAddress(t);
        if (typeof c === "string") throw new Error(`internal: auto address ${t}: ${c}`);
        list.push({ cidr: c, path: ["defaults", "addressing", field] });
      }
    };
    p2p.forEach((l, i) => {
      const r = result.links[i];
      if (!r) return;
      const v6 = (t: string) => t.includes(":");
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
        lo.filter((t) => !t.includes(":")),
        "loopback",
      );
      add(
        n.loopback,
        lo.filter((t) => t.includes(":")),
        "loopback6",
      );
    });
  }

  private isBridge(name: string): boolean {
    return this.nodes.get(name)?.kind.role === "bridge";
  }

  private checkAddresses(): void {
    // Links between two non-bridge ports, and link subnets.
    for (const l of this.links) {
      const [a, b] = l.ports;
      if (l.subnet) {
        for (const p of l.ports) {
          if (this.isBridge(p.node)) continue;
          for (const addr of p.addrs) this.checkInSubnet(addr, p, l.subnet, `the link's subnet ${l.subnet.text}`);
        }
      }
      if (!this.isBridge(a.node) && !this.isBridge(b.node)) {
        this.checkSegment([a, b], `link ${a.node}:${a.name} — ${b.node}:${b.name}`);
      }
    }
    // Bridge segments: the ports cabled to the bridges of one segment.
    const attached = new Map<string, { port: PortW; bridge: string }[]>();
    for (const l of this.links) {
      const [a, b] = l.ports;
      for (const [p, other] of [
        [a, b],
        [b, a],
      ] as const) {
        if (this.isBridge(p.node) || !this.isBridge(other.node)) continue;
        const seg = this.segment.get(other.node) as string;
        const list = attached.get(seg) ?? [];
        list.push({ port: p, bridge: other.node });
        attached.set(seg, list);
      }
    }
    for (const [seg, list] of attached) {
      const bridges = [...this.nodes.values()].filter((n) => n.kind.role === "bridge" && this.segment.get(n.name) === seg);
      const subnets = bridges.flatMap((b) => b.subnets);
      for (const { port, bridge } of list) {
        for (const addr of port.addrs) {
          const fam = subnets.filter((s) => s.family === addr.cidr.family);
          if (fam.length === 0) continue;
          if (!fam.some((s) => contains(s, addr.cidr.ip) && s.len === addr.cidr.len)) {
            const text = fam.map((s) => s.text).join(", ");
            this.fail(
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
      this.checkSegment(
        list.map((x) => x.port),
        where,
      );
    }
  }

  private checkInSubnet(addr: Addr, port: PortW, subnet: Cidr, what: string): void {
    if (addr.cidr.family !== subnet.family) return;
    if (!contains(subnet, addr.cidr.ip)) {
      this.fail(addr.path, `address ${addr.cidr.text} of ${port.node}:${port.name} is not in ${what}`);
    }
    if (addr.cidr.len !== subnet.len) {
      this.fail(
        addr.path,
        `address ${addr.cidr.text} of ${port.node}:${port.name} has prefix length /${addr.cidr.len}, but ${what} is /${subnet.len}`,
      );
    }
  }

  /** Ports on one segment: no address twice, and addresses of a family on a common subnet. */
  private checkSegment(ports: PortW[], where: string): void {
    const seen = new Map<string, PortW>();
    for (const p of ports) {
      for (const a of p.addrs) {
        const prev = seen.get(a.cidr.addr);
        if (prev && prev !== p) {
          this.fail(
            a.path,
            `address ${a.cidr.addr} is used twice on ${where}: by ${prev.node}:${prev.name} and ${p.node}:${p.name}`,
          );
        }
        seen.set(a.cidr.addr, p);
      }
    }
    for (let i = 0; i < ports.length; i++) {
      for (let j = i + 1; j < ports.length; j++) {
        const x = ports[i] as PortW;
        const y = ports[j] as PortW;
        for (const fam of [4, 6] as const) {
          const xs = x.addrs.filter((a) => a.cidr.family === fam && !isLinkLocal(a.cidr.ip));
          const ys = y.addrs.filter((a) => a.cidr.family === fam && !isLinkLocal(a.cidr.ip));
          if (xs.length === 0 || ys.length === 0) continue;
          if (xs.some((a) => ys.some((b) => sameSubnet(a.cidr, b.cidr)))) continue;
          const [a, b] = [xs[0] as Addr, ys[0] as Addr];
          this.fail(
            b.path,
            `address ${b.cidr.text} of ${y.node}:${y.name} is not on the same subnet as ${a.cidr.text} of ${x.node}:${x.name} (${where})`,
          );
        }
      }
    }
  }

  /** Address -> the port (or loopback) that carries it; first owner wins. */
  private addressOwners(): Map<string, { node: string; port?: string }> {
    const owners = new Map<string, { node: string; port?: string }>();
    for (const n of this.nodes.values()) {
      for (const a of n.loopback) if (!owners.has(a.cidr.addr)) owners.set(a.cidr.addr, { node: n.name });
      for (const p of n.ports) {
        for (const a of p.addrs) if (!owners.has(a.cidr.addr)) owners.set(a.cidr.addr, { node: n.name, port: p.name });
      }
    }
    return owners;
  }

  // ---- per-node model: routes, BGP, FRR options -------------------------------------------

  private nodeModel(node: NodeW, owners: Map<string, { node: string; port?: string }>): NodeModel {
    const raw = node.input;
    const model: NodeModel = {
      name: node.name,
      kind: node.kind.name,
      role: node.kind.role,
      ports: node.ports.map((p) => portModel(p)),
      loopback: node.loopback.map((a) => a.cidr.text),
      forwarding: node.kind.role === "bridge" ? false : (raw.forwarding ?? node.kind.forwarding),
      intents: {},
      runtime: { name: "netns" },
      subnets: node.subnets.map((s) => s.text),
      pos: this.src.pos(node.path, "key"),
    };
    const routes = this.routes(node);
    if (routes.length) model.intents.static = routes;
    if (node.kind.stack) {
      if (raw.bgp) {
        if (raw.config !== undefined && /^[ \t]*router bgp\b/m.test(raw.config)) {
          this.fail(
            [...node.path, "bgp"],
            `node ${q(node.name)} has both bgp settings and a 'router bgp' section in its config; use one of them`,
            "key",
          );
        }
        model.intents.bgp = this.bgp(node, owners);
      }
      const stack: NodeModel["stack"] = {
        name: node.kind.stack,
        options: this.frrOptions(node, model) as unknown as Record<string, unknown>,
      };
      if (raw.config !== undefined) stack.config = raw.config;
      model.stack = stack;
    }
    return model;
  }

  private routes(node: NodeW): StaticRoute[] {
    const out: StaticRoute[] = [];
    (node.input.routes ?? []).forEach((r, k) => {
      const rpath: Path = [...node.path, "routes", k];
      const to = parsePrefix(r.to);
      if (typeof to === "string") {
        this.fail([...rpath, "to"], `invalid route destination ${q(r.to)} on node ${q(node.name)}: ${to}`);
      }
      const via = parseIp(r.via);
      const vpath: Path = [...rpath, "via"];
      if (typeof via === "string") {
        this.fail(vpath, `invalid next hop ${q(r.via)} of the route to ${to.text} on node ${q(node.name)}: ${via}`);
      }
      if (familyOf(via) !== to.family) {
        this.fail(
          vpath,
          `next hop ${ipString(via)} of the route to ${to.text} on node ${q(node.name)} is IPv${familyOf(via)}, the destination IPv${to.family}`,
        );
      }
      const all = node.ports.flatMap((p) => p.addrs);
      if (all.some((a) => a.cidr.addr === ipString(via))) {
        this.fail(vpath, `next hop ${ipString(via)} of the route to ${to.text} is an address of ${node.name} itself`);
      }
      if (!all.some((a) => contains(a.cidr, via))) {
        this.fail(
          vpath,
          `next hop ${ipString(via)} of the route to ${to.text} on node ${q(node.name)} is not on a connected subnet of ${node.name}`,
        );
      }
      out.push({ to: to.text, via: ipString(via) });
    });
    return out;
  }

  private ownAddresses(node: NodeW): Addr[] {
    return [...node.loopback, ...node.ports.flatMap((p) => p.addrs)];
  }

  private routerId(node: NodeW, bpath: Path): string {
    const given = node.input.bgp?.["router-id"];
    if (given !== undefined) {
      const ip = parseIp(given);
      if (typeof ip === "string" || familyOf(ip) !== 4) {
        this.fail(
          [...bpath, "router-id"],
          `invalid router-id ${q(given)} for node ${q(node.name)}: it must be an IPv4 address`,
        );
      }
      return ipString(ip);
    }
    const lowest = (addrs: Addr[]): IP | undefined =>
      addrs
        .filter((a) => a.cidr.family === 4)
        .map((a) => a.cidr.ip)
        .sort(compareIp)[0];
    const ip = lowest(node.loopback) ?? lowest(node.ports.flatMap((p) => p.addrs));
    if (!ip) {
      this.fail(
        bpath,
        `node ${q(node.name)} has no IPv4 address to take a BGP router-id from; set bgp.router-id`,
        "key",
      );
    }
    return ipString(ip);
  }

  /** Pairs of (this node's port, peer's port) that share a link or a bridge segment, in link order. */
  private facing(node: NodeW, peer: NodeW): { mine: PortW; theirs: PortW }[] {
    const byLink = (ports: PortW[]) => [...ports].sort((a, b) => (a.link ?? 0) - (b.link ?? 0));
    const out: { mine: PortW; theirs: PortW }[] = [];
    for (const mine of byLink(node.ports)) {
      if (!mine.peer) continue;
      if (mine.peer.node === peer.name) {
        const theirs = peer.portsByName.get(mine.peer.port);
        if (theirs) out.push({ mine, theirs });
      } else if (this.isBridge(mine.peer.node)) {
        const seg = this.segment.get(mine.peer.node);
        for (const theirs of byLink(peer.ports)) {
          if (theirs.peer && this.isBridge(theirs.peer.node) && this.segment.get(theirs.peer.node) === seg) {
            out.push({ mine, theirs });
          }
        }
      }
    }
    return out;
  }

  private bgp(node: NodeW, owners: Map<string, { node: string; port?: string }>): BgpModel {
    const b = node.input.bgp as NonNullable<NodeIn["bgp"]>;
    const bpath: Path = [...node.path, "bgp"];
    const routerId = this.routerId(node, bpath);
    const networks: string[] = [];
    (b.networks ?? []).forEach((n, k) => {
      const c = parsePrefix(n);
      if (typeof c === "string") {
        this.fail([...bpath, "networks", k], `invalid network ${q(n)} for node ${q(node.name)}: ${c}`);
      }
      if (!networks.includes(c.text)) networks.push(c.text);
    });
    const own = new Set(this.ownAddresses(node).map((a) => a.cidr.addr));
    const neighbors: BgpNeighborModel[] = [];
    const seen = new Map<string, number>();
    (b.neighbors ?? []).forEach((nb, k) => {
      const npath: Path = [...bpath, "neighbors", k];
      const obj = typeof nb === "string" ? { node: nb } : nb;
      const nodePath: Path = typeof nb === "string" ? npath : [...npath, "node"];
      const label = obj.node ?? obj.address ?? "";
      if (obj.node === undefined && obj.address === undefined) {
        this.fail(npath, `BGP neighbor #${k + 1} of ${node.name} needs a node or an address`);
      }
      let peer: NodeW | undefined;
      if (obj.node !== undefined) {
        peer = this.nodes.get(obj.node);
        if (!peer) {
          this.fail(
            nodePath,
            `BGP neighbor ${q(obj.node)} of ${node.name} is not a node of this lab${didYouMean(obj.node, [...this.nodes.keys()])}`,
          );
        }
        if (peer === node) this.fail(nodePath, `node ${q(node.name)} cannot be its own BGP neighbor`);
        if (peer.kind.role === "bridge") {
          this.fail(
            nodePath,
            `BGP neighbor ${q(peer.name)} of ${node.name} is a bridge; peer with a router cabled to it`,
          );
        }
      }
      let myPort: PortW | undefined;
      if (obj.port !== undefined) {
        const pn = String(obj.port);
        myPort = node.portsByName.get(pn);
        if (!myPort)
          this.fail([...npath, "port"], `node ${q(node.name)} has no port ${q(pn)} (BGP neighbor ${q(label)})`);
      }
      let remoteAs = obj["remote-as"];
      let address: IP;
      let port: PortW | undefined;
      if (obj.address !== undefined) {
        const apath: Path = [...npath, "address"];
        const ip = parseIp(obj.address);
        if (typeof ip === "string") {
          this.fail(apath, `invalid address ${q(obj.address)} of BGP neighbor of ${node.name}: ${ip}`);
        }
        if (own.has(ipString(ip))) {
          this.fail(apath, `BGP neighbor address ${ipString(ip)} is an address of ${node.name} itself`);
        }
        if (!peer) {
          const owner = owners.get(ipString(ip));
          if (owner && owner.node !== node.name) peer = this.nodes.get(owner.node);
        }
        remoteAs ??= peer?.input.bgp?.asn;
        if (remoteAs === undefined) {
          this.fail(npath, `BGP neighbor ${ipString(ip)} of ${node.name} needs remote-as`);
        }
        const candidates = myPort ? [myPort] : node.ports;
        const connected = candidates.find((p) => p.addrs.some((a) => contains(a.cidr, ip)));
        if (!connected && remoteAs !== b.asn && obj["ebgp-multihop"] === undefined) {
          this.fail(apath, `BGP neighbor ${q(label)} of ${node.name} is not reachable on any link`);
        }
        address = ip;
        port = myPort ?? connected;
      } else {
        const p = peer as NodeW;
        remoteAs ??= p.input.bgp?.asn;
        const pairs = this.facing(node, p).filter((c) => !myPort || c.mine === myPort);
        if (pairs.length === 0) {
          if (myPort) {
            this.fail(
              [...npath, "port"],
              `BGP neighbor ${q(p.name)} of ${node.name} is not reachable on port ${node.name}:${myPort.name}`,
            );
          }
          this.fail(nodePath, `BGP neighbor ${q(p.name)} of ${node.name} is not reachable on any link`);
        }
        if (remoteAs === undefined) {
          this.fail(nodePath, `BGP neighbor ${q(p.name)} of ${node.name} has no bgp settings; give its remote-as`);
        }
        let chosen: { ip: IP; port: PortW } | undefined;
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
          const c = pairs[0] as { mine: PortW; theirs: PortW };
          this.fail(
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
        this.fail(npath, `BGP neighbor ${addrText} of ${node.name} is listed twice (also neighbor #${dup + 1})`);
      }
      seen.set(addrText, k);
      const model: BgpNeighborModel = { address: addrText, remoteAs };
      if (peer) model.node = peer.name;
      if (port) model.port = port.name;
      if (obj["ebgp-multihop"] !== undefined) model.ebgpMultihop = obj["ebgp-multihop"];
      if (obj["update-source"] !== undefined) {
        model.updateSource = this.updateSource(node, String(obj["update-source"]), [...npath, "update-source"], label);
      }
      if (obj.description !== undefined) model.description = obj.description;
      neighbors.push(model);
    });
    return { asn: b.asn, routerId, networks, redistribute: [...(b.redistribute ?? [])], neighbors };
  }

  /** update-source: an address of this node, `lo`, or a port by the user's name (as BgpNeighborModel.port). */
  private updateSource(node: NodeW, value: string, path: Path, label: string): string {
    if (value === "lo") return "lo";
    const ip = parseIp(value);
    if (typeof ip !== "string") {
      if (!this.ownAddresses(node).some((a) => a.cidr.addr === ipString(ip))) {
        this.fail(path, `update-source ${ipString(ip)} of BGP neighbor ${q(label)} is not an address of ${node.name}`);
      }
      return ipString(ip);
    }
    const port = node.portsByName.get(value);
    if (!port) {
      this.fail(path, `update-source ${q(value)} of BGP neighbor ${q(label)} is not a port or address of ${node.name}`);
    }
    return port.name;
  }

  private frrOptions(node: NodeW, model: NodeModel): FrrOptionsModel {
    const d = this.input.defaults?.frr ?? {};
    const o = node.input.frr ?? {};
    const config = node.input.config ?? "";
    const needs = (re: RegExp) => re.test(config);
    const wanted = new Set<string>(["zebra", "staticd"]);
    if (model.intents.bgp || needs(/^[ \t]*router bgp\b/m)) wanted.add("bgpd");
    if (needs(/^[ \t]*router ospf(?![\w])/m)) wanted.add("ospfd");
    if (needs(/^[ \t]*router ospf6\b/m)) wanted.add("ospf6d");
    if (needs(/^[ \t]*router rip\b/m)) wanted.add("ripd");
    if (needs(/^[ \t]*router isis\b/m)) wanted.add("isisd");
    if (needs(/^[ \t]*bfd\b/m)) wanted.add("bfdd");
    let daemons: string[];
    const explicit = o.daemons ?? d.daemons;
    if (explicit) {
      const dpath: Path = o.daemons ? [...node.path, "frr", "daemons"] : ["defaults", "frr", "daemons"];
      daemons = ["zebra", ...explicit.filter((x) => x !== "zebra")].filter((x, i, all) => all.indexOf(x) === i);
      if (model.intents.bgp && !daemons.includes("bgpd")) {
        this.fail(dpath, `node ${q(node.name)} has bgp settings, but its frr.daemons list does not include bgpd`);
      }
      if ((model.intents.static?.length ?? 0) > 0 && !daemons.includes("staticd")) {
        this.fail(dpath, `node ${q(node.name)} has static routes, but its frr.daemons list does not include staticd`);
      }
    } else {
      daemons = DAEMON_ORDER.filter((x) => wanted.has(x));
    }
    const options: FrrOptionsModel = {
      profile: o.profile ?? d.profile ?? "datacenter",
      ebgpRequiresPolicy: o["ebgp-requires-policy"] ?? d["ebgp-requires-policy"] ?? false,
      daemons,
    };
    if ((o["lab-timers"] ?? d["lab-timers"]) === false) options.labTimers = false;
    return options;
  }
}

/** The address to peer with: the first of the family; for IPv6 a global one before link-local. */
function pickAddress(addrs: Addr[], fam: Family): IP | undefined {
  const list = addrs.filter((a) => a.cidr.family === fam);
  return (list.find((a) => !isLinkLocal(a.cidr.ip)) ?? list[0])?.cidr.ip;
}

function portModel(p: PortW): PortModel {
  const m: PortModel = { node: p.node, name: p.name, ifname: p.ifname, addresses: p.addrs.map((a) => a.cidr.text) };
  if (p.mtu !== undefined) m.mtu = p.mtu;
  if (p.description !== undefined) m.description = p.description;
  if (p.link !== undefined) m.link = p.link;
  if (p.peer) m.peer = { ...p.peer };
  return m;
}
