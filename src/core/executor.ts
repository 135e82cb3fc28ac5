// Runs a plan: phases in order, each phase's groups in parallel (bounded), the steps of a
// group in order. wirelab runs as root, so files are made the safe way (util/safe-fs.ts):
// root-owned, private by default, never through a link, only below wirelab's own run
// directory or FRR's; a directory a stack's user must write is made fresh and handed over
// by its handle, never chowned by path.
import os from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import type { ReadyProgress } from "../stacks/stack.js";
import { runOk } from "../util/exec.js";
import { ipBatch } from "../util/ip.js";
import { chownDirHandle, ensureDirChain, mkdirFresh, UnsafePathError, writeFileNoFollow } from "../util/safe-fs.js";
import { FRR_RUN, RUN_ROOT } from "./paths.js";
import type { Plan, Step } from "./plan.js";

export type ProgressEvent =
  | { type: "phase"; phase: string; label: string; total: number }
  | { type: "step"; phase: string; done: number; total: number }
  | { type: "phase-done"; phase: string; label: string; ms: number }
  /** A protocol's convergence (one line per protocol). */
  | { type: "ready"; progress: ReadyProgress }
  /** Something the user should know once (e.g. containers get explicit capabilities). */
  | { type: "note"; message: string };

export interface ExecuteOptions {
  /** Parallel daemon starts; default twice the CPU count. */
  concurrency?: number;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** A line of the user's own configuration is wrong: an input error like a topology error (exit 2). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

const ids = new Map<string, { uid: number; gid: number }>();
export async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  let o = ids.get(user);
  if (!o) {
    const uid = Number((await runOk("id", ["-u", user])).stdout.trim());
    const gid = Number((await runOk("id", ["-g", user])).stdout.trim());
    o = { uid, gid };
    ids.set(user, o);
  }
  return o;
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
    case "mkdir": {
      if (step.owner) {
        // Fresh, in a parent the owner may control (FRR's run directory): see mkdirFresh.
        return mkdirFresh(within(step.path), step.mode ?? 0o755, await userIds(step.owner));
      }
      const rel = path.relative(RUN_ROOT, within(step.path, [RUN_ROOT]));
      await ensureDirChain(RUN_ROOT, rel.split(path.sep), step.mode ?? 0o750);
      if (step.group) {
        const { gid } = await userIds(step.group);
        await chownDirNoFollow(step.path, gid);
      }
      return;
    }
    case "write": {
      const gid = step.group ? (await userIds(step.group)).gid : undefined;
      // O_EXCL: every file of a lab is new; one already there was planted, not ours.
      return writeFileNoFollow(within(step.path, [RUN_ROOT]), step.content, {
        mode: step.mode ?? (step.group ? 0o640 : 0o600),
        uid: 0,
        gid,
        exclusive: true,
      });
    }
    case "call":
      return step.run();
  }
}

/** `p` when it lies below one of `roots` (wirelab's run directory, FRR's); anything else is refused. */
function within(p: string, roots: readonly string[] = [RUN_ROOT, FRR_RUN]): string {
  const abs = path.resolve(p);
  if (abs !== p || !roots.some((r) => abs.startsWith(`${r}/`))) {
    throw new UnsafePathError(p, `not below ${roots.join(" or ")}: wirelab writes nowhere else`);
  }
  return abs;
}

async function chownDirNoFollow(p: string, gid: number): Promise<void> {
  await chownDirHandle(p, 0, gid);
}

export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DeployError("deploy interrupted");
}

/** Runs the plan's phases in order; each phase's groups in parallel (bounded). */
export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<{ name: string; ms: number }[]> {
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
    // On the first failure no new step starts, and the groups already running are waited
    // for: the rollback must not run while a daemon is still being started (it would
    // outlive the teardown's look at the lab's processes, in a deleted namespace).
    let failure: unknown;
    const results = await Promise.allSettled(
      phase.groups.map((group) =>
        limit(async () => {
          for (const step of group) {
            if (failure !== undefined) return;
            try {
              checkAbort(opts.signal);
              await runStep(step);
            } catch (e) {
              failure ??= e;
              throw e;
            }
          }
          done++;
          opts.onProgress?.({ type: "step", phase: phase.name, done, total });
        }),
      ),
    );
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure !== undefined) throw failure;
    if (rejected) throw rejected.reason;
    const ms = performance.now() - t0;
    timings.push({ name: phase.name, ms });
    opts.onProgress?.({ type: "phase-done", phase: phase.name, label: phase.label, ms });
  }
  return timings;
}
