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

/**
 * Prefixes each intent router must have in its RIB, by router name: every prefix the other
 * routers of its domain (routers joined by adjacencies the intent expects) carry into the IGP.
 */
export function wantedPrefixes(igp: Igp, nodes: readonly NodeModel[]): Map<string, { prefix: string; from: string }[]> {
  type Info = { node: NodeModel; prefixes: string[]; peers: string[]; families: Set<4 | 6>; l1Area?: string };
  const info = new Map<string, Info>();
  for (const n of nodes) {
    const m = igp === "ospf" ? n.intents.ospf : n.intents.isis;
    if (!m) continue;
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
  // Domains: routers joined by adjacencies the intent expects.
  const domain = new Map<string, string>();
  for (const start of info.keys()) {
    if (domain.has(start)) continue;
    const stack = [start];
    domain.set(start, start);
    while (stack.length) {
      for (const p of info.get(stack.pop() as string)?.peers ?? []) {
        if (info.has(p) && !domain.has(p)) {
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
        if (r.families.has(prefix.includes(":") ? 6 : 4)) want.push({ prefix, from: other });
      }
    }
    out.set(name, want);
  }
  return out;
}
