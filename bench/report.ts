// docs/benchmarks.md and its plot (hand-written SVG) from one benchmark run.
import type { Machine } from "./machine.js";
import type { NodeMemory, Phase } from "./tools.js";

export interface PeerTimes {
  build: number;
  stop: number;
}

export interface TopoRow {
  n: number;
  /** wirelab's own time (main(), as the peers time themselves), per repetition, ms. */
  wirelab: number[];
  /** The same runs from spawn to exit: with Node's start and module loading. */
  wirelabWall: number[];
  wirelabStop: number[];
  wirelabStopWall: number[];
  raw: PeerTimes[];
  mininet: PeerTimes[];
  phases?: Phase[];
}

export interface ChainRun {
  reachOwn: number;
  reachWall: number;
  deployOwn: number;
  stop: number;
  phases: Phase[];
}

export interface PeerChainRun {
  build: number;
  converge: number;
  stop: number;
}

/** A Clos fabric to convergence (FRR's or BIRD's). */
export interface ClosResult {
  spines: number;
  leaves: number;
  routers: number;
  links: number;
  convergedMs: number;
  deployOwn: number;
  deployWall: number;
  stop: number;
  phases: Phase[];
  memory: NodeMemory[];
  maxRssKb: number;
}

/** A large lab deployed once (bench/tools.ts wirelabLarge), kept without per-router names. */
export interface LargeResult {
  lab: string;
  routers: number;
  links: number;
  /** Routers per chain (the scale case's chains). */
  segment?: number;
  deployOwn: number;
  deployWall: number;
  stopOwn: number;
  stopWall: number;
  phases: Phase[];
  /** deploy's up-front estimate of the whole lab, and MemAvailable before it. */
  estimateMb: number;
  availableMb: number;
  memDropMb: number;
  /** Per router, in the same order: RSS, BGP sessions, its stack's estimate. */
  rssKb: number[];
  sessions: number[];
  estimates: number[];
  pssTotalKb: number;
  tables: { node: string; networks: number }[];
  maxRssKb: number;
}

export interface BenchResults {
  quick: boolean;
  /** The cases of a partial run (--only); undefined: all of them. */
  only?: string[];
  /** How long the whole run took. */
  totalMs?: number;
  reps: number;
  date: string;
  machine: Machine;
  loadBefore: { avg: number[]; running: number };
  loadAfter: { avg: number[]; running: number };
  topo: TopoRow[];
  big?: {
    n: number;
    build: number;
    buildWall: number;
    stop: number;
    stopWall: number;
    phases: Phase[];
    maxRssKb: number;
  };
  chain: { n: number; wirelab: ChainRun[]; raw: PeerChainRun[]; mininet: PeerChainRun[] };
  clos?: ClosResult;
  chainMemory: NodeMemory[];
  /** The same chain and Clos on BIRD. */
  bird?: { chain: { n: number; runs: ChainRun[]; memory: NodeMemory[] }; clos?: ClosResult };
  /** Thousands of BIRD routers on this machine. */
  scale?: LargeResult;
  /** The BIRD internet of `generate internet`, or why it was not measured. */
  internet?: { ases: number; skipped?: string } & Partial<LargeResult>;
  peakRssKb: number;
  leftovers: string[];
}

export function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

const sec = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : "–");
const x = (r: number) => (Number.isFinite(r) ? `${r.toFixed(r < 10 ? 2 : 1)}x` : "–");
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function phaseTable(list: { what: string; phases: Phase[] }[]): string {
  const order = ["configs", "namespaces", "hostnames", "cables", "interfaces", "routing", "bgp"];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  const names = [...new Set(list.flatMap((l) => l.phases.map((p) => p.name)))].sort((a, b) => rank(a) - rank(b));
  return table(
    ["phase", ...list.map((l) => l.what)],
    names.map((n) => [
      n,
      ...list.map((l) => {
        const p = l.phases.find((q) => q.name === n);
        const total = l.phases.reduce((a, q) => a + q.ms, 0);
        return p ? `${sec(p.ms)} (${Math.round((100 * p.ms) / total)}%)` : "";
      }),
    ]),
  );
}

function memStats(list: NodeMemory[]) {
  const rss = list.map((m) => m.rssKb);
  const pss = list.map((m) => m.pssKb);
  return { rssMed: median(rss), rssMax: Math.max(...rss), pssMed: median(pss), daemons: list[0]?.daemons ?? [] };
}

/** One group of routers alike (same lab, stack and number of sessions) for the accuracy table. */
export interface EstimateRow {
  lab: string;
  stack: string;
  sessions: number;
  routers: number;
  /** The stack's estimate of one router, MB. */
  estimateMb: number;
  rssMedKb: number;
  ratio: number;
}

/** Every router measured in the run, as (lab, stack, sessions, RSS, estimate). */
function measuredRouters(
  r: BenchResults,
): { lab: string; stack: string; sessions: number; rssKb: number; est: number }[] {
  const out: { lab: string; stack: string; sessions: number; rssKb: number; est: number }[] = [];
  const add = (lab: string, list: NodeMemory[]) => {
    for (const m of list) {
      if (m.estimateMb === undefined) continue;
      out.push({ lab, stack: m.stack ?? "frr", sessions: m.sessions ?? 0, rssKb: m.rssKb, est: m.estimateMb });
    }
  };
  add(`FRR chain of ${r.chain.n}`, r.chainMemory);
  if (r.clos) add(`FRR Clos of ${r.clos.routers}`, r.clos.memory);
  if (r.bird) add(`BIRD chain of ${r.bird.chain.n}`, r.bird.chain.memory);
  if (r.bird?.clos) add(`BIRD Clos of ${r.bird.clos.routers}`, r.bird.clos.memory);
  for (const [what, l] of [
    [`BIRD ${r.scale?.routers ?? 0} routers`, r.scale],
    [`BIRD internet of ${r.internet?.ases ?? 0} ASes`, r.internet],
  ] as const) {
    if (!l?.rssKb) continue;
    for (const [i, rss] of l.rssKb.entries()) {
      out.push({
        lab: what,
        stack: "bird",
        sessions: l.sessions?.[i] ?? 0,
        rssKb: rss,
        est: l.estimates?.[i] ?? Number.NaN,
      });
    }
  }
  return out;
}

/** Estimate ÷ measured RSS per group of alike routers, and per lab (sums). */
export function estimateAccuracy(r: BenchResults): { groups: EstimateRow[]; labs: EstimateRow[] } {
  const all = measuredRouters(r);
  const groups = new Map<string, typeof all>();
  for (const m of all) {
    const k = `${m.lab}\0${m.sessions}`;
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  const row = (list: typeof all, sessions: number): EstimateRow => {
    const rssMedKb = median(list.map((m) => m.rssKb));
    const est = median(list.map((m) => m.est));
    return {
      lab: list[0]?.lab ?? "",
      stack: list[0]?.stack ?? "",
      sessions,
      routers: list.length,
      estimateMb: est,
      rssMedKb,
      ratio: (est * 1024) / rssMedKb,
    };
  };
  const labs = new Map<string, typeof all>();
  for (const m of all) labs.set(m.lab, [...(labs.get(m.lab) ?? []), m]);
  return {
    groups: [...groups.values()].map((g) => row(g, g[0]?.sessions ?? 0)).filter((g) => g.routers > 0),
    labs: [...labs.values()].map((l) => {
      const estMb = l.reduce((a, m) => a + m.est, 0);
      const rssKb = l.reduce((a, m) => a + m.rssKb, 0);
      return {
        lab: l[0]?.lab ?? "",
        stack: l[0]?.stack ?? "",
        sessions: Number.NaN,
        routers: l.length,
        estimateMb: estMb,
        rssMedKb: rssKb,
        ratio: (estMb * 1024) / rssKb,
      };
    }),
  };
}

/** 0.93x, and whether it is within 30% of measured. */
const within30 = (ratio: number) => ratio >= 0.7 && ratio <= 1.3;

/** Routers of a memory list by their number of sessions. */
function bySessions(list: NodeMemory[], test: (sessions: number) => boolean): NodeMemory[] {
  return list.filter((m) => test(m.sessions ?? 0));
}

/**
 * What a BGP session costs a router, from the spines' and leaves' medians: FRR 8.4 gives each
 * peer a 640 KB input ring buffer, resident once the session is up, so a router's memory
 * grows with its number of sessions whatever wirelab does.
 */
function perSession(k: NonNullable<BenchResults["clos"]>): string {
  const spine = median(k.memory.filter((q) => q.node.startsWith("spine")).map((q) => q.rssKb));
  const leaf = median(k.memory.filter((q) => q.node.startsWith("leaf")).map((q) => q.rssKb));
  const extra = k.leaves - k.spines;
  if (!(extra > 0) || !Number.isFinite(spine) || !Number.isFinite(leaf)) return "";
  const per = (spine - leaf) / extra;
  return (
    `A spine has ${k.leaves} BGP sessions, a leaf ${k.spines}: each session costs a router about ` +
    `${mb(per)} of RSS here: FRR 8.4 allocates a 640 KB input ring buffer per peer (\`show memory\` on a ` +
    'spine: "Ring buffer" ≈ 64 MB for 96 peers) and, once the session is up, those pages are resident ' +
    "(glibc's mmap threshold and arena settings made no difference). " +
    `A router stays under 30 MB up to about ${Math.max(0, Math.floor((30 * 1024 - (leaf - k.spines * per)) / per))} ` +
    "sessions; a 96-port spine does not, whatever starts it. wirelab's own part per router is what it can " +
    "choose: the daemons (zebra and bgpd only: no staticd, about 5 MB) and `--limit-fds 1024` (about 4 MB)."
  );
}

/** The same targets judged on command-line times (Node's start and module loading included). */
function cliNote(r: BenchResults): string {
  const t = r.topo.find((x) => x.n === 100) ?? r.topo.at(-1);
  if (!t) return "";
  const raw = median(t.raw.map((p) => p.build));
  const mn = median(t.mininet.map((p) => p.build));
  const mnStop = median(t.mininet.map((p) => p.stop));
  const build = median(t.wirelabWall);
  const stop = median(t.wirelabStopWall);
  const parts = [
    `build ${x(build / raw)} the raw floor (target 1.5x: ${build / raw <= 1.5 ? "met" : "missed"})`,
    `${x(mn / build)} faster than Mininet (3x: ${mn / build >= 3 ? "met" : "missed"})`,
    `teardown ${x(mnStop / stop)} faster than Mininet (10x: ${mnStop / stop >= 10 ? "met" : "missed"})`,
  ];
  const c = r.chain;
  if (c.wirelab.length && c.mininet.length) {
    const ratio = median(c.wirelab.map((w) => w.reachWall)) / median(c.mininet.map((p) => p.build + p.converge));
    parts.push(`the FRR chain ${x(ratio)} Mininet's time (0.6x: ${ratio <= 0.6 ? "met" : "missed"})`);
  }
  return (
    "The targets are judged on each tool's own time, the way the peer scripts time themselves. Timed " +
    `from the command line instead, Node's start and module loading included (about ${sec(build - median(t.wirelab))} ` +
    `per command here), ${t.n} nodes: ${parts.join(", ")}. Most of that start is loading the topology ` +
    "loader (yaml, zod) and every command's modules, which a command like `destroy` does not need."
  );
}

export interface Target {
  what: string;
  measured: string;
  met: boolean;
}

export function targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  const t100 = r.topo.find((t) => t.n === 100) ?? r.topo.at(-1);
  if (t100) {
    const w = median(t100.wirelab);
    const raw = median(t100.raw.map((p) => p.build));
    const mn = median(t100.mininet.map((p) => p.build));
    const wStop = median(t100.wirelabStop);
    const mnStop = median(t100.mininet.map((p) => p.stop));
    out.push({
      what: `topology-only build, ${t100.n} nodes: at most 1.5x the raw floor`,
      measured: `${x(w / raw)} (${sec(w)} vs ${sec(raw)}; from the command line ${x(median(t100.wirelabWall) / raw)})`,
      met: w / raw <= 1.5,
    });
    out.push({
      what: `topology-only build, ${t100.n} nodes: at least 3x faster than Mininet`,
      measured: `${x(mn / w)} faster (${sec(mn)} vs ${sec(w)})`,
      met: mn / w >= 3,
    });
    out.push({
      what: `teardown, ${t100.n} nodes: at least 10x faster than Mininet`,
      measured: `${x(mnStop / wStop)} faster (${sec(mnStop)} vs ${sec(wStop)}; from the command line ${x(mnStop / median(t100.wirelabStopWall))})`,
      met: mnStop / wStop >= 10,
    });
    if (r.big) {
      out.push({
        what: `topology-only build, ${r.big.n} nodes: at most 12x the ${t100.n}-node time`,
        measured: `${x(r.big.build / w)} (${sec(r.big.build)} vs ${sec(w)})`,
        met: r.big.build / w <= 12,
      });
    }
  }
  const wr = median(r.chain.wirelab.map((c) => c.reachOwn));
  const mnr = median(r.chain.mininet.map((c) => c.build + c.converge));
  if (r.chain.wirelab.length && r.chain.mininet.length) {
    out.push({
      what: `FRR chain of ${r.chain.n} to end-to-end reachability: at most 0.6x Mininet+FRR`,
      measured: `${x(wr / mnr)} (${sec(wr)} vs ${sec(mnr)}; from the command line ${x(median(r.chain.wirelab.map((c) => c.reachWall)) / mnr)})`,
      met: wr / mnr <= 0.6,
    });
  }
  if (r.clos) {
    out.push({
      what: `Clos of ${r.clos.routers} routers, every loopback in every routing table: under 30 s`,
      measured: `${sec(r.clos.convergedMs)} from the deploy command's start`,
      met: r.clos.convergedMs < 30_000,
    });
  }
  const mem = [...(r.clos?.memory ?? []), ...r.chainMemory];
  if (mem.length) {
    const max = Math.max(...mem.map((m) => m.rssKb));
    const spines = mem.filter((m) => m.node.startsWith("spine"));
    const others = mem.filter((m) => !m.node.startsWith("spine"));
    const part = (what: string, list: NodeMemory[]) =>
      list.length
        ? `${what}: median ${mb(median(list.map((m) => m.rssKb)))}, largest ${mb(Math.max(...list.map((m) => m.rssKb)))}`
        : "";
    out.push({
      what: "FRR router: under 30 MB (RSS of its daemons)",
      measured: [
        part(`chain routers and leaves (2–${r.clos?.spines ?? 2} sessions)`, others),
        part(`spines (${r.clos?.leaves ?? 0} sessions)`, spines),
      ]
        .filter(Boolean)
        .join("; "),
      met: max < 30 * 1024,
    });
  }
  const b = r.bird;
  if (b) {
    const small = [
      ...b.chain.memory,
      ...bySessions(b.clos?.memory ?? [], (n) => n <= 8),
      ...(r.scale
        ? r.scale.rssKb.map((rssKb, i) => ({ node: "", daemons: [], rssKb, pssKb: 0, sessions: r.scale?.sessions[i] }))
        : []),
    ].filter((m) => (m.sessions ?? 0) <= 8);
    if (small.length) {
      const med = median(small.map((m) => m.rssKb));
      out.push({
        what: "BIRD router with at most 8 BGP sessions: median RSS at most 5 MB",
        measured: `median ${mb(med)}, largest ${mb(Math.max(...small.map((m) => m.rssKb)))} (${small.length} routers: chain, Clos leaves${r.scale ? `, the ${r.scale.routers}` : ""})`,
        met: med <= 5 * 1024,
      });
    }
    const spines = (b.clos?.memory ?? []).filter((m) => m.node.startsWith("spine"));
    if (b.clos && spines.length) {
      const med = median(spines.map((m) => m.rssKb));
      out.push({
        what: `BIRD router with ${b.clos.leaves} BGP sessions (Clos spine): median RSS at most 20 MB`,
        measured: `median ${mb(med)}, largest ${mb(Math.max(...spines.map((m) => m.rssKb)))}`,
        met: med <= 20 * 1024,
      });
    }
  }
  if (r.scale) {
    const k = r.scale;
    const rss = k.rssKb.reduce((a, v) => a + v, 0);
    out.push({
      what: `${k.routers} BIRD routers deployed on this ${r.machine.memoryGb} GB machine`,
      measured: `deploy ${sec(k.deployWall)}, destroy ${sec(k.stopWall)} (command line); RSS ${mb(rss)} in all, MemAvailable fell ${(k.memDropMb / 1024).toFixed(1)} GB`,
      met: k.routers >= 3000 || r.quick || r.only !== undefined,
    });
  }
  const acc = estimateAccuracy(r);
  if (acc.labs.length) {
    const worst = [...acc.groups, ...acc.labs].reduce((w, g) =>
      Math.abs(Math.log(g.ratio)) > Math.abs(Math.log(w.ratio)) ? g : w,
    );
    out.push({
      what: "memory estimate per stack (deploy's up-front check) within 30% of measured RSS",
      measured:
        acc.labs.map((l) => `${l.lab} ${x(l.ratio)}`).join(", ") +
        `; furthest group: ${worst.lab}${Number.isFinite(worst.sessions) ? `, ${worst.sessions} session${worst.sessions === 1 ? "" : "s"}` : ""} ${x(worst.ratio)}`,
      met: [...acc.groups, ...acc.labs].every((g) => within30(g.ratio)),
    });
  }
  if (r.internet) {
    const i = r.internet;
    if (i.skipped || i.deployWall === undefined || i.stopWall === undefined) {
      out.push({
        what: `internet of ${i.ases} ASes (BIRD): deploy under 60 s, destroy under 5 s`,
        measured: `not measured: ${i.skipped ?? "no result"}`,
        met: false,
      });
    } else {
      out.push({
        what: `internet of ${i.ases} ASes (BIRD): deployed (every session up, tables still) in under 60 s`,
        measured: `${sec(i.deployWall)} from the command line (own time ${sec(i.deployOwn ?? Number.NaN)})`,
        met: i.deployWall < 60_000,
      });
      out.push({
        what: `internet of ${i.ases} ASes (BIRD): destroyed in under 5 s`,
        measured: `${sec(i.stopWall)} from the command line`,
        met: i.stopWall < 5_000,
      });
    }
  }
  out.push({
    what: "nothing left behind (namespaces, daemons, run directories, links)",
    measured: r.leftovers.length ? `${r.leftovers.length} left: ${r.leftovers.slice(0, 3).join("; ")}` : "none",
    met: r.leftovers.length === 0,
  });
  return out;
}

export function reportMarkdown(r: BenchResults, svgName: string): string {
  const m = r.machine;
  const parts: string[] = [];
  parts.push(
    "# Benchmarks",
    "",
    `Written by \`npm run bench${r.quick ? " -- --quick" : ""}\` (bench/run.ts) on ${r.date.slice(0, 16).replace("T", " ")} UTC; ` +
      "every figure below is from that one run. wirelab is measured against two peers that build the same " +
      "chain of routers (one veth pair and one /30 or /31 per hop, forwarding on): the raw floor, " +
      "`bench/peers/raw-chain.sh` (one `ip -batch` per phase, FRR daemons started by a shell loop), and " +
      "Mininet 2.3, `bench/peers/mininet-chain.py`. Both peers time themselves inside the script " +
      "(after the interpreter and Mininet's imports); wirelab's **own time** is counted the same way, " +
      "from the start of its `main()` to its end (bench/wirelab-stats.mjs). The **command line** time adds " +
      "Node's start and module loading (about 0.3–0.5 s here) and is shown beside it. " +
      `Times are medians of ${r.reps} repetition${r.reps === 1 ? "" : "s"}, the tools taking turns ` +
      "(the large BIRD labs: one)." +
      (r.only ? ` A partial run: only ${r.only.join(", ")}.` : "") +
      (r.totalMs ? ` The whole run took ${(r.totalMs / 60_000).toFixed(1)} minutes.` : ""),
    "",
    "## Machine",
    "",
    table(
      ["", ""],
      [
        ["CPU", `${m.cpu}, ${m.cores} cores`],
        ["memory", `${m.memoryGb} GB`],
        ["system", `${m.distro}, ${m.kernel}`],
        ["FRR", m.frr],
        ["Mininet", m.mininet],
        ["Node.js", m.node],
        [
          "load",
          `${r.loadBefore.avg.join(" / ")} before, ${r.loadAfter.avg.join(" / ")} after (1/5/15-min averages; the machine is shared, other work ran beside the benchmark when these are above ~1)`,
        ],
      ],
    ),
    "",
    "## Targets",
    "",
    table(
      ["target", "measured", "met"],
      targets(r).map((t) => [t.what, t.measured, t.met ? "yes" : "**no**"]),
    ),
    "",
    cliNote(r),
    "",
    `![build and teardown times, FRR convergence](${svgName})`,
    "",
    "## Topology only: chains of Linux nodes",
    "",
    "`wirelab generate chain N --kind linux`: namespaces with their own hostname, veth pairs, automatic " +
      "/31 addresses and loopbacks, forwarding on; no routing daemons. The peers build the same chain " +
      "without hostnames or loopbacks.",
    "",
    table(
      [
        "nodes",
        "wirelab build (own / command line)",
        "raw build",
        "Mininet build",
        "wirelab ÷ raw",
        "Mininet ÷ wirelab",
        "wirelab teardown (own / command line)",
        "raw teardown",
        "Mininet teardown",
        "Mininet ÷ wirelab",
      ],
      [
        ...r.topo.map((t) => {
          const w = median(t.wirelab);
          const raw = median(t.raw.map((p) => p.build));
          const mn = median(t.mininet.map((p) => p.build));
          const ws = median(t.wirelabStop);
          const mns = median(t.mininet.map((p) => p.stop));
          return [
            String(t.n),
            `${sec(w)} / ${sec(median(t.wirelabWall))}`,
            sec(raw),
            sec(mn),
            x(w / raw),
            x(mn / w),
            `${sec(ws)} / ${sec(median(t.wirelabStopWall))}`,
            sec(median(t.raw.map((p) => p.stop))),
            sec(mns),
            x(mns / ws),
          ];
        }),
        ...(r.big
          ? [
              [
                String(r.big.n),
                `${sec(r.big.build)} / ${sec(r.big.buildWall)}`,
                "",
                "",
                "",
                "",
                `${sec(r.big.stop)} / ${sec(r.big.stopWall)}`,
                "",
                "",
                "",
              ],
            ]
          : []),
      ],
    ),
    "",
  );

  const c = r.chain;
  if (c.wirelab.length) {
    const row = (name: string, build: string, total: number, stop: number) => [
      name,
      build,
      sec(total),
      x(total / median(c.mininet.map((p) => p.build + p.converge))),
      sec(stop),
    ];
    parts.push(
      `## FRR chain of ${c.n} routers to end-to-end reachability`,
      "",
      "eBGP, one AS per router, `redistribute connected`; reachable when r0 pings the far end of the chain. " +
        "The peers start zebra and bgpd per router one after another; wirelab (`wirelab generate chain`, " +
        "zebra and bgpd per router) starts them in parallel, each daemon reading its own config, with lab " +
        "timers, and `deploy` waits until BGP has converged; r0's ping is tried as soon as r0 has the route.",
      "",
      table(
        ["tool", "build / daemons", "to reachability", "÷ Mininet", "teardown"],
        [
          row(
            "wirelab (own time)",
            `deploy returned after ${sec(median(c.wirelab.map((w) => w.deployOwn)))}`,
            median(c.wirelab.map((w) => w.reachOwn)),
            median(c.wirelab.map((w) => w.stop)),
          ),
          row("wirelab (command line)", "", median(c.wirelab.map((w) => w.reachWall)), Number.NaN),
          row(
            "raw",
            sec(median(c.raw.map((p) => p.build))),
            median(c.raw.map((p) => p.build + p.converge)),
            median(c.raw.map((p) => p.stop)),
          ),
          row(
            "Mininet",
            sec(median(c.mininet.map((p) => p.build))),
            median(c.mininet.map((p) => p.build + p.converge)),
            median(c.mininet.map((p) => p.stop)),
          ),
        ],
      ),
      "",
    );
  }

  if (r.clos) {
    const k = r.clos;
    const spines = memStats(k.memory.filter((q) => q.node.startsWith("spine")));
    const leaves = memStats(k.memory.filter((q) => q.node.startsWith("leaf")));
    parts.push(
      `## Clos fabric: ${k.spines} spines × ${k.leaves} leaves (${k.routers} routers, ${k.links} links)`,
      "",
      `\`wirelab generate clos --spines ${k.spines} --leaves ${k.leaves}\`: eBGP, one AS per leaf, the spines ` +
        "sharing one (as RFC 7938 fabrics do), `redistribute connected`, automatic addresses. Converged when " +
        "every router's zebra (`show ip route json`) holds every loopback it can learn — every router's, " +
        "except that a spine never carries another spine's (the shared AS is in the path: eBGP's loop " +
        "check) — polled on each zebra's socket every 100 ms from the moment the deploy command starts.",
      "",
      table(
        ["", ""],
        [
          ["every loopback in every routing table", sec(k.convergedMs)],
          ["`deploy` returned (its own BGP wait included)", `${sec(k.deployWall)} (own time ${sec(k.deployOwn)})`],
          ["teardown", sec(k.stop)],
          ["peak memory of wirelab (deploy)", mb(k.maxRssKb)],
        ],
      ),
      "",
      "### Memory per router",
      "",
      "RSS and PSS (shared library pages split among the processes that map them) of each router's FRR " +
        "daemons, read from /proc once converged.",
      "",
      table(
        ["routers", "daemons", "RSS median", "RSS largest", "PSS median"],
        [
          ["spines", spines.daemons.join(", "), mb(spines.rssMed), mb(spines.rssMax), mb(spines.pssMed)],
          ["leaves", leaves.daemons.join(", "), mb(leaves.rssMed), mb(leaves.rssMax), mb(leaves.pssMed)],
          ...(r.chainMemory.length
            ? [
                (() => {
                  const ch = memStats(r.chainMemory);
                  return [`chain of ${c.n}`, ch.daemons.join(", "), mb(ch.rssMed), mb(ch.rssMax), mb(ch.pssMed)];
                })(),
              ]
            : []),
        ],
      ),
      "",
      perSession(k),
      "",
      `Peak RSS of wirelab itself over all runs: ${mb(r.peakRssKb)}.`,
      "",
    );
  }

  parts.push(...stackSections(r));

  const profiles: { what: string; phases: Phase[] }[] = [];
  const t100 = r.topo.find((t) => t.n === 100) ?? r.topo.at(-1);
  if (t100?.phases) profiles.push({ what: `${t100.n} Linux nodes`, phases: t100.phases });
  if (r.big) profiles.push({ what: `${r.big.n} Linux nodes`, phases: r.big.phases });
  const lastChain = c.wirelab.at(-1);
  if (lastChain) profiles.push({ what: `FRR chain of ${c.n}`, phases: lastChain.phases });
  if (r.clos) profiles.push({ what: `Clos of ${r.clos.routers}`, phases: r.clos.phases });
  const birdChain = r.bird?.chain.runs.at(-1);
  if (birdChain) profiles.push({ what: `BIRD chain of ${r.bird?.chain.n}`, phases: birdChain.phases });
  if (r.bird?.clos) profiles.push({ what: `BIRD Clos of ${r.bird.clos.routers}`, phases: r.bird.clos.phases });
  if (r.scale) profiles.push({ what: `${r.scale.routers} BIRD routers`, phases: r.scale.phases });
  if (r.internet?.phases) profiles.push({ what: `internet of ${r.internet.ases} ASes`, phases: r.internet.phases });
  parts.push(
    "## Where the time goes",
    "",
    "Phases of `wirelab deploy` (its `--json` output; the last repetition of each). **configs**: every " +
      "frr.conf rendered and checked with FRR's parser (one `vtysh -C` for all configs written from intent). " +
      "**namespaces**, **cables**: one `ip -batch` each for the whole lab. **hostnames**: the node " +
      "directories (files only). **interfaces**: one process per node, four per CPU at a time, making its " +
      "UTS namespace and running its `ip -batch` and sysctls; its cost is the kernel's and the process " +
      "starts', a few ms per node, the same work the raw floor does. **routing**: the FRR daemons, two per " +
      "CPU at a time, from the edge of the topology to its center (labs with BGP relationships: providers " +
      "before customers, tier by tier), each reading its own config; FRR's own " +
      "start-up costs about 35 ms (zebra) and 42 ms (bgpd) of CPU here, while the routers already up are " +
      "exchanging and installing routes (in the Clos, 100 zebras installing about 480 routes each). " +
      "**bgp**: after the last daemon started, until every session is Established with its End-of-RIB and " +
      "the counts, zebra's included, are stable: FRR's 1 s start timer (shortened to about 0.7 s by the " +
      "1 s connect retry of the routers already up) plus about 50 ms of route processing per hop. On " +
      "BIRD routers, **configs** is every bird.conf checked by BIRD's own parser (`bird -p` per router, " +
      "started by one shell per CPU), **routing** one `bird` per router, and **bgp** lasts until every " +
      "session is Established and no route counter of any router moved between two polls.",
    "",
    phaseTable(profiles),
    "",
    "## Reproducing",
    "",
    "```sh",
    "sudo ./scripts/setup.sh     # FRR, iproute2, npm packages",
    "sudo npm run bench          # installs Debian's mininet and bc when missing (bench/setup.sh)",
    "sudo npm run bench -- --quick",
    "sudo npm run bench -- --only bird,scale --scale 300   # some cases, smaller (writes to a temporary directory)",
    "```",
    "",
    "The benchmark is not part of `npm test`. Every lab it builds is named `b6b…` (or `--prefix`) and removed; the peers " +
      "clean up after themselves; at the end the run checks that no namespace, FRR or BIRD daemon, run directory " +
      "or Mininet link is left and fails if one is.",
    "",
  );
  return parts.join("\n");
}

// ---- FRR against BIRD, BIRD at scale, the memory estimate ----------------------------------

const sum = (xs: number[]) => xs.reduce((a, v) => a + v, 0);

function memCells(list: NodeMemory[]): { med: number; max: number; total: number } {
  const rss = list.map((m) => m.rssKb);
  return { med: median(rss), max: rss.length ? Math.max(...rss) : Number.NaN, total: sum(rss) };
}

const mbOr = (kb: number) => (Number.isFinite(kb) && kb > 0 ? mb(kb) : "–");

function largeRows(k: LargeResult): string[][] {
  const rss = k.rssKb;
  const nets = k.tables.map((t) => t.networks).filter(Number.isFinite);
  return [
    ["routers, cables", `${k.routers}, ${k.links}`],
    [
      "`deploy` (to every session up and every route counter still)",
      `${sec(k.deployWall)} (own time ${sec(k.deployOwn)})`,
    ],
    ["`destroy`", `${sec(k.stopWall)} (own time ${sec(k.stopOwn)})`],
    ["RSS of all routers", `${mb(sum(rss))} (PSS ${mb(k.pssTotalKb)})`],
    ["RSS per router: median, largest", `${mb(median(rss))}, ${mb(Math.max(...rss))}`],
    [
      "MemAvailable fell by (namespaces, cables, daemons; other work on the machine moves it too)",
      `${(k.memDropMb / 1024).toFixed(2)} GB`,
    ],
    [
      "deploy's estimate (src/core/limits.ts) ÷ RSS",
      `${k.estimateMb} MB ÷ ${mb(sum(rss))} = ${x((k.estimateMb * 1024) / sum(rss))}; ${k.availableMb} MB were available, deploy accepts up to ${Math.floor(k.availableMb * 0.75)} MB`,
    ],
    [
      `networks in master4 (\`show route count\`, ${k.tables.length} routers evenly spread)`,
      nets.length ? `min ${Math.min(...nets)}, median ${median(nets)}, max ${Math.max(...nets)}` : "–",
    ],
    ["peak memory of wirelab (deploy)", mb(k.maxRssKb)],
  ];
}

function stackSections(r: BenchResults): string[] {
  const parts: string[] = [];
  const b = r.bird;
  if (b) {
    const fc = r.chain.wirelab;
    const bc = b.chain.runs;
    const row = (what: string, frr: number, bird: number, fmt: (v: number) => string) => [
      what,
      fmt(frr),
      fmt(bird),
      Number.isFinite(frr) && Number.isFinite(bird) && frr > 0 ? x(bird / frr) : "–",
    ];
    const fChain = memCells(r.chainMemory);
    const bChain = memCells(b.chain.memory);
    const rows: string[][] = [
      row(
        `chain of ${b.chain.n}: end-to-end reachability (own time)`,
        median(fc.map((c) => c.reachOwn)),
        median(bc.map((c) => c.reachOwn)),
        sec,
      ),
      row(
        `chain of ${b.chain.n}: \`deploy\` returned (own time)`,
        median(fc.map((c) => c.deployOwn)),
        median(bc.map((c) => c.deployOwn)),
        sec,
      ),
      row(
        `chain of ${b.chain.n}: teardown (own time)`,
        median(fc.map((c) => c.stop)),
        median(bc.map((c) => c.stop)),
        sec,
      ),
      row(`chain of ${b.chain.n}: RSS per router, median`, fChain.med, bChain.med, mbOr),
      row(`chain of ${b.chain.n}: RSS per router, largest`, fChain.max, bChain.max, mbOr),
      row(`chain of ${b.chain.n}: RSS of all routers`, fChain.total, bChain.total, mbOr),
    ];
    const fk = r.clos;
    const bk = b.clos;
    if (bk) {
      const fl = memCells((fk?.memory ?? []).filter((m) => m.node.startsWith("leaf")));
      const bl = memCells(bk.memory.filter((m) => m.node.startsWith("leaf")));
      const fs = memCells((fk?.memory ?? []).filter((m) => m.node.startsWith("spine")));
      const bs = memCells(bk.memory.filter((m) => m.node.startsWith("spine")));
      const fa = memCells(fk?.memory ?? []);
      const ba = memCells(bk.memory);
      const n = `Clos of ${bk.routers}`;
      rows.push(
        row(`${n}: every loopback in every routing table`, fk?.convergedMs ?? Number.NaN, bk.convergedMs, sec),
        row(`${n}: \`deploy\` returned (command line)`, fk?.deployWall ?? Number.NaN, bk.deployWall, sec),
        row(`${n}: teardown (own time)`, fk?.stop ?? Number.NaN, bk.stop, sec),
        row(`${n}: RSS per leaf (${bk.spines} sessions), median`, fl.med, bl.med, mbOr),
        row(`${n}: RSS per spine (${bk.leaves} sessions), median`, fs.med, bs.med, mbOr),
        row(`${n}: RSS per router, largest`, fa.max, ba.max, mbOr),
        row(`${n}: RSS of all routers`, fa.total, ba.total, mbOr),
      );
    }
    parts.push(
      "## FRR against BIRD: the same chain and Clos",
      "",
      "The chain and the Clos fabric above, generated again with `--stack bird` (`defaults: { stack: bird }`: " +
        "one `bird` process per router, the same eBGP intents, BIRD's lab timers) and measured the same way: " +
        "reachability when r0 has a route to the far end in its table (BIRD: `show route for` on its control " +
        "socket) and the ping comes back; the Clos converged when every router's table (BIRD: master4, best " +
        "routes) holds every loopback it can learn. RSS of each router's daemons (FRR: zebra and bgpd; BIRD: " +
        `bird) once converged. FRR and BIRD ran in the same run, one after the other${r.reps > 1 ? `; chain times are medians of ${r.reps}` : ""}.`,
      "",
      table(["", "FRR", "BIRD", "BIRD ÷ FRR"], rows),
      "",
    );
  }

  if (r.scale) {
    const k = r.scale;
    parts.push(
      `## ${k.routers} BIRD routers on one machine`,
      "",
      `\`wirelab generate chain ${k.routers} --stack bird\`, every ${k.segment ?? "–"}th cable left out: ` +
        `${Math.round(k.routers / (k.segment || k.routers))} chains of ${k.segment ?? k.routers} eBGP routers (one AS each, ` +
        "`redistribute connected`) in one lab. Not one chain of all: its far ends would carry AS paths thousands " +
        "of ASNs long, past BGP's 4 KB message, and every router a table of all the lab's networks (millions of " +
        "routes in all); chains of 100 give every router a 100-AS network's table. Deployed once (one repetition).",
      "",
      table(["", ""], largeRows(k)),
      "",
    );
  }

  if (r.internet) {
    const i = r.internet;
    parts.push(`## Internet of ${i.ases} ASes (BIRD)`, "");
    if (i.skipped || i.rssKb === undefined) {
      parts.push(
        `Not measured: ${i.skipped ?? "no result"}. The case runs \`wirelab generate internet --ases ${i.ases} --stack bird --seed 1 -o FILE\` and deploys it once.`,
        "",
      );
    } else {
      parts.push(
        `\`wirelab generate internet --ases ${i.ases} --stack bird --seed 1\` (Gao–Rexford policies), deployed once: ` +
          "`deploy` returns once every session is Established and every route counter has stopped moving; the " +
          "table sizes are then sampled with `show route count`.",
        "",
        table(["", ""], largeRows(i as LargeResult)),
        "",
      );
    }
  }

  const acc = estimateAccuracy(r);
  if (acc.groups.length) {
    parts.push(
      "## Memory estimate",
      "",
      "`wirelab deploy` refuses up front a lab whose estimate exceeds three quarters of MemAvailable " +
        "(src/core/limits.ts). Each stack estimates its routers (`memoryMb(node, lab)`): FRR " +
        "(src/stacks/frr/memory.ts) zebra 9.5 MB + bgpd 13.5 MB + 5 MB per other daemon + 0.7 MB per BGP " +
        "peer (bgpd's 640 KB receive ring); BIRD (src/stacks/bird/memory.ts) 2.9 MB + 22 KB per session, " +
        "and in labs with Gao–Rexford relationships 0.35 KB per route the router will receive (customer " +
        "cones from customers and peers, the whole table from providers and iBGP: " +
        "src/intents/bgp/routes-estimate.ts; the 0.35 KB was fitted on the internet of this report, so its " +
        "internet rows are in-sample). Against the RSS measured in this run, by group of alike routers and " +
        "per lab (sums):",
      "",
      table(
        [
          "lab",
          "stack",
          "BGP sessions",
          "routers",
          "estimate per router",
          "measured RSS (median)",
          "estimate ÷ measured",
        ],
        [
          ...acc.groups.map((g) => [
            g.lab,
            g.stack.toUpperCase(),
            String(g.sessions),
            String(g.routers),
            `${g.estimateMb.toFixed(1)} MB`,
            mb(g.rssMedKb),
            `${x(g.ratio)}${within30(g.ratio) ? "" : " (**off by more than 30%**)"}`,
          ]),
          ...acc.labs.map((l) => [
            `**${l.lab}, all routers**`,
            l.stack.toUpperCase(),
            "",
            String(l.routers),
            `${l.estimateMb.toFixed(0)} MB`,
            `${mb(l.rssMedKb)} (sum)`,
            `${x(l.ratio)}${within30(l.ratio) ? "" : " (**off by more than 30%**)"}`,
          ]),
        ],
      ),
      "",
      "RSS counts the shared libraries in every process (PSS splits them); the estimate follows RSS so that " +
        "it errs on the safe side. Bigger tables cost more than these labs' few hundred to 2,000 routes: " +
        "FRR about 1 KB per route in zebra and bgpd, BIRD a few hundred bytes.",
      "",
    );
  }
  return parts;
}

// ---- the plot -------------------------------------------------------------------------------

const COLORS = { wirelab: "#1f77b4", raw: "#2ca02c", mininet: "#d62728" } as const;
const BIRD_COLOR = "#9467bd";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

interface Series {
  name: keyof typeof COLORS;
  points: [number, number][];
}

/** One log-log panel: x nodes, y seconds. */
function panel(title: string, series: Series[], ox: number, oy: number, w: number, h: number): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  if (!xs.length || !ys.length) return "";
  const lx0 = Math.log10(Math.min(...xs));
  const lx1 = Math.log10(Math.max(...xs));
  const ly0 = Math.floor(Math.log10(Math.min(...ys)));
  const ly1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (v: number) => ox + 50 + ((Math.log10(v) - lx0) / (lx1 - lx0 || 1)) * (w - 70);
  const py = (v: number) => oy + h - 30 - ((Math.log10(v) - ly0) / (ly1 - ly0 || 1)) * (h - 60);
  const out: string[] = [
    `<text x="${ox + w / 2}" y="${oy + 16}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let e = ly0; e <= ly1; e++) {
    const v = 10 ** e;
    out.push(
      `<line x1="${ox + 50}" x2="${ox + w - 20}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/>`,
      `<text x="${ox + 45}" y="${py(v) + 4}" text-anchor="end">${v >= 1 ? v : v.toFixed(-e)} s</text>`,
    );
  }
  for (const n of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<text x="${px(n)}" y="${oy + h - 12}" text-anchor="middle">${n}</text>`);
  }
  out.push(`<text x="${ox + w / 2}" y="${oy + h + 2}" text-anchor="middle">nodes</text>`);
  for (const s of series) {
    const pts = s.points.filter((p) => p[1] > 0);
    out.push(
      `<polyline fill="none" stroke="${COLORS[s.name]}" stroke-width="2" points="${pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(" ")}"/>`,
      ...pts.map(
        (p) => `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${COLORS[s.name]}"/>`,
      ),
    );
  }
  return out.join("\n");
}

function bars(
  title: string,
  items: { label: string; ms: number; color: string }[],
  ox: number,
  oy: number,
  w: number,
  h: number,
) {
  const max = Math.max(...items.map((i) => i.ms), 1);
  const bw = (w - 60) / Math.max(items.length, 1);
  const out = [`<text x="${ox + w / 2}" y="${oy + 16}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  items.forEach((it, i) => {
    const bh = (it.ms / max) * (h - 80);
    const x0 = ox + 40 + i * bw + 6;
    const y0 = oy + h - 40 - bh;
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${(bw - 12).toFixed(1)}" height="${bh.toFixed(1)}" fill="${it.color}"/>`,
      `<text x="${(x0 + (bw - 12) / 2).toFixed(1)}" y="${(y0 - 4).toFixed(1)}" text-anchor="middle">${(it.ms / 1000).toFixed(1)} s</text>`,
      `<text x="${(x0 + (bw - 12) / 2).toFixed(1)}" y="${oy + h - 24}" text-anchor="middle">${esc(it.label)}</text>`,
    );
  });
  return out.join("\n");
}

export function reportSvg(r: BenchResults): string {
  const build: Series[] = [
    {
      name: "wirelab",
      points: [
        ...r.topo.map((t): [number, number] => [t.n, median(t.wirelab) / 1000]),
        ...(r.big ? [[r.big.n, r.big.build / 1000] as [number, number]] : []),
      ],
    },
    { name: "raw", points: r.topo.map((t) => [t.n, median(t.raw.map((p) => p.build)) / 1000]) },
    { name: "mininet", points: r.topo.map((t) => [t.n, median(t.mininet.map((p) => p.build)) / 1000]) },
  ];
  const stop: Series[] = [
    {
      name: "wirelab",
      points: [
        ...r.topo.map((t): [number, number] => [t.n, median(t.wirelabStop) / 1000]),
        ...(r.big ? [[r.big.n, r.big.stop / 1000] as [number, number]] : []),
      ],
    },
    { name: "raw", points: r.topo.map((t) => [t.n, median(t.raw.map((p) => p.stop)) / 1000]) },
    { name: "mininet", points: r.topo.map((t) => [t.n, median(t.mininet.map((p) => p.stop)) / 1000]) },
  ];
  const c = r.chain;
  const frr = [
    { label: "wirelab", ms: median(c.wirelab.map((w) => w.reachOwn)), color: COLORS.wirelab },
    { label: "raw", ms: median(c.raw.map((p) => p.build + p.converge)), color: COLORS.raw },
    { label: "Mininet", ms: median(c.mininet.map((p) => p.build + p.converge)), color: COLORS.mininet },
    ...(r.clos ? [{ label: `Clos ${r.clos.routers}`, ms: r.clos.convergedMs, color: COLORS.wirelab }] : []),
    ...(r.bird ? [{ label: "BIRD", ms: median(r.bird.chain.runs.map((w) => w.reachOwn)), color: BIRD_COLOR }] : []),
    ...(r.bird?.clos ? [{ label: "BIRD Clos", ms: r.bird.clos.convergedMs, color: BIRD_COLOR }] : []),
  ].filter((b) => Number.isFinite(b.ms));
  const W = 300;
  const H = 280;
  const legend = (["wirelab", "raw", "mininet"] as const)
    .map(
      (k, i) =>
        `<rect x="${20 + i * 110}" y="${H + 12}" width="12" height="12" fill="${COLORS[k]}"/><text x="${36 + i * 110}" y="${H + 22}">${k === "raw" ? "raw ip -batch" : k === "mininet" ? "Mininet" : "wirelab"}</text>`,
    )
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${3 * W}" height="${H + 36}" viewBox="0 0 ${3 * W} ${H + 36}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${panel("Topology-only build (chain)", build, 0, 0, W, H)}
${panel("Teardown (chain)", stop, W, 0, W, H)}
${bars(`chain of ${c.n} to reachability; Clos converged (FRR, BIRD)`, frr, 2 * W, 0, W, H)}
${legend}
</svg>
`;
}
