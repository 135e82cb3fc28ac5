import { writeFile } from "node:fs/promises";
import type { CheckModel, Lab, ScenarioModel } from "../../core/model.js";
import type { LabState } from "../../core/state.js";
import { toJUnit } from "../../verify/junit.js";
import { type SuiteResult, type VerifyProgress, type VerifyReport, verifyLab } from "../../verify/run.js";
import { seconds, table } from "../output.js";
import { labState, loadLab, UsageError } from "../resolve.js";

export interface VerifyFlags {
  topology?: string;
  lab?: string;
  scenario?: string;
  json?: boolean;
  junit?: string;
}

/** A scenario's fault as progress: applied as asked is no failure (no ✗), undone is done. */
export function faultLine(phase: "apply" | "revert", description: string): string {
  return phase === "apply" ? `→ fault applied: ${description}` : `✓ fault undone: ${description}`;
}

/** Live progress on stderr: one line per fault, a counter per suite on a terminal. */
export function verifyProgress(quiet: boolean): (p: VerifyProgress) => void {
  const tty = process.stderr.isTTY;
  const write = (s: string) => {
    if (!quiet) process.stderr.write(s);
  };
  return (p) => {
    if (p.type === "fault") {
      write(`${tty ? "\r\x1b[K" : ""}  ${faultLine(p.phase, p.fault.description)}\n`);
    } else if (p.type === "suite" && tty) {
      write(`\r\x1b[K  ${p.suite}: 0/${p.total} checks done`);
    } else if (p.type === "check" && tty) {
      write(`\r\x1b[K  ${p.suite}: ${p.done}/${p.total} checks done`);
      if (p.done === p.total) write("\r\x1b[K");
    }
  };
}

function renderSuite(s: SuiteResult, heading: boolean): string {
  const rows = s.checks.map((c) => [
    s.skipped ? "-" : c.pass ? "✓" : "✗",
    c.name,
    s.skipped ? "" : c.pass ? seconds(c.ms) : `${seconds(c.ms)} (timeout)`,
    c.pass || s.skipped ? c.seen : `expected: ${c.expected}\nseen: ${c.seen}`,
  ]);
  const title = heading ? `${s.name}${s.skipped ? " (not run)" : ""}:\n` : "";
  return `${title}${table(["", "check", "time", "result"], rows)}`;
}

export function renderReport(r: VerifyReport): string {
  const out: string[] = [];
  const scenario = r.scenario !== undefined;
  for (const s of r.suites) {
    if (scenario && s.name === r.scenario && r.faults?.length) {
      out.push(`faults: ${r.faults.map((f) => f.description).join(", ")}`);
    }
    out.push(renderSuite(s, scenario));
  }
  const all = r.suites.filter((s) => !s.skipped).flatMap((s) => s.checks);
  const failed = all.filter((c) => !c.pass).length;
  out.push(
    failed
      ? `${failed} of ${all.length} checks failed (lab '${r.lab}', ${seconds(r.ms)})`
      : `All ${all.length} checks passed (lab '${r.lab}', ${seconds(r.ms)})`,
  );
  return `${out.join("\n")}\n`;
}

/** The checks and scenarios to run: from the file when given (edits need no redeploy), else as deployed. */
async function checksFor(
  flags: VerifyFlags,
): Promise<{ state: LabState; checks: CheckModel[]; scenarios: ScenarioModel[] }> {
  if (flags.topology) {
    const lab = await loadLab(flags);
    const state = await labState({ lab: lab.name });
    return { state, checks: lab.checks ?? [], scenarios: lab.scenarios ?? [] };
  }
  const state = await labState(flags);
  return { state, checks: state.model.checks ?? [], scenarios: state.model.scenarios ?? [] };
}

/** Prints (or writes) a report; returns the exit code. */
export async function reportVerify(report: VerifyReport, flags: { json?: boolean; junit?: string }): Promise<number> {
  if (flags.junit) await writeFile(flags.junit, toJUnit(report));
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(renderReport(report));
  return report.pass ? 0 : 1;
}

export async function verifyCommand(flags: VerifyFlags): Promise<number> {
  const { state, checks, scenarios } = await checksFor(flags);
  let scenario: ScenarioModel | undefined;
  if (flags.scenario !== undefined) {
    scenario = scenarios.find((s) => s.name === flags.scenario);
    if (!scenario) {
      throw new UsageError(
        `lab '${state.name}' has no scenario '${flags.scenario}'${scenarios.length ? ` (scenarios: ${scenarios.map((s) => s.name).join(", ")})` : " (add scenarios: to the topology file)"}`,
      );
    }
  } else if (!checks.length) {
    throw new UsageError(`lab '${state.name}' has no checks: add a checks: section to its topology file`);
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const report = await verifyLab(state, {
      checks,
      scenario,
      signal: abort.signal,
      onProgress: verifyProgress(Boolean(flags.json)),
    });
    return reportVerify(report, flags);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** `deploy --verify`: the lab's checks against the lab just deployed; undefined when it has none. */
export async function verifyDeployed(lab: Lab, quiet: boolean): Promise<VerifyReport | undefined> {
  if (!lab.checks?.length) {
    if (!quiet) process.stderr.write(`lab '${lab.name}' has no checks to verify (add a checks: section)\n`);
    return undefined;
  }
  const state = await labState({ lab: lab.name });
  if (!quiet) process.stderr.write(`Verifying ${lab.checks.length} checks\n`);
  return verifyLab(state, { checks: lab.checks, onProgress: verifyProgress(quiet) });
}
