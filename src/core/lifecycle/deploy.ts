// Deploys a validated lab with the netns runtime: checks first (nothing is created for a
// bad lab), records state, runs the plan phase by phase, waits for BGP on real FRR state.
import { access, chown, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import pLimit from "p-limit";
import { checkFrrConfig, formatConfigError } from "../../stacks/frr/check.js";
import { checkFrrConfigsBatched } from "../../stacks/frr/check-many.js";
import { renderFrrConfig } from "../../stacks/frr/render.js";
import type { Lab } from "../model.js";
import { runOk } from "../../util/exec.js";
import { availableMb, checkFit } from "../limits.js";
import { withLabLock } from "../lock.js";
import { FRR_BIN, nodeDir, OSPF_GR_FILE, stateFile } from "../paths.js";
import { type LabState, readState, writeState } from "../state.js";
import { teardownLab } from "./destroy.js";
import { checkImpairmentSupport } from "../../links/impair.js";
import { ipBatch, listNetns } from "../../util/ip.js";
import { buildPlan, type Plan, type Step } from "../plan.js";
import { type BgpProgress, waitForBgp } from "../../stacks/frr/ready.js";

export type ProgressEvent =
  | { type: "phase"; phase: string; label: string; total: number }
  | { type: "step"; phase: string; done: number; total: number }
  | { type: "phase-done"; phase: string; label: string; ms: number }
  | { type: "bgp"; progress: BgpProgress }
  /** Something the user should know once (e.g. containers get explicit capabilities). */
  | { type: "note"; message: string };

export interface DeployOptions {
  /** Wait for every BGP session to be Established (default true). */
  waitBgp?: boolean;
  /** How long to wait for BGP, in ms (default 60 s). */
  bgpTimeoutMs?: number;
  /** Parallel daemon starts; default the CPU count. */
  concurrency?: number;
  onProgress?: (e: ProgressEvent) => void;
  /** Aborts the deploy (e.g. on Ctrl-C); what was built is rolled back. */
  signal?: AbortSignal;
  /** Keep a half-built lab on failure, for debugging (default: roll back). */
  keepOnFailure?: boolean;
  /** How long to wait for another command on the same lab (default 30 s). */
  lockWaitMs?: number;
  onLockWait?: (holder: { op: string; pid: number }) => void;
}

export interface DeployResult {
  lab: string;
  nodes: number;
  links: number;
  phases: { name: string; ms: number }[];
  bgp?: BgpProgress;
  ms: number;
}

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

/** Renders and checks every frr node's config with FRR's own parser. Throws on the first bad line. */
export async function renderConfigs(lab: Lab): Promise<Map<string, string>> {
  const configs = new Map<string, string>();
  // Configs rendered from intent alone are checked together by one vtysh process
  // (check-many.ts); those with raw config text (and container routers) one by one.
  const batchable = (n: Lab["nodes"][number]) => n.stack?.name === "frr" && n.stack?.config === undefined && !n.runtime.container;
  const intentOnly = lab.nodes.filter(batchable);
  const texts = intentOnly.map((n) => renderFrrConfig(n, { logFile: `${nodeDir(lab.name, n.name)}/frr.log` }));
  const batched = await checkFrrConfigsBatched(texts);
  intentOnly.forEach((n, i) => {
    const errors = batched[i] ?? [];
    if (errors.length) throw new DeployError(errors.map((e) => formatConfigError(n, e, lab.file)).join("\n"));
    configs.set(n.name, texts[i] as string);
  });
  const limit = pLimit(os.availableParallelism());
  await Promise.all(
    lab.nodes
      .filter((n) => n.stack?.name === "frr" && !batchable(n))
      .map((n) =>
        limit(async () => {
          const text = renderFrrConfig(n, { logFile: `${nodeDir(lab.name, n.name)}/frr.log` });
          // A container router's config is checked by the host's FRR when there is one (the
          // container's vtysh checks it again when it is pushed).
          const errors = await checkFrrConfig(text).catch((e: Error) => {
            if (n.runtime.container) return [];
            throw e;
          });
          if (errors.length) {
            throw new DeployError(errors.map((e) => formatConfigError(n, e, lab.file)).join("\n"));
          }
          configs.set(n.name, text);
        }),
      ),
  );
  return configs;
}

async function preflight(lab: Lab): Promise<void> {
  if (process.getuid?.() !== 0) throw new DeployError("wirelab needs root to create namespaces (run with sudo)");
  if (lab.nodes.some((n) => n.stack?.name === "frr" && !n.runtime.container)) {
    try {
      await access(`${FRR_BIN}/zebra`);
    } catch {
      throw new DeployError(`FRR is not installed (${FRR_BIN}/zebra missing): apt-get install frr`);
    }
  }
  const fit = checkFit(lab, await availableMb());
  if (!fit.ok) throw new DeployError(fit.message ?? "lab does not fit");
  await checkImpairmentSupport(lab).catch((e: Error) => {
    throw new DeployError(e.message);
  });
  const existing = await readState(lab.name);
  if (existing) {
    throw new DeployError(
      `lab '${lab.name}' is already deployed (state ${stateFile(lab.name)}, ${existing.phase}); run 'wirelab destroy --lab ${lab.name}' first`,
    );
  }
}

let frrIds: { uid: number; gid: number } | undefined;
async function frrOwner(): Promise<{ uid: number; gid: number }> {
  if (!frrIds) {
    const uid = Number((await runOk("id", ["-u", "frr"])).stdout.trim());
    const gid = Number((await runOk("id", ["-g", "frr"])).stdout.trim());
    frrIds = { uid, gid };
  }
  return frrIds;
}

async function runStep(step: Step): Promise<void> {
  switch (step.type) {
    case "ip":
      return ipBatch(step.lines, { ns: step.ns, uts: step.uts, sysctl: step.sysctl });
    case "exec": {
      const [cmd, ...args] = step.argv;
      if (!cmd) return;
      await runOk(cmd, args, { timeoutMs: 30_000 });
      return;
    }
    case "mkdir":
      await mkdir(step.path, { recursive: true, mode: 0o755 });
      if (step.owner) {
        const o = await frrOwner();
        await chown(step.path, o.uid, o.gid);
      }
      return;
    case "write":
      await writeFile(step.path, step.content, { mode: 0o644 });
      if (step.owner) {
        const o = await frrOwner();
        await chown(step.path, o.uid, o.gid);
      }
      return;
    case "call":
      return step.run();
  }
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DeployError("deploy interrupted");
}

/** Runs the plan's phases in order; each phase's groups in parallel (bounded). */
async function execute(plan: Plan, opts: DeployOptions): Promise<{ name: string; ms: number }[]> {
  const timings: { name: string; ms: number }[] = [];
  const cpus = os.availableParallelism();
  for (const phase of plan.phases) {
    checkAbort(opts.signal);
    if (!phase.groups.length) continue;
    const t0 = performance.now();
    // Daemon starts are mostly CPU, but each also waits (the parent until its daemon is
    // up, zebra on the kernel): two per CPU measured fastest here (2 cores, 50 routers:
    // 4.2 s at 2, 2.5 s at 4, no better at 6). Kernel work mostly waits on the kernel.
    const limit = pLimit(phase.name === "routing" ? (opts.concurrency ?? cpus * 2) : cpus * 4);
    let done = 0;
    const total = phase.groups.length;
    opts.onProgress?.({ type: "phase", phase: phase.name, label: phase.label, total });
    await Promise.all(
      phase.groups.map((group) =>
        limit(async () => {
          for (const step of group) {
            checkAbort(opts.signal);
            await runStep(step);
          }
          done++;
          opts.onProgress?.({ type: "step", phase: phase.name, done, total });
        }),
      ),
    );
    const ms = performance.now() - t0;
    timings.push({ name: phase.name, ms });
    opts.onProgress?.({ type: "phase-done", phase: phase.name, label: phase.label, ms });
  }
  return timings;
}

/** Deploys the lab, holding its lock (a second command on the same lab waits or fails clearly). */
export async function deployLab(lab: Lab, opts: DeployOptions = {}): Promise<DeployResult> {
  return withLabLock(lab.name, { op: "deploy", waitMs: opts.lockWaitMs, onWait: opts.onLockWait }, () =>
    deployLocked(lab, opts),
  );
}

async function deployLocked(lab: Lab, opts: DeployOptions): Promise<DeployResult> {
  const t0 = performance.now();
  await preflight(lab);
  const tc = performance.now();
  const configs = await renderConfigs(lab);
  const configsMs = performance.now() - tc;
  if (configs.size) {
    opts.onProgress?.({
      type: "phase-done",
      phase: "configs",
      label: "FRR configs rendered and checked",
      ms: configsMs,
    });
  }
  // Container nodes (docker runtime): their steps replace the namespace and daemon steps.
  const docker = lab.nodes.some((n) => n.runtime.container) ? await import("../../runtimes/docker/deploy.js") : undefined;
  if (docker) await docker.dockerPreflight(lab);
  const plan = docker
    ? docker.dockerizePlan(lab, buildPlan(lab, configs), configs, {
        signal: opts.signal,
        onNote: (message) => opts.onProgress?.({ type: "note", message }),
      })
    : buildPlan(lab, configs);

  // A namespace of the same name that we did not record is not ours: refuse, touch nothing.
  const taken = new Set(await listNetns());
  const clash = plan.nodes.find((n) => taken.has(n.netns));
  if (clash) {
    throw new DeployError(`node ${clash.name}: network namespace ${clash.netns} already exists and is not this lab's`);
  }

  const now = new Date().toISOString();
  const state: LabState = {
    version: 1,
    name: lab.name,
    runtime: docker ? "docker" : "netns",
    phase: "deploying",
    file: lab.file,
    createdAt: now,
    updatedAt: now,
    pid: process.pid,
    nodes: plan.nodes,
    ospfGrFileOurs: plan.nodes.some((n) => n.daemons.includes("ospfd"))
      ? !(await access(OSPF_GR_FILE).then(
          () => true,
          () => false,
        ))
      : undefined,
    model: lab,
  };
  await writeState(state);

  try {
    const phases = await execute(plan, opts);
    if (configs.size) phases.unshift({ name: "configs", ms: configsMs });
    let bgp: BgpProgress | undefined;
    if (opts.waitBgp !== false) {
      const tb = performance.now();
      bgp = await waitForBgp(lab, {
        timeoutMs: opts.bgpTimeoutMs ?? 60_000,
        signal: opts.signal,
        onProgress: (p) => opts.onProgress?.({ type: "bgp", progress: p }),
      });
      phases.push({ name: "bgp", ms: performance.now() - tb });
    }
    checkAbort(opts.signal);
    state.phase = "running";
    await writeState(state);
    return { lab: lab.name, nodes: lab.nodes.length, links: lab.links.length, phases, bgp, ms: performance.now() - t0 };
  } catch (e) {
    if (opts.keepOnFailure) {
      state.phase = "failed";
      await writeState(state).catch(() => {});
    } else {
      await teardownLab(state).catch(() => {});
    }
    throw e;
  }
}
