// `checks:` and `scenarios:` of a topology → CheckModel / ScenarioModel: every node, port,
// BGP neighbor and prefix a check names is resolved here, so a typo fails at file:line:col
// before anything is deployed, and the runner (src/verify/) never reads YAML.

import type {
  BfdPeerRef,
  CheckModel,
  CheckSpec,
  FaultModel,
  Lab,
  NodeModel,
  PeerRef,
  ScenarioModel,
  SourcePos,
} from "../core/model.js";
import { runsBfd, runsBgp } from "../intents/bgp/index.js";
import { ipString, isLinkLocal, parseIp, parsePrefix } from "./address.js";
import { igpRouter, isisNeighborRef, ospfNeighborRef } from "./checks-igp.js";
import type { CheckInput } from "./checks-schema.js";
import { linkOrError, nodeOrError, portOrError } from "./endpoints.js";
import { q, TopologyError } from "./errors.js";
import type { TopologyInput } from "./schema.js";
import { orderedKeys, type Path, type SourceInfo } from "./source.js";
import { parseDuration } from "./units.js";

/** How long a check may take to pass unless it says otherwise. */
export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;

const CHECK_TYPES = [
  "ping",
  "bgp-session",
  "bgp-route",
  "route",
  "interface",
  "ospf-neighbor",
  "isis-adjacency",
  "bfd-session",
  "evpn-vni",
] as const;

/** Sets lab.checks and lab.scenarios from the file; throws TopologyError at the offending place. */
export function resolveChecks(lab: Lab, input: TopologyInput, src: SourceInfo): void {
  const r = new CheckResolver(lab, src);
  if (input.checks) lab.checks = input.checks.map((c, i) => r.check(c, ["checks", i], `check #${i + 1}`));
  if (input.scenarios) {
    lab.scenarios = orderedKeys(input.scenarios, src.keys(["scenarios"])).map((name) =>
      r.scenario(name, input.scenarios?.[name] as NonNullable<TopologyInput["scenarios"]>[string]),
    );
  }
}

/** The address a ping to a node goes to: loopback first, then ports; IPv4 before IPv6. */
export function nodeAddress(node: NodeModel, port?: string): string | undefined {
  const cidrs = port
    ? (node.ports.find((p) => p.name === port)?.addresses ?? [])
    : [...node.loopback, ...node.ports.flatMap((p) => p.addresses)];
  const plain = cidrs.map((c) => c.slice(0, c.indexOf("/")));
  const usable = plain.filter((a) => {
    const ip = parseIp(a);
    return typeof ip !== "string" && !isLinkLocal(ip);
  });
  return usable.find((a) => !a.includes(":")) ?? usable[0];
}

function allAddresses(node: NodeModel): string[] {
  return [...node.loopback, ...node.ports.flatMap((p) => p.addresses)].map((c) => c.slice(0, c.indexOf("/")));
}

function normaliseAsPath(v: string | number | number[]): string {
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.join(" ");
  return v.trim().split(/\s+/).filter(Boolean).join(" ");
}

class CheckResolver {
  constructor(
    private readonly lab: Lab,
    private readonly src: SourceInfo,
  ) {}

  private fail(path: Path, message: string, part: "key" | "value" = "value"): never {
    throw new TopologyError(message, this.src.pos(path, part));
  }

  private node(name: string, path: Path, what: string): NodeModel {
    const n = nodeOrError(this.lab, name);
    if (typeof n === "string") this.fail(path, `${what}: ${n}`);
    return n;
  }

  private router(name: string, path: Path, what: string): NodeModel {
    const n = this.node(name, path, what);
    if (n.role !== "router") this.fail(path, `${what}: ${name} is a ${n.kind} node and runs no BGP`);
    if (!runsBgp(n)) this.fail(path, `${what}: ${name} does not run BGP (no bgpd)`);
    return n;
  }

  private ip(text: string, path: Path, what: string): string {
    const ip = parseIp(String(text));
    if (typeof ip === "string") this.fail(path, `${what}: invalid address ${q(text)}: ${ip}`);
    return ipString(ip);
  }

  private prefix(text: string, path: Path, what: string): { prefix: string; afi: "ipv4" | "ipv6" } {
    const t = text === "default" ? "0.0.0.0/0" : text;
    const c = parsePrefix(t);
    if (typeof c === "string") this.fail(path, `${what}: invalid prefix ${q(text)}: ${c}`);
    return { prefix: c.text, afi: c.family === 4 ? "ipv4" : "ipv6" };
  }

  check(c: CheckInput, path: Path, label: string): CheckModel {
    const types = CHECK_TYPES.filter((t) => c[t] !== undefined);
    if (types.length === 0) {
      this.fail(path, `${label} needs one of: ${CHECK_TYPES.join(", ")}`);
    }
    if (types.length > 1) {
      this.fail(
        [...path, types[1] as string],
        `${label} has both ${types[0]} and ${types[1]}; write one per check`,
        "key",
      );
    }
    const type = types[0] as (typeof CHECK_TYPES)[number];
    const at: Path = [...path, type];
    const what = `${label} (${type})`;
    let timeoutMs = DEFAULT_CHECK_TIMEOUT_MS;
    if (c.timeout !== undefined) {
      const t = parseDuration(c.timeout, "s");
      if (typeof t === "string" || t <= 0) {
        this.fail([...path, "timeout"], `${label} timeout: ${typeof t === "string" ? t : "must be more than 0"}`);
      }
      timeoutMs = t;
    }
    const spec = this.spec(c, type, at, what);
    const pos: SourcePos = this.src.pos(path);
    return { name: c.name ?? describeCheck(spec), timeoutMs, spec, pos };
  }

  private spec(c: CheckInput, type: (typeof CHECK_TYPES)[number], at: Path, what: string): CheckSpec {
    switch (type) {
      case "ping": {
        const p = c.ping as NonNullable<CheckInput["ping"]>;
        const from = this.node(p.from, [...at, "from"], what);
        if (from.role === "bridge") this.fail([...at, "from"], `${what}: bridge '${from.name}' cannot send pings`);
        const { to, target } = this.target(p.to, [...at, "to"], what);
        const spec: CheckSpec = { type, from: from.name, to, target, expect: p.expect ?? "success" };
        if (p.source !== undefined) {
          const s = this.ip(p.source, [...at, "source"], what);
          if (!allAddresses(from).includes(s)) {
            this.fail([...at, "source"], `${what}: source ${s} is not an address of ${from.name}`);
          }
          spec.source = s;
        }
        return spec;
      }
      case "bgp-session": {
        const raw = c["bgp-session"] as NonNullable<CheckInput["bgp-session"]>;
        const b = typeof raw === "string" ? { node: raw } : raw;
        const npath: Path = typeof raw === "string" ? at : [...at, "node"];
        const node = this.router(b.node, npath, what);
        const spec: CheckSpec = {
          type,
          node: node.name,
          expect: (typeof raw === "string" ? undefined : raw.expect) ?? "established",
        };
        if (typeof raw !== "string" && raw.neighbors) {
          spec.neighbors = raw.neighbors.map((n, k) => this.peer(node, String(n), [...at, "neighbors", k], what));
        }
        return spec;
      }
      case "bgp-route": {
        const r = c["bgp-route"] as NonNullable<CheckInput["bgp-route"]>;
        const node = this.router(r.node, [...at, "node"], what);
        const { prefix, afi } = this.prefix(r.prefix, [...at, "prefix"], what);
        const spec: CheckSpec = {
          type,
          node: node.name,
          prefix,
          afi,
          best: r.best ?? true,
          expect: r.expect ?? "present",
        };
        if (r.nexthop !== undefined) spec.nexthop = this.ip(r.nexthop, [...at, "nexthop"], what);
        if (r["valley-free"]) {
          if (!node.intents.bgp?.neighbors.some((n) => n.relationship !== undefined)) {
            this.fail(
              [...at, "valley-free"],
              `${what}: valley-free needs the relationships of ${node.name}'s BGP neighbors (relationship: customer, provider or peer)`,
              "key",
            );
          }
          spec.valleyFree = true;
        }
        if (r["as-path"] !== undefined) {
          const asPath = normaliseAsPath(r["as-path"]);
          if (asPath && !/^[\d{},() ]+$/.test(asPath)) {
            this.fail(
              [...at, "as-path"],
              `${what}: AS path ${q(asPath)} is not a list of AS numbers, e.g. 65002 65003`,
            );
          }
          spec.asPath = asPath;
        }
        return spec;
      }
      case "route": {
        const r = c.route as NonNullable<CheckInput["route"]>;
        const node = this.node(r.node, [...at, "node"], what);
        if (node.role === "bridge") this.fail([...at, "node"], `${what}: bridge '${node.name}' has no routing table`);
        const { prefix, afi } = this.prefix(r.prefix, [...at, "prefix"], what);
        const spec: CheckSpec = { type, node: node.name, prefix, afi, expect: r.expect ?? "present" };
        if (r.protocol !== undefined) {
          if (node.stack === undefined) {
            this.fail(
              [...at, "protocol"],
              `${what}: ${node.name} is a ${node.kind} node and runs no routing stack; protocol applies to routers`,
            );
          }
          spec.protocol = r.protocol;
        }
        if (r.via !== undefined) spec.via = this.ip(r.via, [...at, "via"], what);
        if (r.port !== undefined) {
          const p = portOrError(this.lab, `${node.name}:${r.port}`);
          if (typeof p === "string") this.fail([...at, "port"], `${what}: ${p}`);
          spec.port = p.port.name;
          spec.ifname = p.port.ifname;
        }
        return spec;
      }
      case "ospf-neighbor": {
        const o = c["ospf-neighbor"] as NonNullable<CheckInput["ospf-neighbor"]>;
        const node = igpRouter(this.lab, o.node, "OSPF", (m) => this.fail([...at, "node"], `${what}: ${m}`));
        let port: { port: string; ifname: string } | undefined;
        if (o.port !== undefined) {
          const p = portOrError(this.lab, `${node.name}:${o.port}`);
          if (typeof p === "string") this.fail([...at, "port"], `${what}: ${p}`);
          port = { port: p.port.name, ifname: p.port.ifname };
        }
        const { ref, families } = ospfNeighborRef(
          this.lab,
          node,
          String(o.neighbor),
          (m) => this.fail([...at, "neighbor"], `${what}: ${m}`),
          port?.port,
        );
        return { type, node: node.name, neighbor: ref, families, ...port, expect: o.expect ?? "full" };
      }
      case "isis-adjacency": {
        const o = c["isis-adjacency"] as NonNullable<CheckInput["isis-adjacency"]>;
        const node = igpRouter(this.lab, o.node, "IS-IS", (m) => this.fail([...at, "node"], `${what}: ${m}`));
        const neighbor = isisNeighborRef(this.lab, node, String(o.neighbor), (m) =>
          this.fail([...at, "neighbor"], `${what}: ${m}`),
        );
        return { type, node: node.name, neighbor, expect: o.expect ?? "up" };
      }
      case "bfd-session": {
        const raw = c["bfd-session"] as NonNullable<CheckInput["bfd-session"]>;
        const b = typeof raw === "string" ? { node: raw } : raw;
        const npath: Path = typeof raw === "string" ? at : [...at, "node"];
        const node = this.node(b.node, npath, what);
        if (!runsBfd(node)) this.fail(npath, `${what}: ${node.name} runs no BFD (no bfd on a BGP neighbor, no bfdd)`);
        const spec: CheckSpec = {
          type,
          node: node.name,
          expect: (typeof raw === "string" ? undefined : raw.expect) ?? "up",
        };
        if (typeof raw !== "string" && raw.peers) {
          spec.peers = raw.peers.map((p, k) => this.bfdPeer(node, String(p), [...at, "peers", k], what));
        }
        return spec;
      }
      case "evpn-vni":
        return this.evpnVni(c["evpn-vni"] as NonNullable<CheckInput["evpn-vni"]>, at, what);
      case "interface": {
        const raw = c.interface as NonNullable<CheckInput["interface"]>;
        const text = typeof raw === "string" ? raw : raw.endpoint;
        const epath: Path = typeof raw === "string" ? at : [...at, "endpoint"];
        const p = portOrError(this.lab, text);
        if (typeof p === "string") this.fail(epath, `${what}: ${p}`);
        return {
          type,
          node: p.node.name,
          port: p.port.name,
          ifname: p.port.ifname,
          expect: (typeof raw === "string" ? undefined : raw.expect) ?? "up",
        };
      }
    }
  }

  /** A ping target: an address, a node (one of its addresses) or node:port (that port's address). */
  private target(text: string, path: Path, what: string): { to: string; target: string } {
    const ip = parseIp(text);
    if (typeof ip !== "string") return { to: ipString(ip), target: ipString(ip) };
    const i = text.indexOf(":");
    const name = i < 0 ? text : text.slice(0, i);
    const node = nodeOrError(this.lab, name);
    if (typeof node === "string") {
      this.fail(path, `${what}: ${q(text)} is neither an address nor a node of this lab (${node})`);
    }
    let port: string | undefined;
    if (i >= 0) {
      const p = portOrError(this.lab, text);
      if (typeof p === "string") this.fail(path, `${what}: ${p}`);
      port = p.port.name;
    }
    const to = nodeAddress(node, port);
    if (!to) this.fail(path, `${what}: ${text} has no address to ping; give an address`);
    return { to, target: text };
  }

  /** A BGP neighbor of `node` named by node name or address. */
  private peer(node: NodeModel, text: string, path: Path, what: string): PeerRef {
    const ip = parseIp(text);
    const neighbors = node.intents.bgp?.neighbors;
    const known = () =>
      neighbors?.length ? ` (its neighbors: ${neighbors.map((n) => n.node ?? n.address).join(", ")})` : "";
    if (typeof ip !== "string") {
      const addr = ipString(ip);
      if (neighbors && !neighbors.some((n) => n.address === addr)) {
        this.fail(path, `${what}: ${addr} is not a BGP neighbor of ${node.name}${known()}`);
      }
      return { label: addr, addresses: [addr] };
    }
    // An interface neighbor (BGP unnumbered) by this node's port: the stack names it so.
    const byPort = neighbors?.find((n) => n.unnumbered && (n.port === text || n.address === text));
    if (byPort && !this.lab.nodes.some((n) => n.name === text)) return { label: text, addresses: [byPort.address] };
    const peer = nodeOrError(this.lab, text);
    if (typeof peer === "string") this.fail(path, `${what}: BGP neighbor ${q(text)} of ${node.name}: ${peer}`);
    if (neighbors) {
      const addrs = neighbors.filter((n) => n.node === peer.name).map((n) => n.address);
      if (!addrs.length) this.fail(path, `${what}: ${peer.name} is not a BGP neighbor of ${node.name}${known()}`);
      return { label: peer.name, addresses: addrs };
    }
    // Raw config: the session may use any of the peer's addresses.
    return { label: peer.name, addresses: allAddresses(peer) };
  }

  /** A BFD peer of `node`: an address, one of its ports, or a node (its addresses and the ports toward it). */
  private bfdPeer(node: NodeModel, text: string, path: Path, what: string): BfdPeerRef {
    const ip = parseIp(text);
    if (typeof ip !== "string") return { label: ipString(ip), addresses: [ipString(ip)], ifnames: [] };
    const port = node.ports.find((p) => p.name === text);
    if (port) return { label: text, addresses: [], ifnames: [port.ifname] };
    const peer = nodeOrError(this.lab, text);
    if (typeof peer === "string")
      this.fail(path, `${what}: ${q(text)} is not an address, a port of ${node.name} or a node: ${peer}`);
    const toward = node.ports.filter((p) => p.peer?.node === peer.name).map((p) => p.ifname);
    const viaBgp = (node.intents.bgp?.neighbors ?? []).filter((n) => n.node === peer.name);
    return {
      label: peer.name,
      addresses: [...new Set([...allAddresses(peer), ...viaBgp.filter((n) => !n.unnumbered).map((n) => n.address)])],
      ifnames: [...new Set([...toward, ...viaBgp.filter((n) => n.unnumbered).map((n) => n.address)])],
    };
  }

  /** An `evpn-vni` check: a VNI the node carries, its expected remote VTEPs by node or address. */
  private evpnVni(o: NonNullable<CheckInput["evpn-vni"]>, at: Path, what: string): CheckSpec {
    const node = this.node(o.node, [...at, "node"], what);
    const vnis = node.intents.evpn?.vnis ?? [];
    if (!vnis.length) this.fail([...at, "node"], `${what}: ${node.name} is not a VTEP (no vxlan: VNIs)`);
    const v = vnis.find((x) => x.vni === o.vni);
    if (!v) {
      this.fail(
        [...at, "vni"],
        `${what}: ${node.name} has no VNI ${o.vni} (its VNIs: ${vnis.map((x) => x.vni).join(", ")})`,
      );
    }
    const spec: CheckSpec = { type: "evpn-vni", node: node.name, vni: o.vni };
    if (typeof o.vteps === "number") spec.vtepCount = o.vteps;
    else if (Array.isArray(o.vteps)) {
      spec.vteps = o.vteps.map((t, k) => {
        const ip = parseIp(t);
        if (typeof ip !== "string") return { label: ipString(ip), address: ipString(ip) };
        const peer = nodeOrError(this.lab, t);
        if (typeof peer === "string") {
          this.fail([...at, "vteps", k], `${what}: ${q(t)} is neither an address nor a node of this lab (${peer})`);
        }
        const r = v.remotes.find((x) => x.node === peer.name);
        if (!r) {
          const known = v.remotes.map((x) => x.node);
          this.fail(
            [...at, "vteps", k],
            `${what}: ${peer.name} carries no VNI ${o.vni}${known.length ? ` (its other VTEPs: ${known.join(", ")})` : " (no other VTEP carries it)"}`,
          );
        }
        return { label: peer.name, address: r.vtep };
      });
    } else spec.vteps = v.remotes.map((r) => ({ label: r.node, address: r.vtep }));
    if (o.macs !== undefined) spec.macs = o.macs;
    return spec;
  }

  scenario(name: string, s: NonNullable<TopologyInput["scenarios"]>[string]): ScenarioModel {
    const path: Path = ["scenarios", name];
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
      this.fail(path, `invalid scenario name ${q(name)}: use letters, digits, '-', '_' and '.'`, "key");
    }
    const faults: FaultModel[] = s.faults.map((f, k) => {
      const fpath: Path = [...path, "faults", k];
      const label = `scenario ${q(name)} fault #${k + 1}`;
      if ((f["link-down"] === undefined) === (f["node-stop"] === undefined)) {
        this.fail(fpath, `${label} needs exactly one of link-down, node-stop`);
      }
      if (f["link-down"] !== undefined) {
        const ends = typeof f["link-down"] === "string" ? [f["link-down"]] : f["link-down"];
        const link = linkOrError(this.lab, ends);
        if (typeof link === "string") this.fail([...fpath, "link-down"], `${label}: ${link}`);
        return { type: "link-down", link: link.index };
      }
      const node = this.node(f["node-stop"] as string, [...fpath, "node-stop"], label);
      if (node.role !== "router")
        this.fail([...fpath, "node-stop"], `${label}: ${node.name} is a ${node.kind} node and runs no daemons to stop`);
      return { type: "node-stop", node: node.name };
    });
    if (!faults.length) this.fail([...path, "faults"], `scenario ${q(name)} has no faults`);
    const checks = s.checks.map((c, i) => this.check(c, [...path, "checks", i], `scenario ${q(name)} check #${i + 1}`));
    const model: ScenarioModel = { name, faults, checks, pos: this.src.pos(path, "key") };
    if (s.description !== undefined) model.description = s.description;
    return model;
  }
}

/** A readable name for a check the user did not name. */
export function describeCheck(s: CheckSpec): string {
  switch (s.type) {
    case "ping":
      return `ping ${s.from} → ${s.target}${s.target !== s.to ? ` (${s.to})` : ""}${s.expect === "failure" ? " fails" : ""}`;
    case "bgp-session":
      return `${s.node} BGP ${s.neighbors ? `sessions to ${s.neighbors.map((n) => n.label).join(", ")}` : "sessions"} ${s.expect === "down" ? "down" : "Established"}`;
    case "bgp-route": {
      const how = [
        s.asPath !== undefined ? `AS path ${s.asPath === "" ? "(local)" : s.asPath}` : "",
        s.nexthop ? `next hop ${s.nexthop}` : "",
      ].filter(Boolean);
      const vf = s.valleyFree ? `, ${s.best ? "best path" : "a path"} valley-free` : "";
      return `${s.node} ${s.expect === "absent" ? "has no" : "has"} BGP route ${s.prefix}${how.length ? ` ${s.best ? "best " : ""}via ${how.join(", ")}` : ""}${vf}`;
    }
    case "route":
      return `${s.node} ${s.expect === "absent" ? "has no" : "has"} ${s.protocol ? `${s.protocol} route` : "kernel route"} ${s.prefix}${s.via ? ` via ${s.via}` : ""}${s.port ? ` dev ${s.port}` : ""}`;
    case "ospf-neighbor":
      return `${s.node} OSPF neighbor ${s.neighbor.label}${s.port ? ` on ${s.port}` : ""} ${s.expect === "down" ? "down" : "Full"}`;
    case "isis-adjacency":
      return `${s.node} IS-IS adjacency to ${s.neighbor.label} ${s.expect === "down" ? "down" : "Up"}`;
    case "interface":
      return `${s.node}:${s.port} ${s.expect}`;
    case "evpn-vni": {
      const vteps =
        s.vtepCount !== undefined
          ? `${s.vtepCount} remote VTEPs`
          : `VTEPs ${s.vteps?.map((v) => v.label).join(", ") || "(none)"}`;
      return `${s.node} VNI ${s.vni} floods to ${vteps}${s.macs !== undefined ? `, ≥${s.macs} MACs` : ""}`;
    }
    case "bfd-session":
      return `${s.node} BFD ${s.peers ? `sessions to ${s.peers.map((p) => p.label).join(", ")}` : "sessions"} ${s.expect}`;
  }
}
