// `generate internet`: an AS-level internet as a lab, one router per AS.
// The graph (generated, or read from a CAIDA as-rel file):
// - a clique of tier-1 ASes, peering with each other;
// - transit ASes in two tiers below, each a customer of 1-3 providers in the tiers above
//   (multi-homing), chosen by preferential attachment (weight: the provider's degree + 1), so
//   the degree distribution is heavy-tailed as in the real AS graph; peer links between ASes
//   of the same tier;
// - stub ASes at the edge (about 80% of the ASes), customers of 1-3 transit ASes.
// Providers always come from a higher tier: no customer-provider cycle, so Gao-Rexford
// policies converge. Deterministic for a seed (mulberry32, no Math.random).
// Each router: its AS's prefixes (100.64.0.0/10, shared address space: public-looking,
// never routed on the internet) on `lo`, each by its first address, all announced by
// `networks`. The first is the router's loopback (router-id, ping target): announced with
// the prefix that holds it, so an AS costs every other router one route, not two (at a
// thousand ASes the kernel's route inserts, under one lock for all namespaces, dominate).
// Cables addressed from the p2p pool; one eBGP neighbor per AS link, with its relationship
// (rendered as Gao-Rexford policy). Checks: sampled AS pairs, a valley-free best path to the
// other's prefix and a ping between loopbacks.
// `--routers-per-as K` (2-4) makes every transit AS (one with customers) a small network of
// its own, as the SEED emulator's and the mini-internet's ASes are: K routers cabled in a
// full mesh, OSPF inside the AS only (inter-AS cables say `ospf: false`), an iBGP full mesh
// between loopbacks with next-hop-self, and the AS's inter-AS cables dealt out round-robin
// over its routers. Each router has a /32 loopback from the AS's first prefix and originates
// the AS's prefixes as aggregates (a discard route behind each, as an ISP announces its
// block from every border), so traffic for any of its loopbacks enters wherever it arrives
// and OSPF's /32s carry it on. The relationship tags (large communities) and local
// preference ride over iBGP, so every border router exports valley-free. Stub ASes stay one
// router, as most are.
import type { TopologyInput } from "../topology/schema.js";
import { type AsGraph, type AsLink, formatAsRel, parseAsRel } from "./as-rel.js";
import { addressing, GenerateError, MAX_NODES } from "./shapes.js";

export interface InternetOptions {
  /** Number of ASes (generated graph); not with asRel. */
  ases?: number;
  /** Tier-1 ASes in the clique; default from the size (3-10). */
  tier1?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  stack?: "bird" | "frr";
  /** Prefixes each AS announces (default 1). */
  prefixesPerAs?: number;
  /** Build from this as-rel text instead of a generated graph. */
  asRel?: { text: string; file: string };
  /** Routers of every transit AS (1-4, default 1); stubs keep one. */
  routersPerAs?: number;
  /** Sampled AS pairs that get checks (default 12). */
  checkPairs?: number;
  name?: string;
}

export interface InternetLab {
  topology: TopologyInput;
  /** The graph as CAIDA as-rel text, for the file beside the topology. */
  asRel: string;
  graph: AsGraph;
}

type NodeIn = NonNullable<TopologyInput["nodes"][string]>;
type LinkIn = NonNullable<TopologyInput["links"]>[number];
type CheckIn = NonNullable<TopologyInput["checks"]>[number];
type Neighbor =
  | { node: string; relationship: "customer" | "provider" | "peer" }
  | { node: string; "next-hop-self": true };

/** mulberry32: a small seeded PRNG, [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Private ASNs: 2-byte from 65001 while they fit, else 4-byte from 4200000001. */
function asnOf(i: number, n: number): number {
  return (n <= 534 ? 65000 : 4_200_000_000) + i + 1;
}

export function defaultTier1(n: number): number {
  return Math.min(n, Math.max(3, Math.min(10, Math.round(n / 40))));
}

/** The generated AS graph (see the file's comment). */
export function internetGraph(n: number, tier1: number, seed: number): AsGraph {
  if (!Number.isInteger(n) || n < 2) throw new GenerateError("--ases must be a whole number of at least 2");
  if (n > MAX_NODES) throw new GenerateError(`--ases must be at most ${MAX_NODES}`);
  if (!Number.isInteger(tier1) || tier1 < 1 || tier1 > n) {
    throw new GenerateError(`--tier1 must be a whole number from 1 to the number of ASes (${n})`);
  }
  const rand = prng(seed);
  const rest = n - tier1;
  const transit = Math.round(rest * 0.2);
  const tier2 = Math.ceil(transit * 0.4);
  const tiers: number[] = []; // tier of AS index i: 1, 2, 3, or 4 (stub)
  for (let i = 0; i < n; i++) tiers.push(i < tier1 ? 1 : i < tier1 + tier2 ? 2 : i < tier1 + transit ? 3 : 4);
  const asns = tiers.map((_, i) => asnOf(i, n));
  const degree = new Array<number>(n).fill(0);
  const linked = new Set<string>();
  const links: AsLink[] = [];
  const link = (a: number, b: number, rel: -1 | 0) => {
    linked.add(`${Math.min(a, b)}|${Math.max(a, b)}`);
    degree[a] = (degree[a] ?? 0) + 1;
    degree[b] = (degree[b] ?? 0) + 1;
    links.push({ a: asns[a] as number, b: asns[b] as number, rel });
  };
  const isLinked = (a: number, b: number) => linked.has(`${Math.min(a, b)}|${Math.max(a, b)}`);
  for (let a = 0; a < tier1; a++) for (let b = a + 1; b < tier1; b++) link(a, b, 0);
  for (let i = tier1; i < n; i++) {
    const tier = tiers[i] as number;
    // Providers from every tier above (stubs: from any transit AS).
    const candidates: number[] = [];
    for (let j = 0; j < i; j++) if ((tiers[j] as number) < tier) candidates.push(j);
    const r = rand();
    const want = Math.min(candidates.length, r < 0.55 ? 1 : r < 0.85 ? 2 : 3);
    for (let k = 0; k < want; k++) {
      const pool = candidates.filter((c) => !isLinked(c, i));
      const total = pool.reduce((s, c) => s + (degree[c] as number) + 1, 0);
      let x = rand() * total;
      let pick = pool[pool.length - 1] as number;
      for (const c of pool) {
        x -= (degree[c] as number) + 1;
        if (x < 0) {
          pick = c;
          break;
        }
      }
      link(pick, i, -1);
    }
  }
  // Peering within tiers 2 and 3: about 0.6 peer links per AS of the tier.
  for (const tier of [2, 3]) {
    const members = tiers.flatMap((t, i) => (t === tier ? [i] : []));
    const target = Math.floor(members.length * 0.6);
    let made = 0;
    for (let tries = 0; made < target && tries < target * 10 && members.length > 1; tries++) {
      const a = members[Math.floor(rand() * members.length)] as number;
      const b = members[Math.floor(rand() * members.length)] as number;
      if (a === b || isLinked(a, b)) continue;
      link(Math.min(a, b), Math.max(a, b), 0);
      made++;
    }
  }
  return { ases: asns, links };
}

/** Whether a valley-free path joins `from` and `to` (up*, at most one peer, down*). */
export function valleyFreeReachable(g: AsGraph, from: number, to: number): boolean {
  const up = new Map<number, number[]>(); // providers of an AS
  const down = new Map<number, number[]>(); // customers
  const peers = new Map<number, number[]>();
  const push = (m: Map<number, number[]>, k: number, v: number) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  for (const l of g.links) {
    if (l.rel === -1) {
      push(up, l.b, l.a);
      push(down, l.a, l.b);
    } else {
      push(peers, l.a, l.b);
      push(peers, l.b, l.a);
    }
  }
  // States: an AS still climbing, or one past the top (only descents from there).
  const seen = new Set<string>();
  const queue: [number, boolean][] = [[from, true]];
  while (queue.length) {
    const [as, climbing] = queue.shift() as [number, boolean];
    if (as === to) return true;
    const key = `${as}|${climbing}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const c of down.get(as) ?? []) queue.push([c, false]);
    if (climbing) {
      for (const p of up.get(as) ?? []) queue.push([p, true]);
      for (const p of peers.get(as) ?? []) queue.push([p, false]);
    }
  }
  return false;
}

/** `--prefixes-per-as` prefixes for each AS from 100.64.0.0/10: /24s while they fit, longer after. */
function prefixLength(total: number): number {
  let len = 24;
  while (len < 30 && 2 ** (len - 10) < total) len++;
  if (2 ** (len - 10) < total) throw new GenerateError("too many prefixes for 100.64.0.0/10");
  return len;
}

function ipToNumber(ip: string): number {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

function v4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

const CGN = 100 * 2 ** 24 + 64 * 2 ** 16; // 100.64.0.0

/** The lab: generated, or from as-rel text. Throws GenerateError for bad options or files. */
export function generateInternet(opts: InternetOptions): InternetLab {
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) throw new GenerateError("--seed must be 0-4294967295");
  const per = opts.prefixesPerAs ?? 1;
  if (!Number.isInteger(per) || per < 1 || per > 64) throw new GenerateError("--prefixes-per-as must be 1-64");
  const stack = opts.stack ?? "bird";
  let graph: AsGraph;
  let header: string[];
  if (opts.asRel) {
    if (opts.ases !== undefined || opts.tier1 !== undefined) {
      throw new GenerateError("--from-as-rel builds the graph of the file: --ases and --tier1 do not apply");
    }
    graph = parseAsRel(opts.asRel.text, opts.asRel.file);
    if (graph.ases.length > MAX_NODES) {
      throw new GenerateError(`${opts.asRel.file}: ${graph.ases.length} ASes, at most ${MAX_NODES}`);
    }
    header = [`AS relationships of the lab, from ${opts.asRel.file}`];
  } else {
    const n = opts.ases;
    if (n === undefined) throw new GenerateError("--ases (or --from-as-rel) is required");
    const tier1 = opts.tier1 ?? defaultTier1(n);
    graph = internetGraph(n, tier1, seed);
    header = [`AS relationships of the lab: ${n} ASes, ${tier1} tier-1, seed ${seed}`];
  }
  const n = graph.ases.length;
  const name = opts.name ?? `internet${n}`;
  const len = prefixLength(n * per);
  const index = new Map(graph.ases.map((a, i) => [a, i]));
  const host = (asn: number) => `as${asn}`;
  const prefixes = (i: number) =>
    Array.from({ length: per }, (_, j) => CGN + (i * per + j) * 2 ** (32 - len)).map((base) => ({
      net: `${v4(base)}/${len}`,
      lo: `${v4(base + 1)}/${len}`,
    }));

  const perAs = opts.routersPerAs ?? 1;
  if (!Number.isInteger(perAs) || perAs < 1 || perAs > 4) throw new GenerateError("--routers-per-as must be 1-4");
  // Transit ASes (with customers) get perAs routers; their names end in r1..rK.
  const transit = new Set(graph.links.filter((l) => l.rel === -1).map((l) => l.a));
  const size = (asn: number) => (perAs > 1 && transit.has(asn) ? perAs : 1);
  if (perAs > 1 && 2 ** (32 - len) <= perAs) {
    throw new GenerateError(`--routers-per-as ${perAs}: each AS's /${len} prefix is too small for its loopbacks`);
  }
  const routerName = (asn: number, j: number) => (size(asn) === 1 ? host(asn) : `${host(asn)}r${j + 1}`);
  const total = graph.ases.reduce((t, a) => t + size(a), 0);
  if (total > MAX_NODES) throw new GenerateError(`${total} routers, at most ${MAX_NODES}`);
  // The AS's inter-AS cables go to its routers in turn.
  const dealt = new Map<number, number>();
  const borderOf = (asn: number) => {
    const k = dealt.get(asn) ?? 0;
    dealt.set(asn, k + 1);
    return routerName(asn, k % size(asn));
  };

  const neighbors = new Map<string, Neighbor[]>();
  const push = (router: string, nb: Neighbor) => {
    const l = neighbors.get(router);
    if (l) l.push(nb);
    else neighbors.set(router, [nb]);
  };
  const links: LinkIn[] = [];
  for (const l of graph.links) {
    // What b is to a, and a to b.
    const [toA, toB] = l.rel === -1 ? (["customer", "provider"] as const) : (["peer", "peer"] as const);
    const ra = borderOf(l.a);
    const rb = borderOf(l.b);
    push(ra, { node: rb, relationship: toA });
    push(rb, { node: ra, relationship: toB });
    const ends: [string, string] = [`${ra}:as${l.b}`, `${rb}:as${l.a}`];
    // A cable between ASes is never part of an AS's OSPF.
    links.push(size(l.a) > 1 || size(l.b) > 1 ? { endpoints: ends, ospf: false } : ends);
  }
  const nodes: Record<string, NodeIn> = {};
  graph.ases.forEach((asn, i) => {
    const own = prefixes(i);
    const k = size(asn);
    if (k === 1) {
      nodes[host(asn)] = {
        interfaces: { lo: { ip: own.map((p) => p.lo) } },
        bgp: { asn, networks: own.map((p) => p.net), neighbors: neighbors.get(host(asn)) ?? [] },
      };
      return;
    }
    const base = ipToNumber((own[0] as { net: string }).net.split("/")[0] as string);
    for (let j = 0; j < k; j++) {
      const me = routerName(asn, j);
      const ibgp: Neighbor[] = [];
      for (let o = 0; o < k; o++) {
        if (o === j) continue;
        ibgp.push({ node: routerName(asn, o), "next-hop-self": true });
        if (o > j) links.push([`${me}:r${o + 1}`, `${routerName(asn, o)}:r${j + 1}`]);
      }
      nodes[me] = {
        interfaces: { lo: { ip: `${v4(base + j + 1)}/32` } },
        ospf: { area: "0.0.0.0" },
        bgp: { asn, originate: own.map((p) => p.net), neighbors: [...ibgp, ...(neighbors.get(me) ?? [])] },
      };
    }
  });

  const defaults: NonNullable<TopologyInput["defaults"]> = { stack };
  if (stack === "frr")
    defaults.frr = { daemons: perAs > 1 ? ["zebra", "bgpd", "ospfd", "staticd"] : ["zebra", "bgpd"] };
  defaults.addressing = { p2p: addressing(links.length).p2p };
  const topology: TopologyInput = { name, defaults, nodes, links };
  const checks = sampleChecks(graph, seed, opts.checkPairs ?? 12, (asn) => {
    const i = index.get(asn) as number;
    const first = prefixes(i)[0] as { net: string; lo: string };
    // A multi-router AS is seen from its first router (its loopback is the prefix's first address too).
    return { node: routerName(asn, 0), loopback: first.lo.split("/")[0] as string, prefix: first.net };
  });
  if (checks.length) topology.checks = checks;
  return { topology, asRel: formatAsRel(graph, header), graph };
}

/**
 * Checks for `pairs` AS pairs drawn with the seed (pairs without a valley-free path between
 * them, possible in a file's graph, are skipped): X's best path to Y's prefix is valley-free,
 * and X's loopback pings Y's.
 */
function sampleChecks(
  g: AsGraph,
  seed: number,
  pairs: number,
  of: (asn: number) => { node: string; loopback: string; prefix: string },
): CheckIn[] {
  const n = g.ases.length;
  const rand = prng(seed ^ 0x5eed);
  const out: CheckIn[] = [];
  const used = new Set<string>();
  for (let tries = 0; out.length < pairs * 2 && tries < pairs * 20 && n > 1; tries++) {
    const a = g.ases[Math.floor(rand() * n)] as number;
    const b = g.ases[Math.floor(rand() * n)] as number;
    if (a === b || used.has(`${a}|${b}`) || !valleyFreeReachable(g, a, b)) continue;
    used.add(`${a}|${b}`);
    const x = of(a);
    const y = of(b);
    out.push(
      { "bgp-route": { node: x.node, prefix: y.prefix, "valley-free": true }, timeout: "60s" },
      { ping: { from: x.node, to: y.node, source: x.loopback }, timeout: "60s" },
    );
  }
  return out;
}
