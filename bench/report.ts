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

export interface BenchResults {
  quick: boolean;
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
  clos?: {
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
  };
  chainMemory: NodeMemory[];
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
      `Times are medians of ${r.reps} repetition${r.reps === 1 ? "" : "s"}, the tools taking turns.`,
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

  const profiles: { what: string; phases: Phase[] }[] = [];
  const t100 = r.topo.find((t) => t.n === 100) ?? r.topo.at(-1);
  if (t100?.phases) profiles.push({ what: `${t100.n} Linux nodes`, phases: t100.phases });
  if (r.big) profiles.push({ what: `${r.big.n} Linux nodes`, phases: r.big.phases });
  const lastChain = c.wirelab.at(-1);
  if (lastChain) profiles.push({ what: `FRR chain of ${c.n}`, phases: lastChain.phases });
  if (r.clos) profiles.push({ what: `Clos of ${r.clos.routers}`, phases: r.clos.phases });
  parts.push(
    "## Where the time goes",
    "",
    "Phases of `wirelab deploy` (its `--json` output; the last repetition of each). **configs**: every " +
      "frr.conf rendered and checked with FRR's parser (one `vtysh -C` for all configs written from intent). " +
      "**namespaces**, **cables**: one `ip -batch` each for the whole lab. **hostnames**: the node " +
      "directories (files only). **interfaces**: one process per node, four per CPU at a time, making its " +
      "UTS namespace and running its `ip -batch` and sysctls; its cost is the kernel's and the process " +
      "starts', a few ms per node, the same work the raw floor does. **routing**: the FRR daemons, two per " +
      "CPU at a time, from the edge of the topology to its center, each reading its own config; FRR's own " +
      "start-up costs about 35 ms (zebra) and 42 ms (bgpd) of CPU here, while the routers already up are " +
      "exchanging and installing routes (in the Clos, 100 zebras installing about 480 routes each). " +
      "**bgp**: after the last daemon started, until every session is Established with its End-of-RIB and " +
      "the counts, zebra's included, are stable: FRR's 1 s start timer (shortened to about 0.7 s by the " +
      "1 s connect retry of the routers already up) plus about 50 ms of route processing per hop.",
    "",
    phaseTable(profiles),
    "",
    "## Reproducing",
    "",
    "```sh",
    "sudo ./scripts/setup.sh     # FRR, iproute2, npm packages",
    "sudo npm run bench          # installs Debian's mininet and bc when missing (bench/setup.sh)",
    "sudo npm run bench -- --quick",
    "```",
    "",
    "The benchmark is not part of `npm test`. Every lab it builds is named `b6b…` and removed; the peers " +
      "clean up after themselves; at the end the run checks that no namespace, FRR daemon, run directory " +
      "or Mininet link is left and fails if one is.",
    "",
  );
  return parts.join("\n");
}

// ---- the plot -------------------------------------------------------------------------------

const COLORS = { wirelab: "#1f77b4", raw: "#2ca02c", mininet: "#d62728" } as const;

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
${bars(`FRR: chain of ${c.n} to reachability; Clos converged`, frr, 2 * W, 0, W, H)}
${legend}
</svg>
`;
}
