// What an IGP's readiness waits for, from the intent alone (any stack): the prefixes each
// router should have and the prefixes it must have in its RIB once its domain has converged. A domain may span stacks
// (FRR and BIRD routers in one OSPF area), so it is computed over every node of the lab.
import type { NodeModel } from "../core/model.js";

export type Igp = "ospf" | "isis";

/** The channel an OSPF adjacency belongs to, by family. */
export const chanOf = (f: 4 | 6) => (f === 4 ? "OSPFv2" : "OSPFv3");

/** An adjacency the router should have: on this interface, with one of these ids (any when []). */
export interface Want {
  chan: string;
  ifname: string;
  label: string;
  ids: string[];
}

/** Adjacencies the intent says the router has. */
export function wantedFromIntent(igp: Igp, node: NodeModel): Want[] | undefined {
  const out: Want[] = [];
  if (igp === "ospf") {
    const o = node.intents.ospf;
    if (!o) return undefined;
    for (const i of o.interfaces) {
      if (i.passive || i.port === "lo") continue;
      for (const f of i.families) {
        for (const p of i.peers.filter((x) => x.families.includes(f))) {
          out.push({ chan: chanOf(f), ifname: i.ifname, label: p.node, ids: [p.routerId] });
        }
      }
    }
    return out;
  }
  const m = node.intents.isis;
  if (!m) return undefined;
  for (const i of m.interfaces) {
    if (i.passive || i.port === "lo") continue;
    for (const p of i.peers) out.push({ chan: "IS-IS", ifname: i.ifname, label: p.node, ids: [p.node, p.systemId] });
  }
  return out;
}

/** What a router carries into the IGP and who it is adjacent to, for wantedPrefixes (raw-config routers: read back from their daemons). */
export interface CarriedInfo {
  prefixes: string[];
  peers: string[];
  families: Set<4 | 6>;
}

/**
 * Prefixes each router must have in its RIB, by router name (see the header): every prefix
 * the other routers of its domain carry. Intent routers from their model; routers whose IGP
 * is raw config from `raw` (read back from their daemon, see rawCarried). Domains are the
 * routers joined by adjacencies either side expects.
 */
export function wantedPrefixes(
  igp: Igp,
  nodes: readonly NodeModel[],
  raw: ReadonlyMap<string, CarriedInfo> = new Map(),
): Map<string, { prefix: string; from: string }[]> {
  type Info = CarriedInfo & { node: NodeModel; l1Area?: string };
  const info = new Map<string, Info>();
  for (const n of nodes) {
    const m = igp === "ospf" ? n.intents.ospf : n.intents.isis;
    if (!m) {
      const r = raw.get(n.name);
      if (r) info.set(n.name, { node: n, ...r });
      continue;
    }
    const ifs = m.interfaces;
    const l1Area = igp === "isis" && n.intents.isis?.type === "level-1" ? n.intents.isis.area : undefined;
    info.set(n.name, {
      node: n,
      prefixes: [...new Set(ifs.flatMap((i) => i.prefixes))],
      peers: ifs.flatMap((i) => i.peers.map((p) => p.node)),
      families: new Set(ifs.flatMap((i) => i.families)),
      l1Area,
    });
  }
  // Adjacency both ways: an intent router does not list a raw-config peer, the peer lists it.
  const links = new Map<string, Set<string>>();
  const join = (a: string, b: string) => {
    if (!links.has(a)) links.set(a, new Set());
    links.get(a)?.add(b);
  };
  for (const [name, r] of info) {
    for (const p of r.peers) {
      if (!info.has(p)) continue;
      join(name, p);
      join(p, name);
    }
  }
  const domain = new Map<string, string>();
  for (const start of info.keys()) {
    if (domain.has(start)) continue;
    const stack = [start];
    domain.set(start, start);
    while (stack.length) {
      for (const p of links.get(stack.pop() as string) ?? []) {
        if (!domain.has(p)) {
          domain.set(p, start);
          stack.push(p);
        }
      }
    }
  }
  const out = new Map<string, { prefix: string; from: string }[]>();
  for (const [name, r] of info) {
    const want: { prefix: string; from: string }[] = [];
    for (const [other, s] of info) {
      if (other === name || domain.get(other) !== domain.get(name)) continue;
      // A level-1 router learns its own area's prefixes (and a default from the area's exit).
      if (r.l1Area !== undefined && s.node.intents.isis?.area !== r.l1Area) continue;
      for (const prefix of s.prefixes) {
        if (r.families.has(prefix.includes(":") ? 6 : 4) && !want.some((w) => w.prefix === prefix)) {
          want.push({ prefix, from: other });
        }
      }
    }
    out.set(name, want);
  }
  return out;
}

/**
 * How many routers have every route they want (from wantedPrefixes); for each other router a
 * line goes to `down`: its RIB did not answer (`rib` null), or the first routes it lacks.
 */
export function countRoutesDone(
  names: readonly string[],
  ribs: readonly (Set<string> | null)[],
  prefixes: ReadonlyMap<string, { prefix: string; from: string }[]>,
  daemon: string,
  down: string[],
): number {
  let done = 0;
  names.forEach((name, k) => {
    const rib = ribs[k];
    if (!rib) {
      down.push(`${name}: ${daemon} not answering`);
      return;
    }
    const missing = (prefixes.get(name) ?? []).filter((w) => !rib.has(w.prefix));
    if (!missing.length) {
      done++;
      return;
    }
    const shown = missing.slice(0, 3).map((w) => `${w.prefix} (${w.from})`);
    down.push(`${name} lacks ${shown.join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""}`);
  });
  return done;
}
