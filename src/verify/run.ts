// The check runner: every check of a suite starts at once and looks again and again until
// it passes or its timeout runs out (a lab converges; a fixed wait would be a guess). The
// time a check took to pass is the time from the start of the suite: after a fault, the
// network's convergence time as that check sees it.
import os from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import pLimit from "p-limit";
import type { CheckModel, Lab, ScenarioModel } from "../core/model.js";
import type { LabState } from "../core/state.js";
import { applyFault, type FaultRecord, revertFault } from "./faults.js";
import { probe } from "./probe.js";

export interface CheckResult {
  name: string;
  type: string;
  pass: boolean;
  /** Time to pass (or time spent until the timeout), from the start of the suite. */
  ms: number;
  timeoutMs: number;
  attempts: number;
  expected: string;
  /** What the last look saw. */
  seen: string;
  file?: string;
  line?: number;
}

export interface SuiteResult {
  name: string;
  pass: boolean;
  ms: number;
  checks: CheckResult[];
  /** Suites after a failed baseline are not run. */
  skipped?: boolean;
}

export interface VerifyReport {
  lab: string;
  scenario?: string;
  pass: boolean;
  ms: number;
  startedAt: string;
  suites: SuiteResult[];
  faults?: FaultRecord[];
}

export type VerifyProgress =
  | { type: "suite"; suite: string; total: number }
  | { type: "check"; suite: string; result: CheckResult; done: number; total: number }
  | { type: "fault"; fault: FaultRecord; phase: "apply" | "revert" };

export interface RunOptions {
  /** Look again after this long (default 200 ms). */
  intervalMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: VerifyProgress) => void;
}

const POLL_MS = 200;

/** Runs one suite of checks in parallel, each until it passes or times out. */
export async function runSuite(
  lab: Lab,
  name: string,
  checks: CheckModel[],
  opts: RunOptions = {},
): Promise<SuiteResult> {
  const t0 = performance.now();
  // Bounded so that a big suite does not start hundreds of vtysh and ping processes at once.
  const limit = pLimit(Math.max(4, os.availableParallelism() * 4));
  let done = 0;
  opts.onProgress?.({ type: "suite", suite: name, total: checks.length });
  const results = await Promise.all(
    checks.map(async (check) => {
      const deadline = t0 + check.timeoutMs;
      let attempts = 0;
      for (;;) {
        attempts++;
        const seen = await limit(() =>
          probe(lab, check.spec).catch((e: Error) => ({ pass: false, expected: "", seen: e.message })),
        );
        const now = performance.now();
        if (seen.pass || now >= deadline || opts.signal?.aborted) {
          const result: CheckResult = {
            name: check.name,
            type: check.spec.type,
            pass: seen.pass,
            ms: Math.round(now - t0),
            timeoutMs: check.timeoutMs,
            attempts,
            expected: seen.expected,
            seen: opts.signal?.aborted && !seen.pass ? `interrupted; last seen: ${seen.seen}` : seen.seen,
          };
          if (check.pos) {
            result.file = check.pos.file;
            result.line = check.pos.line;
          }
          done++;
          opts.onProgress?.({ type: "check", suite: name, result, done, total: checks.length });
          return result;
        }
        await delay(Math.min(opts.intervalMs ?? POLL_MS, Math.max(0, deadline - now)));
      }
    }),
  );
  return { name, pass: results.every((r) => r.pass), ms: Math.round(performance.now() - t0), checks: results };
}

export interface VerifyOptions extends RunOptions {
  /** The checks to run; default the recorded model's. */
  checks?: CheckModel[];
  /** Break the lab as this scenario says, check, repair, check again. */
  scenario?: ScenarioModel;
}

/**
 * Verifies a deployed lab. Without a scenario: one suite, the lab's checks. With one: the
 * lab's checks (baseline), then the faults, the scenario's checks, the faults undone (in
 * reverse order, always), and the lab's checks again.
 */
export async function verifyLab(state: LabState, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const lab = { ...state.model, name: state.name };
  const checks = opts.checks ?? lab.checks ?? [];
  const report: VerifyReport = { lab: state.name, pass: false, ms: 0, startedAt, suites: [] };
  const finish = () => {
    report.pass = report.suites.every((s) => s.pass);
    report.ms = Math.round(performance.now() - t0);
    return report;
  };
  const sc = opts.scenario;
  if (!sc) {
    report.suites.push(await runSuite(lab, "checks", checks, opts));
    return finish();
  }
  report.scenario = sc.name;
  report.faults = [];
  const baseline = await runSuite(lab, "baseline", checks, opts);
  report.suites.push(baseline);
  const skip = (name: string, list: CheckModel[]): SuiteResult => ({
    name,
    pass: false,
    ms: 0,
    skipped: true,
    checks: list.map((c) => ({
      name: c.name,
      type: c.spec.type,
      pass: false,
      ms: 0,
      timeoutMs: c.timeoutMs,
      attempts: 0,
      expected: "",
      seen: "not run: the baseline checks failed, so the lab was not broken on purpose",
    })),
  });
  if (!baseline.pass) {
    report.suites.push(skip(sc.name, sc.checks), skip(`${sc.name} restored`, checks));
    return finish();
  }
  const applied: FaultRecord[] = [];
  try {
    for (const f of sc.faults) {
      const rec = await applyFault(state, f);
      applied.push(rec);
      report.faults.push(rec);
      opts.onProgress?.({ type: "fault", fault: rec, phase: "apply" });
    }
    report.suites.push(await runSuite(lab, sc.name, sc.checks, opts));
  } finally {
    for (const rec of [...applied].reverse()) {
      await revertFault(state, rec);
      opts.onProgress?.({ type: "fault", fault: rec, phase: "revert" });
    }
  }
  report.suites.push(await runSuite(lab, `${sc.name} restored`, checks, opts));
  return finish();
}
