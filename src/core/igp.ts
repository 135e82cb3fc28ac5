// A node's link-state IGPs as they run, in the lab's words (ports and node names instead of
// kernel names, router-ids and system ids), for inspect and the web view's routing pane.
// Read through the node's stack (RoutingStack.igpState): nothing here knows a stack.
import pLimit from "p-limit";
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { RunningProtocol } from "../stacks/stack.js";
import type { Lab, NodeModel } from "./model.js";

export interface OspfInterfaceView {
  /** 2: OSPFv2 (IPv4), 3: OSPFv3 (IPv6). */
  version: 2 | 3;
  /** The user's port name (the kernel name when the port is not in the model). */
  port: string;
  area?: string;
  /** This router's role on the segment: DR, Backup, DROther, Point-To-Point, … */
  role?: string;
  networkType?: string;
  cost?: number;
  passive?: boolean;
  /** The segment's DR and BDR, by node name when the lab knows the router-id. */
  dr?: string;
  bdr?: string;
}

export interface OspfNeighborView {
  version: 2 | 3;
  /** The neighbor's node name when the lab knows its router-id, else the router-id. */
  neighbor: string;
  routerId: string;
  port: string;
  area?: string;
  /** Full, 2-Way, Init, … */
  state: string;
  /** The neighbor's role on the segment (DR, Backup, DROther), none on point-to-point. */
  role?: string;
  up: boolean;
}

export interface IsisInterfaceView {
  port: string;
  /** L1, L2 or L1L2. */
  circuitType?: string;
  /** lan or p2p. */
  type?: string;
  /** "L2 10" per level. */
  metric?: string;
  passive: boolean;
}

export interface IsisAdjacencyView {
  neighbor: string;
  systemId: string;
  port: string;
  level: number;
  /** Up, Initializing, Down. */
  state: string;
  circuitType?: string;
  up: boolean;
}

export interface NodeIgp {
  ospf?: {
    /** Every area the router has an interface in (an ABR has more than one). */
    areas: string[];
    interfaces: OspfInterfaceView[];
    neighbors: OspfNeighborView[];
  };
  isis?: {
    /** 1, 2 or both. */
    levels: number[];
    nets: string[];
    interfaces: IsisInterfaceView[];
    adjacencies: IsisAdjacencyView[];
  };
  /** A daemon that did not answer. */
  errors: string[];
}

const bare = (cidr: string) => cidr.split("/")[0] ?? cidr;

/** Names a router-id or system id by the lab node it belongs to (intent, loopback or port address). */
function namer(lab: Lab): { byRid(rid: string): string; bySid(sid: string): string } {
  const rids = new Map<string, string>();
  const sids = new Map<string, string>();
  for (const n of lab.nodes) {
    for (const a of [...n.loopback, ...n.ports.flatMap((p) => p.addresses)]) {
      if (!rids.has(bare(a))) rids.set(bare(a), n.name);
    }
  }
  for (const n of lab.nodes) {
    if (n.intents.ospf?.routerId) rids.set(n.intents.ospf.routerId, n.name);
    if (n.intents.isis?.systemId) sids.set(n.intents.isis.systemId, n.name);
    // FRR's dynamic hostname: IS-IS neighbors are shown by the node's name already.
    sids.set(n.name, n.name);
  }
  return { byRid: (rid) => rids.get(rid) ?? rid, bySid: (sid) => sids.get(sid) ?? sid };
}

/** Whether the node runs an IGP the web view and inspect show. */
export function runsIgp(node: NodeModel): boolean {
  const p = stackOf(node)?.protocols(node) ?? [];
  return p.includes("ospf") || p.includes("isis");
}

/** The node's OSPF and IS-IS as they run; undefined when it runs neither (or its stack cannot say). */
export async function readIgp(
  labName: string,
  lab: Lab,
  node: NodeModel,
  timeoutMs = 5000,
): Promise<NodeIgp | undefined> {
  const stack = stackOf(node);
  if (!stack?.igpState || !runsIgp(node)) return undefined;
  const st = await stack.igpState(nodeHandle(labName, node), stack.protocols(node), { timeoutMs });
  const { byRid, bySid } = namer(lab);
  const port = (ifname: string) => node.ports.find((p) => p.ifname === ifname)?.name ?? ifname;
  const out: NodeIgp = { errors: st.errors };
  if (st.ospf) {
    const ifaces = st.ospf.interfaces;
    const areaOf = (family: number, ifname: string) =>
      ifaces.find((i) => i.family === family && i.ifname === ifname)?.area;
    out.ospf = {
      areas: [...new Set(ifaces.flatMap((i) => (i.area ? [i.area] : [])))].sort(),
      interfaces: ifaces
        .filter((i) => !i.loopback)
        .map((i) => {
          const v: OspfInterfaceView = { version: i.family === 4 ? 2 : 3, port: port(i.ifname) };
          if (i.area) v.area = i.area;
          if (i.role) v.role = i.role;
          if (i.networkType) v.networkType = i.networkType;
          if (i.cost !== undefined) v.cost = i.cost;
          if (i.passive !== undefined) v.passive = i.passive;
          if (i.dr) v.dr = byRid(i.dr);
          if (i.bdr) v.bdr = byRid(i.bdr);
          return v;
        }),
      neighbors: st.ospf.neighbors.map((n) => {
        const v: OspfNeighborView = {
          version: n.family === 4 ? 2 : 3,
          neighbor: byRid(n.routerId),
          routerId: n.routerId,
          port: port(n.ifname),
          state: n.state,
          up: n.up,
        };
        const area = areaOf(n.family, n.ifname);
        if (area) v.area = area;
        if (n.role) v.role = n.role;
        return v;
      }),
    };
  }
  if (st.isis) {
    out.isis = {
      levels: st.isis.instance.levels,
      nets: st.isis.instance.nets,
      interfaces: st.isis.interfaces
        .filter((i) => !i.loopback)
        .map((i) => {
          const v: IsisInterfaceView = { port: port(i.ifname), passive: i.passive };
          if (i.circuitType) v.circuitType = i.circuitType;
          if (i.type) v.type = i.type;
          if (i.metrics) {
            v.metric = Object.entries(i.metrics)
              .map(([l, m]) => `${l} ${m}`)
              .join(", ");
          }
          return v;
        }),
      adjacencies: st.isis.adjacencies.map((a) => {
        const v: IsisAdjacencyView = {
          neighbor: bySid(a.systemId),
          systemId: a.systemId,
          port: port(a.ifname),
          level: a.level,
          state: a.state,
          up: a.up,
        };
        if (a.circuitType) v.circuitType = a.circuitType;
        return v;
      }),
    };
  }
  return out;
}

/**
 * What every router of the lab runs, read back from its running daemons (raw config
 * included), by node name; a node whose stack cannot say, or does not answer, is left out.
 */
export async function runningRouting(
  labName: string,
  lab: Lab,
  concurrency = 6,
): Promise<Map<string, RunningProtocol[]>> {
  const limit = pLimit(concurrency);
  const out = new Map<string, RunningProtocol[]>();
  await Promise.all(
    lab.nodes.map((n) =>
      limit(async () => {
        const stack = stackOf(n);
        if (!stack?.runningProtocols) return;
        const p = await stack.runningProtocols(nodeHandle(labName, n), { timeoutMs: 10_000 }).catch(() => undefined);
        if (p) out.set(n.name, p);
      }),
    ),
  );
  return out;
}
