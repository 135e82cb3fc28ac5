// What a lab really is, read back from the kernel and FRR: the seed's `ethtool -S` and
// `ip addr` detective work (which veth end is which, peer ifindex) done for the user.

import { readImpairments } from "../links/impair.js";
import { nodeHandle, RUNTIMES } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import { ipJson, listNetns } from "../util/ip.js";
import { type NodeIgp, readIgp } from "./igp.js";
import type { Impairment } from "./model.js";
import type { LabState } from "./state.js";

interface IpAddrJson {
  ifindex: number;
  ifname: string;
  link_index?: number;
  link_netnsid?: number;
  address?: string;
  operstate?: string;
  mtu?: number;
  ifalias?: string;
  master?: string;
  flags?: string[];
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
  linkinfo?: { info_kind?: string };
}

export interface PortInspect {
  node: string;
  /** The user's port name. */
  port: string;
  /** The kernel interface name. */
  ifname: string;
  netns: string;
  ifindex?: number;
  /** Peer ifindex as the kernel reports it (veth `@ifN`, ethtool's peer_ifindex). */
  peerIfindex?: number;
  /** The cable's other end, `node:port`. */
  peer?: string;
  /** True when the kernel's peer ifindex is the peer port's ifindex (and back). */
  peerOk?: boolean;
  mac?: string;
  mtu?: number;
  state: string;
  addresses: string[];
  alias?: string;
  bridge?: string;
  /** tc conditions on this end's egress (delay, loss, rate, …), as the kernel has them. */
  impairment?: Impairment;
}

export interface DaemonInspect {
  name: string;
  pid?: number;
  alive: boolean;
}

export interface NodeInspect {
  name: string;
  kind: string;
  netns: string;
  /** running: namespace and daemons present; degraded: a daemon is down; missing: namespace gone. */
  status: "running" | "degraded" | "missing";
  daemons: DaemonInspect[];
  loopback: string[];
  ports: PortInspect[];
  /** Container nodes (docker runtime): the container as Docker reports it. */
  container?: ContainerInspect;
  /** OSPF neighbors and IS-IS adjacencies, as the node's stack reports them (routers running an IGP). */
  igp?: IgpAdjacencyInspect[];
  /** The node's OSPF (areas, interfaces with DR/BDR) and IS-IS (levels, circuits) as they run. */
  igpState?: NodeIgp;
}

export interface IgpAdjacencyInspect {
  /** OSPFv2, OSPFv3 or IS-IS. */
  protocol: string;
  /** The neighbor: its node name when the lab knows it, else its router-id / system id. */
  neighbor: string;
  /** This node's port (the user's name). */
  port: string;
  state: string;
  up: boolean;
  /** OSPF: the area of this node's interface. */
  area?: string;
  /** OSPF: the neighbor's role on the segment (DR, Backup, DROther). */
  role?: string;
  /** IS-IS: the adjacency's level and circuit type (L1, L2, L1L2). */
  level?: number;
  circuitType?: string;
}

export interface ContainerInspect {
  name: string;
  id?: string;
  image: string;
  /** Docker's state: running, exited, … or missing. */
  state: string;
  /** Host pid of the container's PID 1. */
  pid?: number;
  /** Inner namespace holding the ports (port-namespace). */
  portNamespace?: string;
  /** Address on the lab's management network (`management:`), e.g. 172.18.0.2/16. */
  mgmt?: string;
}

export interface LabInspect {
  name: string;
  phase: string;
  file?: string;
  createdAt: string;
  nodes: NodeInspect[];
}

function addrs(i: IpAddrJson | undefined): string[] {
  return (i?.addr_info ?? [])
    .filter((a) => a.scope !== "link" && a.scope !== "host")
    .map((a) => `${a.local}/${a.prefixlen}`);
}

/** The node's OSPF neighbors and IS-IS adjacencies as inspect lists them. */
export function igpAdjacencies(igp: NodeIgp | undefined): IgpAdjacencyInspect[] {
  return [
    ...(igp?.ospf?.neighbors ?? []).map((n) => {
      const a: IgpAdjacencyInspect = {
        protocol: `OSPFv${n.version}`,
        neighbor: n.neighbor,
        port: n.port,
        state: `${n.state}${n.role ? `/${n.role}` : ""}`,
        up: n.up,
      };
      if (n.area) a.area = n.area;
      if (n.role) a.role = n.role;
      return a;
    }),
    ...(igp?.isis?.adjacencies ?? []).map((x) => {
      const a: IgpAdjacencyInspect = {
        protocol: "IS-IS",
        neighbor: x.neighbor,
        port: x.port,
        state: `${x.state} L${x.level}`,
        up: x.up,
        level: x.level,
      };
      if (x.circuitType) a.circuitType = x.circuitType;
      return a;
    }),
  ];
}

export async function inspectLab(state: LabState): Promise<LabInspect> {
  const present = new Set(await listNetns());
  const kernel = new Map<string, Map<string, IpAddrJson>>();
  const impairments = new Map<string, Map<string, Impairment>>();
  await Promise.all(
    state.nodes.map(async (n) => {
      if (!present.has(n.netns)) return;
      const list = await ipJson<IpAddrJson[]>(["-d", "addr", "show"], n.netns).catch(() => [] as IpAddrJson[]);
      kernel.set(n.name, new Map(list.map((i) => [i.ifname, i])));
      impairments.set(n.name, await readImpairments(n.netns));
    }),
  );

  const model = state.model;
  const nodes: NodeInspect[] = await Promise.all(
    state.nodes.map(async (n) => {
      const m = model.nodes.find((x) => x.name === n.name);
      const k = kernel.get(n.name);
      const stack = m ? stackOf(m) : undefined;
      const daemons: DaemonInspect[] = m && stack ? await stack.daemonStatus(nodeHandle(state.name, m), n.daemons) : [];
      const ports: PortInspect[] = (m?.ports ?? []).map((p) => {
        const i = k?.get(p.ifname);
        const peerNode = p.peer ? model.nodes.find((x) => x.name === p.peer?.node) : undefined;
        const peerPort = peerNode?.ports.find((x) => x.name === p.peer?.port);
        const peerKernel = peerPort ? kernel.get(peerNode?.name ?? "")?.get(peerPort.ifname) : undefined;
        return {
          node: n.name,
          port: p.name,
          ifname: p.ifname,
          netns: n.netns,
          ifindex: i?.ifindex,
          peerIfindex: i?.link_index,
          peer: p.peer ? `${p.peer.node}:${p.peer.port}` : undefined,
          peerOk:
            i && peerKernel ? i.link_index === peerKernel.ifindex && peerKernel.link_index === i.ifindex : undefined,
          mac: i?.address,
          mtu: i?.mtu,
          state: i ? (i.operstate ?? "UNKNOWN") : "MISSING",
          addresses: addrs(i),
          alias: i?.ifalias,
          bridge: i?.master,
          impairment: impairments.get(n.name)?.get(p.ifname),
        };
      });
      const status: NodeInspect["status"] = !k ? "missing" : daemons.every((d) => d.alive) ? "running" : "degraded";
      const node: NodeInspect = {
        name: n.name,
        kind: n.kind,
        netns: n.netns,
        status,
        daemons,
        loopback: addrs(k?.get("lo")).filter((a) => !a.startsWith("127.") && a !== "::1/128"),
        ports,
      };
      const igp = m && k ? await readIgp(state.name, model, m).catch(() => undefined) : undefined;
      if (igp) {
        node.igpState = igp;
        const list = igpAdjacencies(igp);
        if (list.length) node.igp = list;
      }
      return node;
    }),
  );
  const info: LabInspect = {
    name: state.name,
    phase: state.phase,
    file: state.file,
    createdAt: state.createdAt,
    nodes,
  };
  // What each runtime knows beyond the kernel (a container's state, pid, management address).
  const used = new Set(model.nodes.map((n) => n.runtime.name));
  for (const [name, rt] of Object.entries(RUNTIMES)) if (used.has(name)) await rt.inspect?.(state, info);
  return info;
}
