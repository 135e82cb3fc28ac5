// What the page shows when a node or a cable is clicked, read on demand (not polled):
// a node's interfaces (kernel), routes (its stack's RIB, or the kernel's) and BGP table; a
// cable's counters and queueing disciplines.
import type { LabState } from "../core/state.js";
import { type BgpPath, type BgpPeer, describeAsPath } from "../intents/bgp/state.js";
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { RibRoute } from "../stacks/stack.js";
import { run } from "../util/exec.js";
import { ipJson } from "../util/ip.js";
import { addressOwners, cableId, type Family, sessionFamilies } from "./snapshot.js";

export interface RouteRow {
  prefix: string;
  protocol: string;
  selected: boolean;
  nexthops: string[];
}

export interface BgpRow {
  prefix: string;
  best: boolean;
  aspath: string;
  nexthop: string;
  from?: string;
}

export interface InterfaceRow {
  ifname: string;
  port?: string;
  ifindex: number;
  operstate: string;
  mac?: string;
  mtu?: number;
  addresses: string[];
  kind?: string;
}

export interface NodeDetails {
  name: string;
  kind: string;
  netns: string;
  interfaces: InterfaceRow[];
  routes: RouteRow[];
  bgp?: { peers: BgpPeer[]; table: BgpRow[] };
  errors: string[];
}

interface IpAddr {
  ifindex: number;
  ifname: string;
  operstate?: string;
  address?: string;
  mtu?: number;
  addr_info?: { local: string; prefixlen: number; scope?: string }[];
  linkinfo?: { info_kind?: string };
}

interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
}

function ribRows(rib: Record<string, RibRoute[]>): RouteRow[] {
  return Object.values(rib).flatMap((list) =>
    list.map((r) => ({
      prefix: r.prefix,
      protocol: r.protocol,
      selected: r.selected,
      nexthops: r.nexthops.map((n) =>
        [n.ip, n.interfaceName ? `dev ${n.interfaceName}` : "", n.directlyConnected ? "connected" : ""]
          .filter(Boolean)
          .join(" "),
      ),
    })),
  );
}

function bgpRows(table: Record<string, BgpPath[]>, owners: Map<string, string>): BgpRow[] {
  return Object.entries(table).flatMap(([prefix, paths]) =>
    paths.map((p) => ({
      prefix,
      best: p.bestpath,
      aspath: describeAsPath(p),
      nexthop: p.nexthops.map((n) => n.ip).join(", "),
      from: p.peerId && p.peerId !== "(unspec)" ? (owners.get(p.peerId) ?? p.peerId) : undefined,
    })),
  );
}

/** A node's interfaces (kernel), routes (its stack's RIB, or the kernel's on hosts) and BGP table. */
export async function nodeDetails(state: LabState, name: string): Promise<NodeDetails | undefined> {
  const n = state.nodes.find((x) => x.name === name);
  const m = state.model.nodes.find((x) => x.name === name);
  if (!n || !m) return undefined;
  const handle = nodeHandle(state.name, m);
  const stack = stackOf(m);
  const errors: string[] = [];
  const fail = (what: string) => (e: unknown) => {
    errors.push(`${what}: ${((e as Error).message ?? String(e)).split("\n")[0]}`);
    return undefined;
  };
  const byIfname = new Map(m.ports.map((p) => [p.ifname, p.name]));
  const addrs = (await ipJson<IpAddr[]>(["-d", "addr", "show"], handle.netns).catch(fail("ip addr"))) ?? [];
  const interfaces = addrs.map((i) => ({
    ifname: i.ifname,
    port: byIfname.get(i.ifname),
    ifindex: i.ifindex,
    operstate: i.operstate ?? "UNKNOWN",
    mac: i.address,
    mtu: i.mtu,
    addresses: (i.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
    kind: i.linkinfo?.info_kind,
  }));
  let routes: RouteRow[] = [];
  let bgp: NodeDetails["bgp"];
  if (stack?.ribRoutes) {
    const families: Family[] = ["ipv4", "ipv6"];
    for (const afi of families) {
      const rib = await stack.ribRoutes(handle, afi).catch(fail(`${stack.name.toUpperCase()} ${afi} routes`));
      if (rib) routes.push(...ribRows(rib));
    }
  } else {
    for (const f of ["-4", "-6"]) {
      const list = (await ipJson<IpRoute[]>([f, "route", "show"], handle.netns).catch(fail("ip route"))) ?? [];
      routes.push(
        ...list.map((r) => ({
          prefix: r.dst,
          protocol: r.protocol ?? "kernel",
          selected: true,
          nexthops: [[r.gateway, r.dev ? `dev ${r.dev}` : ""].filter(Boolean).join(" ")],
        })),
      );
    }
    routes = routes.filter((r) => !r.prefix.startsWith("fe80"));
  }
  if (stack?.bgpPeers && stack.bgpRoutes && stack.protocols(m).includes("bgp")) {
    const peers = await stack.bgpPeers(handle).catch(fail("BGP summary"));
    const owners = addressOwners(state.model);
    const families = new Set<Family>(["ipv4", ...(peers ?? []).flatMap((p) => sessionFamilies(p.address))]);
    const table: BgpRow[] = [];
    for (const afi of families) {
      const t = await stack.bgpRoutes(handle, afi).catch(fail(`BGP ${afi} table`));
      if (t) table.push(...bgpRows(t, owners));
    }
    bgp = { peers: peers ?? [], table };
  }
  return { name, kind: m.kind, netns: n.netns, interfaces, routes, bgp, errors };
}

export interface Counters {
  rx: { bytes: number; packets: number; errors: number; dropped: number };
  tx: { bytes: number; packets: number; errors: number; dropped: number };
}

export interface EndDetails {
  node: string;
  port: string;
  ifname: string;
  netns: string;
  operstate?: string;
  counters?: Counters;
  /** `tc -s qdisc show dev IF`, as tc prints it. */
  qdisc: string;
}

export interface CableDetails {
  id: string;
  ends: EndDetails[];
}

interface IpStats {
  operstate?: string;
  stats64?: {
    rx?: { bytes?: number; packets?: number; errors?: number; dropped?: number };
    tx?: { bytes?: number; packets?: number; errors?: number; dropped?: number };
  };
}

const pick = (s?: { bytes?: number; packets?: number; errors?: number; dropped?: number }) => ({
  bytes: s?.bytes ?? 0,
  packets: s?.packets ?? 0,
  errors: s?.errors ?? 0,
  dropped: s?.dropped ?? 0,
});

/** A cable's counters (`ip -s link`) and qdiscs with statistics (`tc -s qdisc`), both ends. */
export async function cableDetails(state: LabState, id: string): Promise<CableDetails | undefined> {
  const lab = state.model;
  const link = lab.links.find((l) => cableId(lab, l.index) === id);
  if (!link) return undefined;
  const ends = await Promise.all(
    [link.a, link.b].map(async (ref): Promise<EndDetails> => {
      const node = state.nodes.find((n) => n.name === ref.node);
      const model = lab.nodes.find((n) => n.name === ref.node);
      const port = model?.ports.find((p) => p.name === ref.port);
      const netns = node && model ? nodeHandle(state.name, model).netns : "";
      const ifname = port?.ifname ?? ref.port;
      const end: EndDetails = { node: ref.node, port: ref.port, ifname, netns, qdisc: "" };
      if (!node || !model) return end;
      const stats = await ipJson<IpStats[]>(["-s", "link", "show", "dev", ifname], netns).catch(() => undefined);
      const s = stats?.[0];
      if (s) {
        end.operstate = s.operstate;
        end.counters = { rx: pick(s.stats64?.rx), tx: pick(s.stats64?.tx) };
      }
      const tc = await run("tc", ["-n", netns, "-s", "qdisc", "show", "dev", ifname], { timeoutMs: 5000 });
      end.qdisc = tc.code === 0 ? tc.stdout.trim() : tc.stderr.trim();
      return end;
    }),
  );
  return { id, ends };
}
