// OSPF state of a BIRD router, through its control socket: `show ospf interface` and `show
// ospf neighbors` (every OSPF protocol, OSPFv2 and OSPFv3) in the stack-neutral types of the
// OSPF intent (intents/ospf/state.ts), for checks (ospf-neighbor) and readiness.
import type { Family } from "../../intents/igp.js";
import type { OspfInterfaceState, OspfNeighbor } from "../../intents/ospf/state.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import type { QueryOptions } from "../stack.js";
import { birdCommand } from "./control.js";
import {
  type BirdOspfInterface,
  type BirdOspfNeighbor,
  parseOspfInterfaces,
  parseOspfNeighbors,
  parseProtocols,
} from "./parse.js";
import { socketPath } from "./paths.js";

/** BIRD's roles in FRR's words (checks print them): BDR is Backup, Other DROther, PtP none. */
const ROLES: Record<string, string | undefined> = { DR: "DR", BDR: "Backup", Other: "DROther", PtP: undefined };

const familyOf = (address: string): Family => (address.includes(":") ? 6 : 4);

/** Neighbors in the stack-neutral form; `ifaces` give this router's own role (2-Way between DROthers is up). */
export function toOspfNeighbors(
  nbrs: readonly BirdOspfNeighbor[],
  ifaces: readonly BirdOspfInterface[],
  families: ReadonlyMap<string, Family> = new Map(),
): OspfNeighbor[] {
  return nbrs.map((n) => {
    const mine = ifaces.find((i) => i.protocol === n.protocol && i.ifname === n.ifname);
    // PtP maps to no role (FRR shows none there either), unknown roles as BIRD prints them.
    const role = n.role in ROLES ? ROLES[n.role] : n.role;
    const up = n.state === "Full" || (n.state === "2-Way" && n.role === "Other" && mine?.state === "DROther");
    const family = families.get(n.protocol) ?? familyOf(n.address);
    const out: OspfNeighbor = { family, routerId: n.routerId, ifname: n.ifname, state: n.state, up };
    if (out.family === 4) out.address = n.address;
    if (role !== undefined) out.role = role;
    return out;
  });
}

export function toOspfInterfaces(
  ifaces: readonly BirdOspfInterface[],
  families: ReadonlyMap<string, Family>,
): OspfInterfaceState[] {
  return ifaces.map((i) => {
    const s: OspfInterfaceState = {
      family: families.get(i.protocol) ?? 4,
      ifname: i.ifname,
      passive: i.stub,
      loopback: i.state === "Loopback",
    };
    if (i.area !== undefined) s.area = i.area;
    // FRR's word for this router's state on a point-to-point link, so both stacks read alike.
    if (i.state) s.role = i.state === "PtP" ? "Point-To-Point" : i.state;
    return s;
  });
}

/**
 * Interfaces and neighbors of every OSPF protocol of the router. Throws when bird does not
 * answer, or runs no OSPF ("There is no OSPF protocol running", BIRD's refusal).
 */
export async function ospfState(
  handle: NodeHandle,
  timeoutMs?: number,
): Promise<{ ifaces: OspfInterfaceState[]; neighbors: OspfNeighbor[] }> {
  const sock = socketPath(handle.lab, handle.node.name);
  // Each OSPF protocol's family is its channel's (ipv4: OSPFv2, ipv6: OSPFv3).
  const families = new Map<string, Family>();
  for (const p of parseProtocols(await birdCommand(sock, "show protocols all", timeoutMs))) {
    if (p.proto === "OSPF") families.set(p.name, p.channels.some((c) => c.name === "ipv6") ? 6 : 4);
  }
  if (!families.size) throw new Error(`${handle.node.name} runs no OSPF (no OSPF protocol in bird)`);
  const ifaces = parseOspfInterfaces(await birdCommand(sock, "show ospf interface", timeoutMs));
  const nbrs = parseOspfNeighbors(await birdCommand(sock, "show ospf neighbors", timeoutMs));
  return { ifaces: toOspfInterfaces(ifaces, families), neighbors: toOspfNeighbors(nbrs, ifaces, families) };
}

/** RoutingStack.ospfNeighbors. */
export async function ospfNeighbors(handle: NodeHandle, opts: QueryOptions = {}): Promise<OspfNeighbor[]> {
  return (await ospfState(handle, opts.timeoutMs)).neighbors;
}
