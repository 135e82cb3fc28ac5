// OSPF and IS-IS state from a node's FRR, parsed into the intents' state types. Host-FS
// nodes are asked on the daemon's own vty socket (vty.ts: readiness polls several times a
// second), container nodes through the image's vtysh. Formats checked against FRR 8.4 here:
//   show ip ospf neighbor json:   { neighbors: { "<router-id>": [ { converged: "Full" |
//     "2-Way", state: "Full/DR", role: "DR" | "Backup" | "DROther", ifaceAddress,
//     ifaceName: "<ifname>:<own address>" } ] } }
//   show ip ospf interface json:  { interfaces: { "<ifname>": { state: "DROther" |
//     "Loopback" | "Point-To-Point", networkType, area, timerPassiveIface? } } }
//   show ipv6 ospf6 neighbor json: { neighbors: [ { neighborId, state: "Full" | "Twoway",
//     ifState: <its role>, interfaceName, interfaceState: <own role> } ] }
//   show ipv6 ospf6 interface json: { "<ifname>": { type: "LOOPBACK" | …, areaId,
//     ospf6InterfaceState } }  (no passive flag in 8.4)
//   show isis interface detail json: { areas: [ { circuits: [ { interface: { name, state,
//     is-passive: "active" | "passive", type: "lan" | "p2p" | "loopback" } } ] } ] }
// `show isis neighbor json` is not used: in 8.4 it lists one adjacency per LAN circuit (three
// routers on a segment showed one), so the text table is parsed instead.
import type { IsisAdjacency, IsisInstanceState, IsisInterfaceState } from "../../intents/isis/state.js";
import type { OspfInterfaceState, OspfNeighbor } from "../../intents/ospf/state.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { vtyshInside } from "./channel.js";
import { daemonsFor } from "./daemons.js";
import { vtyShow } from "./vty.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

/** One show command on one daemon of the node; its text output. */
export async function ask(handle: NodeHandle, daemon: string, command: string, timeoutMs = 10_000): Promise<string> {
  if (handle.hostFs) return vtyShow(handle.netns, daemon, command, timeoutMs);
  return vtyshInside(handle, [command], timeoutMs);
}

async function askJson(handle: NodeHandle, daemon: string, command: string, timeoutMs?: number): Promise<unknown> {
  const out = await ask(handle, daemon, command, timeoutMs);
  try {
    return JSON.parse(out);
  } catch (e) {
    throw new Error(`${handle.node.name}: '${command}' is not JSON (${(e as Error).message})`);
  }
}

/** FRR's network types (BROADCAST, POINTOPOINT, LOOPBACK) in the topology's words. */
function networkType(t: string): string {
  const u = t.toUpperCase().replace(/[^A-Z]/g, "");
  if (u === "POINTOPOINT") return "point-to-point";
  return u.toLowerCase();
}

/** The acceptable end state: Full, or 2-Way when both ends are DROthers on the segment. */
function adjacencyUp(full: boolean, twoWay: boolean, theirRole?: string, ownRole?: string): boolean {
  return full || (twoWay && theirRole === "DROther" && ownRole === "DROther");
}

export function parseOspfInterfaces(json: unknown): OspfInterfaceState[] {
  return Object.entries(obj(obj(json).interfaces)).map(([ifname, v]) => {
    const i = obj(v);
    const state = str(i.state);
    const s: OspfInterfaceState = {
      family: 4,
      ifname,
      passive: i.timerPassiveIface === true,
      loopback: state === "Loopback" || str(i.networkType) === "LOOPBACK",
    };
    if (str(i.area)) s.area = str(i.area);
    if (state) s.role = state;
    if (str(i.networkType)) s.networkType = networkType(str(i.networkType) as string);
    if (num(i.cost) !== undefined) s.cost = num(i.cost);
    if (str(i.drId)) s.dr = str(i.drId);
    if (str(i.bdrId)) s.bdr = str(i.bdrId);
    return s;
  });
}

export function parseOspf6Interfaces(json: unknown): OspfInterfaceState[] {
  return Object.entries(obj(json)).map(([ifname, v]) => {
    const i = obj(v);
    const s: OspfInterfaceState = { family: 6, ifname, loopback: str(i.type) === "LOOPBACK" };
    if (str(i.areaId)) s.area = str(i.areaId);
    // ospf6d says "BDR" where ospfd says "Backup"; one name for both in the views.
    const role = str(i.ospf6InterfaceState);
    if (role) s.role = role === "BDR" ? "Backup" : role === "PointToPoint" ? "Point-To-Point" : role;
    // 8.4's `type` stays BROADCAST on a point-to-point interface; its state says which it is.
    if (role === "PointToPoint") s.networkType = "point-to-point";
    else if (str(i.type)) s.networkType = networkType(str(i.type) as string);
    if (num(i.cost) !== undefined) s.cost = num(i.cost);
    if (str(i.dr) && str(i.dr) !== "0.0.0.0") s.dr = str(i.dr);
    if (str(i.bdr) && str(i.bdr) !== "0.0.0.0") s.bdr = str(i.bdr);
    return s;
  });
}

/** OSPFv2 neighbors; `ifaces` gives this router's own role per interface (for 2-Way pairs). */
export function parseOspfNeighbors(json: unknown, ifaces: readonly OspfInterfaceState[] = []): OspfNeighbor[] {
  const out: OspfNeighbor[] = [];
  for (const [routerId, list] of Object.entries(obj(obj(json).neighbors))) {
    for (const v of Array.isArray(list) ? list : [list]) {
      const n = obj(v);
      const ifname = (str(n.ifaceName) ?? "").split(":")[0] ?? "";
      const state = str(n.state) ?? str(n.nbrState) ?? "unknown";
      const converged = str(n.converged) ?? state.split("/")[0];
      // The role after the slash ("Full/DR"); "-" on point-to-point, where `role` says DROther.
      const after = state.split("/")[1];
      const role = after === undefined ? str(n.role) : after === "-" ? undefined : after;
      const own = ifaces.find((i) => i.ifname === ifname)?.role;
      const nb: OspfNeighbor = {
        family: 4,
        routerId,
        ifname,
        state: state.split("/")[0] ?? state,
        up: adjacencyUp(converged === "Full", converged === "2-Way", role, own),
      };
      if (str(n.ifaceAddress) ?? str(n.address)) nb.address = str(n.ifaceAddress) ?? str(n.address);
      if (role) nb.role = role;
      out.push(nb);
    }
  }
  return out;
}

export function parseOspf6Neighbors(json: unknown): OspfNeighbor[] {
  const list = obj(json).neighbors;
  return (Array.isArray(list) ? list : []).map((v) => {
    const n = obj(v);
    const state = str(n.state) ?? "unknown";
    // ospf6d names a role "BDR" where ospfd says "Backup", and a point-to-point link a role.
    const raw = str(n.ifState);
    const role = raw === "BDR" ? "Backup" : raw === "PointToPoint" ? undefined : raw;
    const nb: OspfNeighbor = {
      family: 6,
      routerId: str(n.neighborId) ?? "",
      ifname: str(n.interfaceName) ?? "",
      state: state === "Twoway" ? "2-Way" : state,
      up: adjacencyUp(state === "Full", state === "Twoway", role, str(n.interfaceState)),
    };
    if (role) nb.role = role;
    return nb;
  });
}

/** OSPF interfaces and neighbors of both families that run on the node; throws when a daemon does not answer. */
export async function ospfState(
  handle: NodeHandle,
  timeoutMs?: number,
): Promise<{ ifaces: OspfInterfaceState[]; neighbors: OspfNeighbor[] }> {
  const daemons = daemonsFor(handle.node);
  const ifaces: OspfInterfaceState[] = [];
  const neighbors: OspfNeighbor[] = [];
  if (daemons.includes("ospfd")) {
    const i = parseOspfInterfaces(await askJson(handle, "ospfd", "show ip ospf interface json", timeoutMs));
    const n = parseOspfNeighbors(await askJson(handle, "ospfd", "show ip ospf neighbor json", timeoutMs), i);
    ifaces.push(...i);
    neighbors.push(...n);
  }
  if (daemons.includes("ospf6d")) {
    ifaces.push(...parseOspf6Interfaces(await askJson(handle, "ospf6d", "show ipv6 ospf6 interface json", timeoutMs)));
    neighbors.push(...parseOspf6Neighbors(await askJson(handle, "ospf6d", "show ipv6 ospf6 neighbor json", timeoutMs)));
  }
  return { ifaces, neighbors };
}

/**
 * `show isis neighbor`, FRR 8.4:
 *   Area lab:
 *     System Id           Interface   L  State        Holdtime SNPA
 *    r2                  eth1        2  Up            2        2020.2020.2020
 */
export function parseIsisNeighbors(text: string): IsisAdjacency[] {
  const out: IsisAdjacency[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\S+)\s+(\S+)\s+([12])\s+(\S+)\s+\d+\s+\S+\s*$/.exec(line);
    if (!m || m[1] === "System") continue;
    const state = m[4] as string;
    out.push({ systemId: m[1] as string, ifname: m[2] as string, level: Number(m[3]), state, up: state === "Up" });
  }
  return out;
}

export function parseIsisInterfaces(json: unknown): IsisInterfaceState[] {
  const areas = obj(json).areas;
  const out: IsisInterfaceState[] = [];
  for (const a of Array.isArray(areas) ? areas : []) {
    const circuits = obj(a).circuits;
    for (const c of Array.isArray(circuits) ? circuits : []) {
      const i = obj(obj(c).interface);
      const ifname = str(i.name);
      if (!ifname) continue;
      out.push({
        ifname,
        passive: str(i["is-passive"]) === "passive",
        loopback: str(i.type) === "loopback",
        up: str(i.state) === "Up",
        ...isisCircuit(i),
      });
    }
  }
  return out;
}

/** A circuit's levels, type and metric per level, from `show isis interface detail json`. */
function isisCircuit(i: Obj): Pick<IsisInterfaceState, "circuitType" | "type" | "metrics"> {
  const out: Pick<IsisInterfaceState, "circuitType" | "type" | "metrics"> = {};
  if (str(i.level)) out.circuitType = (str(i.level) as string).replace("-", "");
  if (str(i.type)) out.type = str(i.type);
  const levels = Array.isArray(i.levels) ? i.levels : [];
  for (const l of levels) {
    const lv = obj(l);
    const name = str(lv.level);
    const metric = num(lv.metric);
    if (name && metric !== undefined) out.metrics = { ...out.metrics, [name]: metric };
  }
  return out;
}

/**
 * `show isis neighbor detail`, FRR 8.4: one block per adjacency, with its circuit type:
 *    r2
 *       Interface: eth1, Level: 2, State: Up, Expires in 3s
 *       Circuit type: L2, Speaks: IPv4, IPv6
 */
export function parseIsisNeighborDetail(text: string): IsisAdjacency[] {
  const out: IsisAdjacency[] = [];
  let name: string | undefined;
  let cur: IsisAdjacency | undefined;
  for (const line of text.split("\n")) {
    const head = /^ (\S+)\s*$/.exec(line);
    if (head) {
      name = head[1];
      continue;
    }
    const m = /^\s+Interface: ([^,]+), Level: ([12]), State: ([^,\s]+)/.exec(line);
    if (m && name) {
      const state = m[3] as string;
      cur = { systemId: name, ifname: m[1] as string, level: Number(m[2]), state, up: state === "Up" };
      out.push(cur);
      continue;
    }
    const c = /^\s+Circuit type: ([^,\s]+)/.exec(line);
    if (c && cur) cur.circuitType = (c[1] as string).replace("-", "");
  }
  return out;
}

/** The instance's NETs and levels, from `show isis summary json` (FRR 8.4). */
export function parseIsisSummary(json: unknown): IsisInstanceState {
  const j = obj(json);
  const out: IsisInstanceState = { nets: [], levels: [] };
  if (str(j["system-id"])) out.systemId = str(j["system-id"]);
  for (const a of Array.isArray(j.areas) ? j.areas : []) {
    const area = obj(a);
    if (str(area.net)) out.nets.push(str(area.net) as string);
    for (const l of Array.isArray(area.levels) ? area.levels : []) {
      const id = num(obj(l).id);
      if (id !== undefined && !out.levels.includes(id)) out.levels.push(id);
    }
  }
  out.levels.sort();
  return out;
}

/**
 * Everything the views show of the node's IS-IS: the instance, its circuits and its
 * adjacencies with their circuit types (`show isis neighbor detail`); throws when isisd
 * does not answer.
 */
export async function isisDetail(
  handle: NodeHandle,
  timeoutMs?: number,
): Promise<{ instance: IsisInstanceState; ifaces: IsisInterfaceState[]; adjacencies: IsisAdjacency[] }> {
  const instance = parseIsisSummary(await askJson(handle, "isisd", "show isis summary json", timeoutMs));
  const ifaces = parseIsisInterfaces(await askJson(handle, "isisd", "show isis interface detail json", timeoutMs));
  const adjacencies = parseIsisNeighborDetail(await ask(handle, "isisd", "show isis neighbor detail", timeoutMs));
  return { instance, ifaces, adjacencies };
}

/** IS-IS interfaces and adjacencies of the node; throws when isisd does not answer. */
export async function isisState(
  handle: NodeHandle,
  timeoutMs?: number,
): Promise<{ ifaces: IsisInterfaceState[]; adjacencies: IsisAdjacency[] }> {
  const ifaces = parseIsisInterfaces(await askJson(handle, "isisd", "show isis interface detail json", timeoutMs));
  const adjacencies = parseIsisNeighbors(await ask(handle, "isisd", "show isis neighbor", timeoutMs));
  return { ifaces, adjacencies };
}

/**
 * The addresses zebra sees on each interface (`show interface json`, FRR 8.4: ifname →
 * { ipAddresses: [{ address: "10.0.0.1/30" }] }): also those a raw config sets itself.
 */
export function parseInterfaceAddresses(json: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [ifname, v] of Object.entries(obj(json))) {
    const list = obj(v).ipAddresses;
    out.set(
      ifname,
      (Array.isArray(list) ? list : []).map((a) => str(obj(a).address)).filter((a): a is string => !!a),
    );
  }
  return out;
}

/** The node's interface addresses as zebra has them; throws when zebra does not answer. */
export async function interfaceAddresses(handle: NodeHandle, timeoutMs?: number): Promise<Map<string, string[]>> {
  return parseInterfaceAddresses(await askJson(handle, "zebra", "show interface json", timeoutMs));
}
