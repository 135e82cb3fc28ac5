// `wirelab deploy --reconfigure -t FILE` and its alias `wirelab apply -t FILE`: change a
// running lab to what its file now says. The plan (one line per change) comes first; with
// --dry-run, the commands instead, and nothing changes.
import { dryRunReconfigure, reconfigureLab } from "../../core/lifecycle/reconfigure.js";
import { renderPlan } from "../../core/plan.js";
import { progressPrinter, seconds } from "../output.js";
import { loadLab, UsageError } from "../resolve.js";
import type { DeployFlags } from "./deploy.js";
import { renderReport, verifyDeployed } from "./verify.js";

export async function reconfigureCommand(flags: DeployFlags): Promise<number> {
  for (const [set, name] of [
    [flags.output !== undefined, "--output"],
    [flags.context !== undefined, "--context"],
    [flags.namespace !== undefined, "--namespace"],
    [flags.keepOnFailure, "--keep-on-failure"],
  ] as const) {
    if (set) throw new UsageError(`${name} is for a new deploy, not for --reconfigure`);
  }
  const lab = await loadLab(flags);
  if (flags.dryRun) {
    const rp = await dryRunReconfigure(lab, { strict: flags.strict });
    if (rp.unchanged) {
      process.stdout.write(`# lab '${lab.name}': nothing differs from the running lab\n`);
      return 0;
    }
    process.stdout.write(`${rp.changes.map((c) => `# ${c}`).join("\n")}\n${renderPlan(rp.plan)}`);
    return 0;
  }
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`\n${sig}: stopping reconfigure (the lab state records every node old and new)…\n`);
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await reconfigureLab(lab, {
      wait: flags.wait !== false,
      timeoutMs: flags.timeout ? Number(flags.timeout) * 1000 : undefined,
      strict: flags.strict,
      signal: abort.signal,
      onProgress: progressPrinter(Boolean(flags.json)),
      onPlan: (changes) => {
        if (flags.json || !changes.length) return;
        process.stderr.write(`Reconfiguring lab '${lab.name}':\n${changes.map((c) => `  ${c}\n`).join("")}`);
      },
      onLockWait: (h) => process.stderr.write(`  waiting: lab '${lab.name}' is busy (${h.op} by pid ${h.pid})…\n`),
    });
    const verifiedJson = flags.verify && flags.json ? await verifyDeployed(lab, true) : undefined;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(verifiedJson ? { ...result, verify: verifiedJson } : result, null, 2)}\n`);
    } else if (result.unchanged) {
      process.stdout.write(
        `Lab '${lab.name}': nothing differs from the running lab${result.changes.length ? " (recorded the new checks)" : ""}.\n`,
      );
    } else {
      for (const r of result.ready.filter((x) => x.timedOut)) {
        process.stdout.write(`${r.summary} (gave up after ${seconds(r.ms)}; down: ${r.down.join(", ")})\n`);
      }
      process.stdout.write(
        `Lab '${lab.name}' reconfigured: ${result.changes.length} change${result.changes.length === 1 ? "" : "s"} in ${seconds(result.ms)}.\n`,
      );
    }
    const verified = flags.verify && !flags.json ? await verifyDeployed(lab, false) : undefined;
    if (verified) process.stdout.write(renderReport(verified));
    if (result.ready.some((r) => r.timedOut)) return 3;
    return (verifiedJson ?? verified)?.pass === false ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
