// The lab as the graph page sees it: one JSON view model with the nodes, each cable with the
// kernel's truth at both ends (ifindex, peer ifindex, MAC, operstate, impairment), the BGP sessions
// with their state, and the prefixes each router announces and receives. Built from the
// recorded model alone (`modelSnapshot`, for exports of a lab that is not deployed) or from
// the running lab (`gatherSnapshot`: `ip -j`, `tc`, each router's stack for its BGP state).
// `diffSnapshot` is what the server pushes to open pages.
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import pLimit from "p-limit";
import type { NodeIgp } from "../core/igp.js";
import { inspectLab, type PortInspect } from "../core/inspect.js";
import type { Impairment, Lab, NodeModel } from "../core/model.js";
import type { LabState } from "../core/state.js";
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { RoutingStack } from "../stacks/stack.js";
import { describeImpairment, hasImpairment } from "../topology/impairment.js";
import type {
  CableView,
  Change,
  EndView,
  Family,
  GraphSnapshot,
  NodeView,
  ReceivedPrefix,
  Section,
  SessionHalf,
  SessionView,
  SnapshotDiff,
  SnapshotMeta,
} from "./view.js";

export * from "./view.js";

// ---- helpers --------------------------------------------------------------------------

export function familyOf(address: string): Family {
  return address.includes(":") ? "ipv6" : "ipv4";
}

/** Families a session may carry: its address's, or both for one named by a port (BGP unnumbered). */
export function sessionFamilies(address: string): Family[] {
  return isIP(address) ? [familyOf(address)] : ["ipv4", "ipv6"];
}

function bare(cidr: string): string {
  return cidr.split("/")[0] ?? cidr;
}

export function cableId(lab: Lab, index: number): string {
  const l = lab.links[index];
  if (!l) throw new Error(`no link ${index}`);
  return `${l.a.node}:${l.a.port}--${l.b.node}:${l.b.port}`;
}

/** Which lab node owns an address (interfaces and loopbacks), for naming BGP peers. */
export function addressOwners(lab: Lab): Map<string, string> {
  const owners = new Map<string, string>();
  for (const n of lab.nodes) {
    for (const a of n.loopback) owners.set(bare(a), n.name);
    for (const p of n.ports) for (const a of p.addresses) owners.set(bare(a), n.name);
    // Sessions named by a port (BGP unnumbered): the node at the other end of its cable.
    for (const p of n.ports) if (p.peer) owners.set(portKey(n.name, p.ifname), p.peer.node);
  }
  return owners;
}

/** The owners key of a session a node names by its port's kernel name (`%` is in no ifname). */
function portKey(node: string, ifname: string): string {
  return `${node}%${ifname}`;
}

/** The node a session half leads to: by the peer's address, else by this node's port. */
function peerOf(h: SessionHalf, owners: Map<string, string>): string | undefined {
  return owners.get(h.peerAddress) ?? owners.get(portKey(h.node, h.peerAddress));
}

/** The network of a CIDR address ("192.168.101.1/24" → "192.168.101.0/24"), if it parses. */
export function networkOf(cidr: string): string | undefined {
  try {
    const [ip, len] = ipaddr.parseCIDR(cidr);
    const net =
      ip.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
    return `${net.toString()}/${len}`;
  } catch {
    return undefined;
  }
}

function cableState(a: EndView, b: EndView): CableView["state"] {
  if (a.operstate === "MISSING" || b.operstate === "MISSING") return "missing";
  return a.operstate === "UP" && b.operstate === "UP" ? "up" : "down";
}

function kindLabel(n: NodeModel): string {
  return n.kind;
}

// ---- sessions ---------------------------------------------------------------------------

/** Pairs the halves of each session (X toward Y with Y toward X, same family, in order). */
export function pairSessions(halves: SessionHalf[], owners: Map<string, string>): Record<string, SessionView> {
  const sorted = [...halves].sort((x, y) =>
    x.node === y.node ? x.peerAddress.localeCompare(y.peerAddress) : x.node.localeCompare(y.node),
  );
  const used = new Set<SessionHalf>();
  const out: Record<string, SessionView> = {};
  const count = new Map<string, number>();
  for (const h of sorted) {
    if (used.has(h)) continue;
    used.add(h);
    const family = familyOf(h.peerAddress);
    const peer = peerOf(h, owners);
    const other =
      peer === undefined
        ? undefined
        : sorted.find(
            (o) =>
              !used.has(o) && o.node === peer && peerOf(o, owners) === h.node && familyOf(o.peerAddress) === family,
          );
    if (other) used.add(other);
    const base = peer === undefined ? `${h.node}~${h.peerAddress}` : `${h.node}~${peer}~${family}`;
    const n = count.get(base) ?? 0;
    count.set(base, n + 1);
    const id = n ? `${base}~${n + 1}` : base;
    const parts = [h, other].filter((x): x is SessionHalf => x !== undefined);
    const bad = parts.find((p) => p.state !== "Established");
    const asA = h.localAs ?? other?.remoteAs;
    const asB = h.remoteAs || other?.localAs;
    out[id] = {
      id,
      family,
      a: h.node,
      b: peer,
      asA,
      asB,
      addressB: h.peerAddress,
      addressA: other?.peerAddress,
      halfA: h,
      halfB: other,
      state: bad ? bad.state : "Established",
      established: !bad,
      type: asA !== undefined && asA === asB ? "ibgp" : "ebgp",
    };
  }
  return out;
}

function modelHalves(n: NodeModel, state: string): SessionHalf[] {
  return (n.intents.bgp?.neighbors ?? []).map((nb) => ({
    node: n.name,
    peerAddress: nb.address,
    remoteAs: nb.remoteAs,
    localAs: n.intents.bgp?.asn,
    state,
  }));
}

// ---- from the model ---------------------------------------------------------------------

function modelEnd(lab: Lab, node: string, port: string, imp: Impairment | undefined): EndView {
  const p = lab.nodes.find((n) => n.name === node)?.ports.find((x) => x.name === port);
  const end: EndView = { node, port, ifname: p?.ifname ?? port, operstate: "UNKNOWN", addresses: p?.addresses ?? [] };
  if (hasImpairment(imp)) end.impairment = describeImpairment(imp);
  return end;
}

/** The lab as the topology describes it, nothing read from the machine (exports of any file). */
export function modelSnapshot(lab: Lab, phase = "not deployed"): GraphSnapshot {
  const nodes: Record<string, NodeView> = {};
  for (const n of lab.nodes) {
    nodes[n.name] = {
      name: n.name,
      kind: kindLabel(n),
      role: n.role,
      status: phase,
      asn: n.intents.bgp?.asn,
      routerId: n.intents.bgp?.routerId,
      loopback: n.loopback,
      subnets: n.subnets,
      daemons: [],
      ports: n.ports.map((p) => p.name),
      announced: n.intents.bgp?.networks ?? [],
      received: [],
      ...(n.graph?.tier !== undefined ? { tier: n.graph.tier } : {}),
    };
  }
  const cables: Record<string, CableView> = {};
  for (const l of lab.links) {
    const id = cableId(lab, l.index);
    const a = modelEnd(lab, l.a.node, l.a.port, l.impairment);
    const b = modelEnd(lab, l.b.node, l.b.port, l.impairment);
    const subnet = l.subnet ?? networkOf([...a.addresses, ...b.addresses][0] ?? "");
    cables[id] = { id, index: l.index, a, b, state: "unknown", impaired: hasImpairment(l.impairment), subnet };
  }
  const sessions = pairSessions(
    lab.nodes.flatMap((n) => modelHalves(n, "configured")),
    addressOwners(lab),
  );
  for (const s of Object.values(sessions)) s.established = false;
  return { meta: { lab: lab.name, phase, live: false, file: lab.file }, nodes, cables, sessions };
}

// ---- from the running lab ---------------------------------------------------------------

interface BgpRead {
  asn?: number;
  routerId?: string;
  halves: SessionHalf[];
  announced: string[];
  received: ReceivedPrefix[];
  error?: string;
}

/** A stack that can show the web view a router's BGP state. */
type BgpReader = RoutingStack & Required<Pick<RoutingStack, "bgpSummary" | "bgpRoutes">>;

function bgpReader(node: NodeModel): BgpReader | undefined {
  const stack = stackOf(node);
  return stack?.bgpSummary && stack.bgpRoutes && stack.protocols(node).includes("bgp")
    ? (stack as BgpReader)
    : undefined;
}

async function readBgp(lab: string, node: NodeModel, stack: BgpReader, owners: Map<string, string>): Promise<BgpRead> {
  const handle = nodeHandle(lab, node);
  const summary = await stack.bgpSummary(handle, { timeoutMs: 5000 });
  const asn = summary.asn ?? node.intents.bgp?.asn;
  const routerId = summary.routerId ?? node.intents.bgp?.routerId;
  const halves: SessionHalf[] = summary.peers.map((p) => ({
    node: node.name,
    peerAddress: p.address,
    remoteAs: p.remoteAs,
    localAs: p.localAs ?? asn,
    state: p.state,
    pfxRcd: p.pfxRcd,
    pfxSnt: p.pfxSnt,
  }));
  const families = new Set<Family>(["ipv4"]);
  for (const h of halves) for (const f of sessionFamilies(h.peerAddress)) families.add(f);
  for (const n of node.intents.bgp?.networks ?? []) families.add(familyOf(n));
  const announced: string[] = [];
  const received: ReceivedPrefix[] = [];
  for (const afi of families) {
    const routes = await stack.bgpRoutes(handle, afi);
    for (const [prefix, paths] of Object.entries(routes)) {
      const best = paths.find((p) => p.bestpath) ?? paths.find((p) => p.valid);
      if (!best) continue;
      if (!best.peerId || best.peerId === "(unspec)") announced.push(prefix);
      else {
        const nh = best.nexthops.find((n) => n.used) ?? best.nexthops[0];
        received.push({ prefix, aspath: best.aspath, nexthop: nh?.ip, from: owners.get(best.peerId) ?? best.peerId });
      }
    }
  }
  return { asn, routerId, halves, announced, received };
}

function liveEnd(p: PortInspect | undefined, fallback: EndView): EndView {
  if (!p) return { ...fallback, operstate: "MISSING", impairment: undefined };
  const end: EndView = {
    node: p.node,
    port: p.port,
    ifname: p.ifname,
    netns: p.netns,
    ifindex: p.ifindex,
    peerIfindex: p.peerIfindex,
    peerOk: p.peerOk,
    mac: p.mac,
    mtu: p.mtu,
    operstate: p.state,
    addresses: p.addresses,
    bridge: p.bridge,
  };
  if (hasImpairment(p.impairment)) end.impairment = describeImpairment(p.impairment);
  return end;
}

export interface GatherOptions {
  /** Most processes (ip, tc, vtysh) run at once (default 6). */
  concurrency?: number;
  /** The lab was destroyed while we watched: report it so. */
  destroyed?: boolean;
  /** The layout the page is asked for (`wirelab graph --layout`); automatic when unset. */
  layout?: "tiers" | "force";
}

/** Reads the running lab: kernel (ip -j, tc) and each router's stack (BGP summary and tables). */
export async function gatherSnapshot(state: LabState, opts: GatherOptions = {}): Promise<GraphSnapshot> {
  const lab = state.model;
  const limit = pLimit(opts.concurrency ?? 6);
  const owners = addressOwners(lab);
  const bgp = new Map<string, BgpRead>();
  const igp = new Map<string, NodeIgp>();
  // The kernel (inspect: ip, tc) and the routers' stacks are read at the same time.
  const kernel = inspectLab(state);
  kernel.catch(() => {}); // handled by the await below, after the stacks' reads
  await Promise.all(
    state.nodes.map((n) =>
      limit(async () => {
        const m = lab.nodes.find((x) => x.name === n.name);
        const stack = m && bgpReader(m);
        if (!m || !stack) return;
        try {
          bgp.set(n.name, await readBgp(state.name, m, stack, owners));
        } catch (e) {
          bgp.set(n.name, {
            asn: m.intents.bgp?.asn,
            routerId: m.intents.bgp?.routerId,
            halves: modelHalves(m, "unknown"),
            announced: [],
            received: [],
            error: ((e as Error).message ?? String(e)).split("\n")[0],
          });
        }
      }),
    ),
  );
  const info = await kernel;
  // inspect read each router's OSPF and IS-IS with the kernel.
  for (const n of info.nodes) if (n.igpState) igp.set(n.name, n.igpState);

  const base = modelSnapshot(lab, state.phase);
  const nodes: Record<string, NodeView> = {};
  for (const n of info.nodes) {
    const m = base.nodes[n.name];
    const f = bgp.get(n.name);
    nodes[n.name] = {
      name: n.name,
      kind: m?.kind ?? n.kind,
      role: m?.role ?? "router",
      status: n.status,
      netns: n.netns,
      asn: f?.asn ?? m?.asn,
      routerId: f?.routerId ?? m?.routerId,
      loopback: n.loopback,
      subnets: m?.subnets ?? [],
      daemons: n.daemons.map((d) => ({ name: d.name, alive: d.alive })),
      ports: m?.ports ?? n.ports.map((p) => p.port),
      announced: f?.announced.sort() ?? [],
      received: f?.received.sort((x, y) => x.prefix.localeCompare(y.prefix)) ?? [],
      ...(f?.error ? { bgpError: f.error } : {}),
      ...(igp.has(n.name) ? { igp: igp.get(n.name) } : {}),
      ...(m?.tier !== undefined ? { tier: m.tier } : {}),
    };
  }
  const ports = new Map(info.nodes.flatMap((n) => n.ports.map((p) => [`${p.node}:${p.port}`, p] as const)));
  const cables: Record<string, CableView> = {};
  for (const c of Object.values(base.cables)) {
    const a = liveEnd(ports.get(`${c.a.node}:${c.a.port}`), c.a);
    const b = liveEnd(ports.get(`${c.b.node}:${c.b.port}`), c.b);
    cables[c.id] = {
      ...c,
      a,
      b,
      state: cableState(a, b),
      impaired: a.impairment !== undefined || b.impairment !== undefined,
    };
  }
  const sessions = pairSessions(
    [...bgp.values()].flatMap((f) => f.halves),
    owners,
  );
  return {
    meta: {
      lab: state.name,
      phase: opts.destroyed ? "destroyed" : state.phase,
      live: true,
      runtime: state.runtime,
      file: state.file,
      ...(opts.layout ? { layout: opts.layout } : {}),
    },
    nodes,
    cables,
    sessions,
  };
}

// ---- diffs ------------------------------------------------------------------------------

const SECTIONS: Exclude<Section, "meta">[] = ["nodes", "cables", "sessions"];

/** What changed from `prev` to `next`, entry by entry; undefined when nothing did. */
export function diffSnapshot(prev: GraphSnapshot, next: GraphSnapshot): SnapshotDiff | undefined {
  const changes: Change[] = [];
  if (JSON.stringify(prev.meta) !== JSON.stringify(next.meta)) changes.push(["meta", "", next.meta]);
  for (const s of SECTIONS) {
    const a = prev[s] as Record<string, unknown>;
    const b = next[s] as Record<string, unknown>;
    for (const [id, v] of Object.entries(b)) if (JSON.stringify(a[id]) !== JSON.stringify(v)) changes.push([s, id, v]);
    for (const id of Object.keys(a)) if (!(id in b)) changes.push([s, id, null]);
  }
  return changes.length ? { changes } : undefined;
}

/** Applies a diff in place (the page does the same in the browser). */
export function applyDiff(snap: GraphSnapshot, diff: SnapshotDiff): GraphSnapshot {
  for (const [section, id, value] of diff.changes) {
    if (section === "meta") snap.meta = value as SnapshotMeta;
    else {
      const map = snap[section] as Record<string, unknown>;
      if (value === null) delete map[id];
      else map[id] = value;
    }
  }
  return snap;
}
