// Convergence after a cable cut in the square lab (examples/square-ebgp.yml), measured on
// real FRR: the r1—r2 cable is cut and restored ROUNDS times; each time we poll (every
// 10 ms) r1's kernel route and BGP best path to r2's loopback until they have moved.
//
//   sudo npx tsx scripts/convergence.ts [ROUNDS]     (default 5; lab name v3conv)
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { deployLab } from "../src/core/lifecycle/deploy.js";
import { destroyLab } from "../src/core/lifecycle/destroy.js";
import { readState } from "../src/core/state.js";
import { setLinkUp } from "../src/links/ops.js";
import { bgpRoutes } from "../src/stacks/frr/state.js";
import { loadTopology } from "../src/topology/load.js";
import { ipJson } from "../src/util/ip.js";

const LAB = "v3conv";
const rounds = Number(process.argv[2] ?? 5);
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "../examples/square-ebgp.yml");

async function fibNextHop(): Promise<string | undefined> {
  const r = await ipJson<{ gateway?: string }[]>(["-4", "route", "show", "exact", "10.0.0.2/32"], `wl_${LAB}_r1`);
  return r[0]?.gateway;
}

async function bestPath(): Promise<string | undefined> {
  const t = await bgpRoutes(`wl_${LAB}_r1`).catch(() => ({}) as Record<string, never>);
  return t["10.0.0.2/32"]?.find((p) => p.bestpath)?.aspath;
}

/** ms from t0 until `probe` returns `want` (polling every 10 ms; 60 s at most). */
async function until<T>(t0: number, probe: () => Promise<T>, want: T): Promise<number> {
  while ((await probe()) !== want) {
    if (performance.now() - t0 > 60_000) throw new Error(`no convergence to ${String(want)} in 60 s`);
    await delay(10);
  }
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const lab = { ...(await loadTopology(file)), name: LAB };
await deployLab(lab, { timeoutMs: 60_000 });
const state = await readState(LAB);
if (!state) throw new Error("no state after deploy");
const link = lab.links[0];
if (!link) throw new Error("the square has no first link");
const rows: { fib: number; bgp: number; fibBack: number; bgpBack: number }[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await setLinkUp(state, link, false);
    const [fib, bgp] = await Promise.all([
      until(t0, fibNextHop, "10.14.0.2"),
      until(t0, bestPath, "65004 65003 65002"),
    ]);
    const t1 = performance.now();
    await setLinkUp(state, link, true);
    const [fibBack, bgpBack] = await Promise.all([until(t1, fibNextHop, "10.12.0.2"), until(t1, bestPath, "65002")]);
    rows.push({ fib, bgp, fibBack, bgpBack });
    console.log(
      `round ${i + 1}: cut → FIB ${fib.toFixed(0)} ms, BGP best ${bgp.toFixed(0)} ms; restore → FIB ${fibBack.toFixed(0)} ms, BGP best ${bgpBack.toFixed(0)} ms`,
    );
  }
} finally {
  await destroyLab(state);
}
const col = (k: keyof (typeof rows)[number]) => rows.map((r) => r[k]);
console.log(
  `median of ${rows.length}: cut → FIB ${median(col("fib")).toFixed(0)} ms, BGP ${median(col("bgp")).toFixed(0)} ms; restore → FIB ${median(col("fibBack")).toFixed(0)} ms, BGP ${median(col("bgpBack")).toFixed(0)} ms`,
);
