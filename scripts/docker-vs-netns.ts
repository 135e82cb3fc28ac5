// Deploy time of the seed lab on both runtimes, measured in one run: the same three-router
// eBGP network (examples/seed-ebgp.yml and examples/seed-ebgp-docker.yml), deployed and
// destroyed ROUNDS times each, alternating, through the CLI as a user runs it. Deploy time
// includes waiting for BGP to converge. Needs root, FRR, a Docker daemon and the test images
// (scripts/docker-setup.sh).
//
//   node --import tsx scripts/docker-vs-netns.ts [ROUNDS]      (default 5)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../src/util/exec.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.argv[2] ?? 5);

interface Sample {
  wall: number;
  deploy: number;
  phases: Record<string, number>;
  destroy: number;
}

async function wirelab(args: string[]) {
  const t0 = performance.now();
  const r = await run(process.execPath, [path.join(ROOT, "bin/wirelab.js"), ...args]);
  if (r.code !== 0) throw new Error(`wirelab ${args.join(" ")} failed (exit ${r.code}): ${r.stderr}`);
  return { ...r, ms: performance.now() - t0 };
}

async function once(file: string, lab: string): Promise<Sample> {
  const d = await wirelab(["deploy", "-t", path.join(ROOT, "examples", file), "--lab", lab, "--json"]);
  const res = JSON.parse(d.stdout) as { ms: number; phases: { name: string; ms: number }[] };
  const x = await wirelab(["destroy", "--lab", lab]);
  return {
    wall: d.ms,
    deploy: res.ms,
    phases: Object.fromEntries(res.phases.map((p) => [p.name, p.ms])),
    destroy: x.ms,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const runs: Record<string, Sample[]> = { netns: [], docker: [] };
  for (const lab of ["d4benchn", "d4benchd"])
    await run(process.execPath, [path.join(ROOT, "bin/wirelab.js"), "destroy", "--lab", lab]);
  for (let i = 0; i < ROUNDS; i++) {
    runs.netns?.push(await once("seed-ebgp.yml", "d4benchn"));
    runs.docker?.push(await once("seed-ebgp-docker.yml", "d4benchd"));
    process.stderr.write(`round ${i + 1}/${ROUNDS} done\n`);
  }
  const phaseNames = [...new Set(Object.values(runs).flatMap((s) => s.flatMap((x) => Object.keys(x.phases))))];
  const rows: string[][] = [["runtime", "deploy (CLI wall)", "deploy (internal)", ...phaseNames, "destroy (CLI wall)"]];
  for (const [name, samples] of Object.entries(runs)) {
    rows.push([
      name,
      fmt(median(samples.map((s) => s.wall))),
      fmt(median(samples.map((s) => s.deploy))),
      ...phaseNames.map((p) => {
        const v = samples.map((s) => s.phases[p]).filter((x): x is number => x !== undefined);
        return v.length ? fmt(median(v)) : "-";
      }),
      fmt(median(samples.map((s) => s.destroy))),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  process.stdout.write(
    `Seed lab (3 FRR routers, 2 links), median of ${ROUNDS} rounds each, deploy includes BGP convergence\n`,
  );
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
