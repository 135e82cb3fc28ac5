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
import type { IsisAdjacency, IsisInterfaceState } from "../../intents/isis/state.js";
import type { OspfInterfaceState, OspfNeighbor } from "../../intents/ospf/state.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { vtyshInside } from "./channel.js";
import { daemonsFor } from "./daemons.js";
import { vtyShow } from "./vty.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

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
    return s;
  });
}

export function parseOspf6Interfaces(json: unknown): OspfInterfaceState[] {
  return Object.entries(obj(json)).map(([ifname, v]) => {
    const i = obj(v);
    const s: OspfInterfaceState = { family: 6, ifname, loopback: str(i.type) === "LOOPBACK" };
    if (str(i.areaId)) s.area = str(i.areaId);
    if (str(i.ospf6InterfaceState)) s.role = str(i.ospf6InterfaceState);
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
      });
    }
  }
  return out;
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
