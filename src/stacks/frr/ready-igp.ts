// Readiness of OSPF and IS-IS from real FRR state (RoutingStack.waitReady "ospf" / "isis").
// Converged when
//  1. every adjacency that should exist is up: on each interface the IGP runs without being
//     passive, one per router across it (from the intent: the routers the model found on the
//     segment; from raw config: the router at the other end of the cable when its own daemon
//     runs the IGP there too); OSPF: Full, or 2-Way between two DROthers; IS-IS: Up; and no
//     neighbor is stuck half-way (ExStart, Init, …);
//  2. for routers with the intent, every prefix the other routers of its domain carry into the
//     IGP is in its RIB (zebra): adjacencies come up seconds before the routes (measured: an
//     OSPF LAN Full at 2 s, routes at 5 s), and a user's first ping wants the routes.
// Polled every 200 ms; the RIB only once the adjacencies are up.
import pLimit from "p-limit";
import type { NodeModel } from "../../core/model.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { ipString, isLinkLocal, networkOf, parseInterfaceAddress } from "../../topology/address.js";
import {
  type CarriedInfo,
  chanOf,
  countRoutesDone,
  type Igp,
  type Want,
  wantedFromIntent,
  wantedPrefixes,
} from "../igp-want.js";
import { pollUntilReady } from "../poll.js";
import type { ReadyOptions, ReadyProgress } from "../stack.js";
import { daemonsFor } from "./daemons.js";
import { interfaceAddresses, isisState, ospfState } from "./igp.js";
import { ribRoutes } from "./query.js";

export { wantedPrefixes };

const LABEL: Record<Igp, string> = { ospf: "OSPF", isis: "IS-IS" };

/** One interface of a router as its daemon runs it; `chan`: OSPFv2, OSPFv3 or IS-IS. */
interface Iface {
  chan: string;
  ifname: string;
  /** undefined: the daemon does not say (FRR 8.4's OSPFv3). */
  passive?: boolean;
  loopback: boolean;
}

interface Nbr {
  chan: string;
  ifname: string;
  id: string;
  state: string;
  up: boolean;
}

interface Poll {
  handle: NodeHandle;
  ifaces: Iface[];
  nbrs: Nbr[];
}

async function pollRouter(igp: Igp, h: NodeHandle): Promise<Poll | null> {
  try {
    if (igp === "ospf") {
      const s = await ospfState(h, 5000);
      return {
        handle: h,
        ifaces: s.ifaces.map((i) => ({
          chan: chanOf(i.family),
          ifname: i.ifname,
          passive: i.passive,
          loopback: i.loopback,
        })),
        nbrs: s.neighbors.map((n) => ({
          chan: chanOf(n.family),
          ifname: n.ifname,
          id: n.routerId,
          state: n.state,
          up: n.up,
        })),
      };
    }
    const s = await isisState(h, 5000);
    return {
      handle: h,
      ifaces: s.ifaces.map((i) => ({ chan: "IS-IS", ifname: i.ifname, passive: i.passive, loopback: i.loopback })),
      nbrs: s.adjacencies.map((a) => ({ chan: "IS-IS", ifname: a.ifname, id: a.systemId, state: a.state, up: a.up })),
    };
  } catch {
    return null;
  }
}

/** Raw config: the router at the other end of each cable, when both ends run the IGP there, unpassive. */
function wantedFromState(poll: Poll, polls: Map<string, Poll>): Want[] {
  const out: Want[] = [];
  const node = poll.handle.node;
  for (const i of poll.ifaces) {
    if (i.passive !== false || i.loopback) continue;
    const port = node.ports.find((p) => p.ifname === i.ifname);
    const peer = port?.peer ? polls.get(port.peer.node) : undefined;
    const theirs = peer?.handle.node.ports.find((p) => p.name === port?.peer?.port);
    if (!peer || !theirs) continue;
    const active = peer.ifaces.some((x) => x.chan === i.chan && x.ifname === theirs.ifname && x.passive === false);
    if (active) out.push({ chan: i.chan, ifname: i.ifname, label: peer.handle.node.name, ids: [] });
  }
  return out;
}

function portName(node: NodeModel, ifname: string): string {
  return node.ports.find((p) => p.ifname === ifname)?.name ?? ifname;
}

/**
 * IS-IS families per interface of raw config text (`ip router isis` / `ipv6 router isis`
 * under `interface NAME`); isisd's JSON does not say which families a circuit carries.
 */
export function rawIsisFamilies(config: string): Map<string, Set<4 | 6>> {
  const out = new Map<string, Set<4 | 6>>();
  let current: string | undefined;
  for (const line of config.split(/\r?\n/)) {
    const iface = /^\s*interface\s+(\S+)/.exec(line);
    if (iface) {
      current = iface[1];
      continue;
    }
    if (/^\S/.test(line) && !/^\s*!/.test(line)) current = undefined;
    const m = /^\s*(ip|ipv6)\s+router\s+isis\b/.exec(line);
    if (m && current !== undefined) {
      const set = out.get(current) ?? new Set<4 | 6>();
      set.add(m[1] === "ipv6" ? 6 : 4);
      out.set(current, set);
    }
  }
  return out;
}

/**
 * What a raw-config router carries into the IGP: the subnets (and loopback addresses) of
 * the interfaces its daemon runs, in the families it runs there, from the node's addresses
 * (set by wirelab); its peers are the routers adjacent to it by cable (wantedFromState).
 */
export function rawCarried(
  igp: Igp,
  poll: Poll,
  polls: Map<string, Poll>,
  seen?: ReadonlyMap<string, string[]>,
): CarriedInfo {
  const node = poll.handle.node;
  const isisFamilies = igp === "isis" ? rawIsisFamilies(node.stack?.config ?? "") : undefined;
  const prefixes: string[] = [];
  const families = new Set<4 | 6>();
  for (const i of poll.ifaces) {
    const port = node.ports.find((p) => p.ifname === i.ifname);
    const lo = i.loopback || i.ifname === "lo";
    // zebra's view when it answered (a raw config may set addresses itself), else the model's.
    const addrs = seen?.get(i.ifname) ?? (lo ? node.loopback : (port?.addresses ?? []));
    let fams: Set<4 | 6>;
    if (igp === "ospf") fams = new Set([i.chan === "OSPFv3" ? 6 : 4]);
    else {
      const named = isisFamilies?.get(i.ifname) ?? (port ? isisFamilies?.get(port.name) : undefined);
      fams = named ?? new Set();
    }
    for (const f of fams) families.add(f);
    for (const a of addrs) {
      const c = parseInterfaceAddress(a);
      if (typeof c === "string" || !fams.has(c.family) || (c.family === 6 && isLinkLocal(c.ip))) continue;
      // The kernel's own loopback addresses (zebra lists them on lo) are never advertised.
      if (c.ip.range() === "loopback") continue;
      const p = `${ipString(networkOf(c))}/${c.len}`;
      if (!prefixes.includes(p)) prefixes.push(p);
    }
  }
  return { prefixes, peers: wantedFromState(poll, polls).map((w) => w.label), families };
}

async function ribOf(h: NodeHandle): Promise<Set<string> | null> {
  try {
    const [v4, v6] = await Promise.all([
      ribRoutes(h, "ipv4", { timeoutMs: 5000 }),
      ribRoutes(h, "ipv6", { timeoutMs: 5000 }),
    ]);
    return new Set([...Object.keys(v4), ...Object.keys(v6)]);
  } catch {
    return null;
  }
}

/** Polls the routers that run `igp` until they are converged (see the header) or the time runs out. */
export async function waitForIgp(igp: Igp, handles: readonly NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  const daemons = igp === "ospf" ? ["ospfd", "ospf6d"] : ["isisd"];
  const routers = handles.filter((h) => daemonsFor(h.node).some((d) => daemons.includes(d)));
  // The domain may span stacks (a mixed lab): every router of the lab says what it carries.
  const labNodes = opts.labNodes ?? routers.map((h) => h.node);
  const intentPrefixes = wantedPrefixes(igp, labNodes);
  const limit = pLimit(32);
  const label = LABEL[igp];
  return pollUntilReady(opts, async () => {
    const results = await Promise.all(routers.map((h) => limit(() => pollRouter(igp, h))));
    const polls = new Map<string, Poll>();
    for (const p of results) if (p) polls.set(p.handle.node.name, p);
    const down: string[] = [];
    let up = 0;
    let total = 0;
    for (const h of routers) {
      const p = polls.get(h.node.name);
      if (!p) {
        down.push(`${h.node.name}: ${daemons.join("/")} not answering`);
        continue;
      }
      const wants = wantedFromIntent(igp, h.node) ?? wantedFromState(p, polls);
      const matched = new Set<Nbr>();
      for (const w of wants) {
        total++;
        const cands = p.nbrs.filter((n) => n.chan === w.chan && n.ifname === w.ifname && !matched.has(n));
        const n = cands.find((x) => w.ids.includes(x.id)) ?? (w.ids.length ? undefined : cands[0]);
        if (n) matched.add(n);
        if (n?.up) up++;
        else
          down.push(`${h.node.name}:${portName(h.node, w.ifname)} → ${w.label} ${w.chan} ${n ? n.state : "not seen"}`);
      }
      for (const n of p.nbrs) {
        if (!matched.has(n) && !n.up)
          down.push(`${h.node.name}:${portName(h.node, n.ifname)} → ${n.id} ${n.chan} ${n.state}`);
      }
    }
    let routesDone = 0;
    const adjacent = polls.size === routers.length && down.length === 0;
    if (adjacent) {
      // Raw-config routers: what they carry is known once their daemons answer.
      const raw = new Map<string, CarriedInfo>();
      const rawPolls = [...polls.values()].filter(
        (p) => !(igp === "ospf" ? p.handle.node.intents.ospf : p.handle.node.intents.isis),
      );
      const seen = await Promise.all(
        rawPolls.map((p) => limit(() => interfaceAddresses(p.handle, 5000).catch(() => undefined))),
      );
      rawPolls.forEach((p, k) => {
        raw.set(p.handle.node.name, rawCarried(igp, p, polls, seen[k]));
      });
      const prefixes = raw.size ? wantedPrefixes(igp, labNodes, raw) : intentPrefixes;
      const ribs = await Promise.all(routers.map((h) => limit(() => ribOf(h))));
      routesDone = countRoutesDone(
        routers.map((h) => h.node.name),
        ribs,
        prefixes,
        "zebra",
        down,
      );
    }
    return {
      protocol: igp,
      done: adjacent && routesDone === routers.length,
      summary: `${label}: ${polls.size}/${routers.length} routers answering, ${up}/${total} adjacencies up, ${adjacent ? `${routesDone}/${routers.length} with every route` : "routes next"}`,
      down,
      detail: { up, total, answering: polls.size, routers: routers.length, routesDone },
    };
  });
}
