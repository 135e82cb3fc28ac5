// Deploys a validated lab: checks first (nothing is created for a bad lab), records state,
// runs the plan phase by phase, waits for every protocol on real state. On failure or
// Ctrl-C/SIGTERM (`signal`) it rolls back with the teardown unless keepOnFailure.

import { checkImpairmentSupport } from "../../links/impair.js";
import { nodeHandle, runtimeOf } from "../../runtimes/index.js";
import { stackOf } from "../../stacks/index.js";
import {
  type PreparedConfig,
  type PrepareOptions,
  type ReadyProgress,
  type RoutingStack,
  StackError,
} from "../../stacks/stack.js";
import { listNetns } from "../../util/ip.js";
import { ConfigError, checkAbort, DeployError, executePlan, type ProgressEvent } from "../executor.js";
import { availableMb, checkFit } from "../limits.js";
import { withLabLock } from "../lock.js";
import type { Lab, NodeModel } from "../model.js";
import { stateFile } from "../paths.js";
import { waitForProtocols } from "../ready.js";
import { type LabState, readState, writeState } from "../state.js";
import { teardownLab } from "./destroy.js";
import { buildLabPlan, nodesByRuntime } from "./plan.js";

export { DeployError, type ProgressEvent };

export interface DeployOptions {
  /** Refuse what is otherwise a warning (FRR: navigation-only config lines). */
  strict?: boolean;
  /** Wait for every protocol to converge (default true). */
  wait?: boolean;
  /** How long to wait for convergence, in ms (default 60 s). */
  timeoutMs?: number;
  /** Parallel daemon starts; default twice the CPU count. */
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

/** BGP convergence as deploy has always reported it (`bgp` in `deploy --json`). */
export interface BgpProgress {
  established: number;
  total: number;
  synced: number;
  answering: number;
  routers: number;
  done: boolean;
  timedOut: boolean;
  ms: number;
  down: string[];
}

export interface DeployResult {
  lab: string;
  nodes: number;
  links: number;
  phases: { name: string; ms: number }[];
  /** Every protocol's convergence. */
  ready: ReadyProgress[];
  bgp?: BgpProgress;
  ms: number;
}

function stacksOf(nodes: NodeModel[]): Map<RoutingStack, NodeModel[]> {
  const by = new Map<RoutingStack, NodeModel[]>();
  for (const n of nodes) {
    const s = stackOf(n);
    if (s) by.set(s, [...(by.get(s) ?? []), n]);
  }
  return by;
}

/** Renders and checks every routing node's config with its stack's own parser. */
export async function prepareConfigs(lab: Lab, opts: PrepareOptions = {}): Promise<Map<string, PreparedConfig>> {
  const configs = new Map<string, PreparedConfig>();
  for (const [stack, nodes] of stacksOf(lab.nodes)) {
    const handles = nodes.map((n) => nodeHandle(lab.name, n));
    try {
      await stack.preflight?.(lab, nodes, handles);
      for (const [name, c] of await stack.prepare(lab, nodes, handles, opts)) configs.set(name, c);
    } catch (e) {
      // A stack's refusal: a bad line the user wrote is an input error (exit code 2, like
      // every other), software missing is deploy's.
      if (e instanceof StackError) throw e.input ? new ConfigError(e.message) : new DeployError(e.message);
      throw e;
    }
  }
  return configs;
}

async function preflight(lab: Lab): Promise<void> {
  if (process.getuid?.() !== 0) throw new DeployError("wirelab needs root to create namespaces (run with sudo)");
  // Nodes of a remote runtime (a cluster's pods) use the cluster's memory, not this host's.
  const fit = checkFit({ ...lab, nodes: lab.nodes.filter((n) => !runtimeOf(n).remote) }, await availableMb());
  if (!fit.ok) throw new DeployError(fit.message ?? "lab does not fit");
  await checkImpairmentSupport(lab).catch((e: Error) => {
    throw new DeployError(e.message);
  });
  const existing = await readState(lab.name);
  if (existing?.file && lab.file && existing.file !== lab.file) {
    throw new DeployError(
      `lab '${lab.name}' is already deployed from another file, ${existing.file} (this one is ${lab.file}); give this deploy another name with --lab NAME, or destroy that lab first`,
    );
  }
  if (existing) {
    throw new DeployError(
      `lab '${lab.name}' is already deployed (state ${stateFile(lab.name)}, ${existing.phase}); change it in place with 'wirelab deploy --reconfigure -t FILE' (or 'wirelab apply -t FILE'), or run 'wirelab destroy --lab ${lab.name}' first`,
    );
  }
}

function bgpSummary(ready: ReadyProgress[]): BgpProgress | undefined {
  const bgp = ready.filter((r) => r.protocol === "bgp");
  if (!bgp.length) return undefined;
  const sum = (k: string) => bgp.reduce((s, r) => s + (r.detail?.[k] ?? 0), 0);
  return {
    established: sum("established"),
    total: sum("total"),
    synced: sum("synced"),
    answering: sum("answering"),
    routers: sum("routers"),
    done: bgp.every((r) => r.done),
    timedOut: bgp.some((r) => r.timedOut),
    ms: Math.max(...bgp.map((r) => r.ms)),
    down: bgp.flatMap((r) => r.down),
  };
}

/** Lets each stack record what its running nodes will leave behind (RoutingStack.afterStart). */
export async function rememberStarted(lab: Lab, state: LabState, nodes: NodeModel[]): Promise<void> {
  let changed = false;
  for (const [stack, mine] of stacksOf(nodes)) {
    if (!stack.afterStart) continue;
    const saved = await stack.afterStart(
      mine.map((n) => nodeHandle(lab.name, n)),
      state.stacks?.[stack.name],
    );
    if (saved === undefined) continue;
    state.stacks ??= {};
    state.stacks[stack.name] = saved;
    changed = true;
  }
  if (changed) await writeState(state);
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
  const configs = await prepareConfigs(lab, { strict: opts.strict });
  const configsMs = performance.now() - tc;
  // What the stacks want said (a pasted hostname that differs, a skipped line), once each.
  for (const c of configs.values()) for (const w of c.warnings) opts.onProgress?.({ type: "note", message: w });
  const stackNames = [...stacksOf(lab.nodes).keys()].map((s) => s.name.toUpperCase()).join(", ");
  if (configs.size) {
    opts.onProgress?.({
      type: "phase-done",
      phase: "configs",
      label: `${stackNames} configs rendered and checked`,
      ms: configsMs,
    });
  }
  const ctx = { signal: opts.signal, onNote: (message: string) => opts.onProgress?.({ type: "note", message }) };
  for (const [rt, nodes] of nodesByRuntime(lab)) {
    await rt.preflight(lab, nodes, ctx).catch((e: Error) => {
      throw e instanceof DeployError ? e : new DeployError(e.message);
    });
  }
  const plan = buildLabPlan(lab, configs, ctx);

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
    runtime: plan.runtime ?? "netns",
    phase: "deploying",
    file: lab.file,
    createdAt: now,
    updatedAt: now,
    pid: process.pid,
    nodes: plan.nodes,
    model: lab,
  };
  // Lab-wide facts a stack needs again at destroy (FRR: whether a shared file is ours).
  for (const [stack, nodes] of stacksOf(lab.nodes)) {
    const saved = await stack.beforeDeploy?.(nodes);
    if (saved === undefined) continue;
    state.stacks ??= {};
    state.stacks[stack.name] = saved;
  }
  await writeState(state);

  try {
    const phases = await executePlan(plan, opts);
    await rememberStarted(lab, state, lab.nodes);
    if (configs.size) phases.unshift({ name: "configs", ms: configsMs });
    let ready: ReadyProgress[] = [];
    if (opts.wait !== false) {
      const tr = performance.now();
      ready = await waitForProtocols(lab, {
        timeoutMs: opts.timeoutMs ?? 60_000,
        signal: opts.signal,
        onProgress: (p) => opts.onProgress?.({ type: "ready", progress: p }),
      });
      for (const r of ready) phases.push({ name: r.protocol, ms: r.ms });
      if (!ready.length) phases.push({ name: "ready", ms: performance.now() - tr });
    }
    checkAbort(opts.signal);
    state.phase = "running";
    await writeState(state);
    const result: DeployResult = {
      lab: lab.name,
      nodes: lab.nodes.length,
      links: lab.links.length,
      phases,
      ready,
      ms: performance.now() - t0,
    };
    const bgp = bgpSummary(ready);
    if (bgp) result.bgp = bgp;
    return result;
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
