// Standard lab shapes as topology objects: a chain, a ring, a leaf-spine (Clos) fabric.
// eBGP everywhere (one AS per router, spines optionally sharing one), addresses left to
// the file's `defaults.addressing` pools, so a generated file stays short and readable and
// deploys like a hand-written one. `toYaml` (yaml.ts) turns the object into text.

import { kindOf } from "../kinds/index.js";
import type { TopologyInput } from "../topology/schema.js";

/** Kinds the generators build shapes of: routers (the default) or hosts. */
export const GEN_KINDS = ["frr", "linux"] as const;
export type GenKind = (typeof GEN_KINDS)[number];

export interface CommonOptions {
  /** Router kind: frr (eBGP) or linux (addresses and forwarding only, no routing daemons). */
  kind?: GenKind;
  /** Lab name; default from the shape (chain50, ring8, clos4x96). */
  name?: string;
  /**
   * An IGP underlay instead of eBGP hop by hop: every router runs it (area 0 / level 2) and
   * carries the loopbacks and links; BGP becomes one AS of iBGP sessions between loopbacks,
   * through route reflectors (the spines of a Clos; r0 of a chain or ring).
   */
  igp?: "ospf" | "isis";
  /** Routing stack of the routers (default frr); BIRD routes BGP and static only, no IGP. */
  stack?: GenStack;
}

/** Stacks the generators write routers for. */
export const GEN_STACKS = ["frr", "bird"] as const;
export type GenStack = (typeof GEN_STACKS)[number];

export interface ClosOptions extends CommonOptions {
  spines: number;
  leaves: number;
  /** Linux hosts per leaf, each on its own port with a default route to the leaf. */
  hostsPerLeaf?: number;
  /** Spines share one AS (RFC 7938's usual choice, default) or have one each. */
  spineAs?: "shared" | "per-spine";
  /**
   * EVPN over VXLAN: the hosts are layer 2, host h of every leaf in VNI 10000+h (one subnet,
   * 172.(15+h).0.0/16, across the fabric); every BGP session carries EVPN.
   */
  evpn?: boolean;
}

/** Most hosts per leaf with --evpn: one /16 of 172.16.0.0/12 per VNI. */
export const MAX_EVPN_HOSTS_PER_LEAF = 16;

/** Largest generated lab: namespace and address pools stay well inside their ranges. */
export const MAX_NODES = 10_000;

export class GenerateError extends Error {}

type NodeIn = NonNullable<TopologyInput["nodes"][string]>;
type LinkIn = NonNullable<TopologyInput["links"]>[number];
type Daemons = NonNullable<NonNullable<NonNullable<TopologyInput["defaults"]>["frr"]>["daemons"]>;

/** Private ASNs: 2-byte (65000...) while they fit, else 4-byte (4200000000...). */
function asnBase(count: number): number {
  return count <= 534 ? 65000 : 4_200_000_000;
}

function checkCount(what: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new GenerateError(`${what} must be a whole number of at least ${min}`);
  if (n > MAX_NODES) throw new GenerateError(`${what} must be at most ${MAX_NODES}`);
}

/** Address pools sized for the number of links and routers. */
export function addressing(links: number): NonNullable<NonNullable<TopologyInput["defaults"]>["addressing"]> {
  // One /31 per link; 10.0.0.0/16 holds 32768 of them.
  let len = 16;
  while (len > 9 && 2 ** (32 - len) < links * 2) len--;
  return { p2p: `10.0.0.0/${len}`, loopback: "10.255.0.0/16" };
}

/** Routers run BGP; a shape of hosts (a kind without a routing stack) forwards in the kernel. */
function routes(kind: GenKind): boolean {
  return kindOf(kind)?.stack !== undefined;
}

function router(kind: GenKind, asn: number, neighbors: string[], igp?: CommonOptions["igp"], rr = false): NodeIn {
  if (!routes(kind)) return { forwarding: true };
  const node: NodeIn = { bgp: { asn, redistribute: ["connected"], neighbors, ...(rr ? { rr: true } : {}) } };
  if (igp === "ospf") node.ospf = { area: "0.0.0.0" };
  if (igp === "isis") node.isis = { area: "49.0001", type: "level-2" };
  return node;
}

function lab(
  name: string,
  kind: GenKind,
  links: LinkIn[],
  nodes: Record<string, NodeIn>,
  igp?: CommonOptions["igp"],
  stack: GenStack = "frr",
): TopologyInput {
  const defaults: NonNullable<TopologyInput["defaults"]> = {};
  if (!routes(kind)) defaults.kind = kind;
  // One bird process per router, whatever the intents: nothing to choose.
  else if (stack === "bird") defaults.stack = "bird";
  // BGP (and the IGP) is all these routers run: no staticd (one daemon fewer to start per
  // router, about 5 MB less each). Add it here to use `ip route` on the routers.
  else {
    const daemons: Daemons = ["zebra", "bgpd"];
    if (igp === "ospf") daemons.push("ospfd");
    if (igp === "isis") daemons.push("isisd");
    defaults.frr = { daemons };
  }
  defaults.addressing = addressing(links.length);
  return { name, defaults, nodes, links };
}

/** r0 — r1 — … — r(n-1); port e1 faces r(i-1), e2 faces r(i+1), as the benchmark peers name them. */
export function chain(n: number, opts: CommonOptions = {}): TopologyInput {
  checkCount("the number of routers in a chain", n, 2);
  checkStack(opts);
  return line(n, false, opts.name ?? `chain${n}`, opts.kind ?? "frr", opts.igp, opts.stack);
}

/** A chain closed into a ring: r(n-1):e2 — r0:e1. */
export function ring(n: number, opts: CommonOptions = {}): TopologyInput {
  checkCount("the number of routers in a ring", n, 3);
  checkStack(opts);
  return line(n, true, opts.name ?? `ring${n}`, opts.kind ?? "frr", opts.igp, opts.stack);
}

/** BIRD renders bgp, static and ospf (src/stacks/bird/render.ts): no IS-IS, no EVPN; hosts run no stack. */
function checkStack(opts: CommonOptions & { evpn?: boolean }): void {
  if (opts.stack !== "bird") return;
  if (opts.igp === "isis")
    throw new GenerateError("--igp isis needs --stack frr: BIRD 2 has no IS-IS (use --igp ospf)");
  if (opts.evpn) throw new GenerateError("--evpn needs --stack frr: BIRD 2.0.12 has no EVPN");
  if (opts.kind && !routes(opts.kind)) throw new GenerateError(`--stack goes with routers, not --kind ${opts.kind}`);
}

function line(
  n: number,
  closed: boolean,
  name: string,
  kind: GenKind,
  igp?: CommonOptions["igp"],
  stack?: GenStack,
): TopologyInput {
  const base = asnBase(n);
  const at = (i: number) => (i + n) % n;
  const nodes: Record<string, NodeIn> = {};
  for (let i = 0; i < n; i++) {
    if (igp) {
      // One AS over the IGP: r0 reflects for everyone (a full mesh would be n² sessions).
      const all = Array.from({ length: n }, (_, k) => `r${k}`);
      nodes[`r${i}`] = router(kind, base, i === 0 ? all.slice(1) : ["r0"], igp, i === 0);
      continue;
    }
    const peers: string[] = [];
    if (i > 0 || closed) peers.push(`r${at(i - 1)}`);
    if (i < n - 1 || closed) peers.push(`r${at(i + 1)}`);
    nodes[`r${i}`] = router(kind, base + i, peers);
  }
  const links: LinkIn[] = [];
  for (let i = 0; i < n - 1; i++) links.push([`r${i}:e2`, `r${i + 1}:e1`]);
  if (closed) links.push([`r${n - 1}:e2`, "r0:e1"]);
  return lab(name, kind, links, nodes, igp, stack);
}

/**
 * Leaf-spine: every leaf cabled to every spine (leaf port swpK to spine K, spine port swpL
 * to leaf L), hosts on the leaves' next ports. Host links carry written addresses (a host
 * needs its gateway's address for the default route), one /31 per host from 172.16.0.0/12;
 * the fabric's links and loopbacks come from the addressing pools.
 */
export function clos(opts: ClosOptions): TopologyInput {
  const { spines, leaves } = opts;
  const hosts = opts.hostsPerLeaf ?? 0;
  checkCount("--spines", spines, 1);
  checkCount("--leaves", leaves, 1);
  if (!Number.isInteger(hosts) || hosts < 0) throw new GenerateError("--hosts-per-leaf must be 0 or more");
  if (spines + leaves * (1 + hosts) > MAX_NODES) throw new GenerateError(`at most ${MAX_NODES} nodes`);
  if (leaves * hosts > 2 ** 19) throw new GenerateError("too many hosts for 172.16.0.0/12");
  checkStack(opts);
  const kind = opts.kind ?? "frr";
  if (opts.evpn) {
    if (!routes(kind)) throw new GenerateError("--evpn goes with routers (--kind frr)");
    if (hosts < 1) throw new GenerateError("--evpn needs hosts to join the VNIs: --hosts-per-leaf 1 or more");
    if (hosts > MAX_EVPN_HOSTS_PER_LEAF) {
      throw new GenerateError(`--evpn takes at most ${MAX_EVPN_HOSTS_PER_LEAF} hosts per leaf (one /16 per VNI)`);
    }
    if (leaves > 65_534) throw new GenerateError("--evpn takes at most 65534 leaves (hosts of a VNI share a /16)");
  }
  const perSpine = opts.spineAs === "per-spine";
  const base = asnBase(spines + leaves);
  const igp = opts.igp;
  // With an IGP underlay the fabric is one AS: the spines reflect the leaves' routes.
  const spineAs = (k: number) => (igp ? base : perSpine ? base + k - 1 : base);
  const leafAs = (l: number) => (igp ? base : perSpine ? base + spines + l - 1 : base + l);
  const leafNames = Array.from({ length: leaves }, (_, i) => `leaf${i + 1}`);
  const spineNames = Array.from({ length: spines }, (_, i) => `spine${i + 1}`);

  const nodes: Record<string, NodeIn> = {};
  // Tiers for the graph page (spines on top, leaves below, hosts under their leaf).
  spineNames.forEach((s, i) => {
    nodes[s] = { ...router(kind, spineAs(i + 1), [...leafNames], igp, igp !== undefined), graph: { tier: 0 } };
  });
  leafNames.forEach((l, i) => {
    nodes[l] = { ...router(kind, leafAs(i + 1), [...spineNames], igp), graph: { tier: 1 } };
  });
  const links: LinkIn[] = [];
  for (let l = 1; l <= leaves; l++) {
    for (let k = 1; k <= spines; k++) links.push([`leaf${l}:swp${k}`, `spine${k}:swp${l}`]);
  }
  if (opts.evpn) return evpnClos(opts, nodes, links, spineNames, leafNames, igp);
  let block = 0;
  for (let l = 1; l <= leaves; l++) {
    for (let h = 1; h <= hosts; h++) {
      const host = `h${l}-${h}`;
      const gw = hostAddress(block, 0);
      nodes[host] = { kind: "linux", routes: [{ to: "0.0.0.0/0", via: gw }], graph: { tier: 2 } };
      links.push([
        { endpoint: `leaf${l}:swp${spines + h}`, ip: `${gw}/31` },
        { endpoint: `${host}:eth0`, ip: `${hostAddress(block, 1)}/31` },
      ]);
      block++;
    }
  }
  return lab(opts.name ?? `clos${spines}x${leaves}`, kind, links, nodes, igp, opts.stack);
}

/**
 * The layer-2 half of `clos --evpn`: every router's sessions carry EVPN (over eBGP the
 * loopbacks, the VTEPs, travel as connected routes; over an IGP as its prefixes), leaf l's
 * host h on port swp(spines+h) in VNI 10000+h, addressed 172.(15+h).(l>>8).(l&255)/16, no
 * default route (the host's world is its VNI). Checks: each VNI's first leaf floods to every
 * other leaf, and its first host pings the VNI's host on the last leaf.
 */
function evpnClos(
  opts: ClosOptions,
  nodes: Record<string, NodeIn>,
  links: LinkIn[],
  spineNames: string[],
  leafNames: string[],
  igp: CommonOptions["igp"],
): TopologyInput {
  const hosts = opts.hostsPerLeaf ?? 0;
  const { spines } = opts;
  for (const name of [...spineNames, ...leafNames]) {
    const bgp = nodes[name]?.bgp;
    if (bgp) bgp.evpn = true;
  }
  const vni = (h: number) => 10_000 + h;
  const hostIp = (h: number, l: number) => `172.${15 + h}.${l >> 8}.${l & 255}`;
  leafNames.forEach((leaf, i) => {
    const node = nodes[leaf] as NodeIn;
    node.vxlan = Array.from({ length: hosts }, (_, k) => ({
      vni: vni(k + 1),
      "bridge-ports": [`swp${spines + k + 1}`],
    }));
    for (let h = 1; h <= hosts; h++) {
      const host = `h${i + 1}-${h}`;
      nodes[host] = { kind: "linux" };
      links.push([`${leaf}:swp${spines + h}`, { endpoint: `${host}:eth0`, ip: `${hostIp(h, i + 1)}/16` }]);
    }
  });
  const t = lab(opts.name ?? `clos${spines}x${leafNames.length}`, "frr", links, nodes, igp);
  const last = leafNames.length;
  if (last > 1) {
    t.checks = [];
    for (let h = 1; h <= hosts; h++) {
      t.checks.push({ "evpn-vni": { node: "leaf1", vni: vni(h) } });
      t.checks.push({ ping: { from: `h1-${h}`, to: hostIp(h, last) } });
    }
  }
  return t;
}

/** Address `offset` (0 or 1) of the `block`-th /31 in 172.16.0.0/12. */
function hostAddress(block: number, offset: number): string {
  const v = 172 * 2 ** 24 + 16 * 2 ** 16 + block * 2 + offset;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}
