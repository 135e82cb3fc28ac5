import path from "node:path";
import { destroyLab } from "../../core/lifecycle/destroy.js";
import { listLabs, readState } from "../../core/state.js";
import { seconds } from "../output.js";
import { labStateOrName, UsageError } from "../resolve.js";

export interface DestroyFlags {
  topology?: string;
  lab?: string;
  all?: boolean;
  json?: boolean;
  /** Destroy even when the lab was deployed from another file than -t names. */
  force?: boolean;
}

/** Objects a runtime still holds for a lab without state (containers, by the lab's label). */
async function orphans(name: string) {
  const { RUNTIMES } = await import("../../runtimes/index.js");
  const t0 = performance.now();
  let containers = 0;
  for (const rt of Object.values(RUNTIMES)) containers += (await rt.orphans?.(name))?.containers ?? 0;
  if (containers === 0) return undefined;
  return { lab: name, namespaces: 0, processes: 0, containers, ms: performance.now() - t0 };
}

export async function destroyCommand(flags: DestroyFlags): Promise<number> {
  const names = flags.all ? await listLabs() : [(await labStateOrName(flags)).name];
  const reports = [];
  for (const name of names) {
    const state = await readState(name);
    if (!state) {
      // Containers a crash left without a state file are still found by the lab's label.
      const left = flags.all ? undefined : await orphans(name);
      if (left) {
        reports.push(left);
        if (!flags.json)
          process.stdout.write(`Removed ${left.containers} container(s) of lab '${name}' (no state was left)\n`);
        continue;
      }
      if (!flags.all && !flags.json) process.stderr.write(`no lab named '${name}' is deployed; nothing to do\n`);
      continue;
    }
    // -t FILE names a file: a lab of the same name deployed from another file is someone
    // else's (a shared machine, a demo): refuse rather than remove it.
    if (flags.topology && !flags.force && state.file && state.file !== path.resolve(flags.topology)) {
      throw new UsageError(
        `lab '${name}' was deployed from ${state.file}, not from ${path.resolve(flags.topology)}; not destroying it (use --lab ${name} --force if it is yours)`,
      );
    }
    const r = await destroyLab(state, {
      onWait: (op) => process.stderr.write(`  waiting: lab '${name}' is busy (${op})…\n`),
    });
    reports.push(r);
    if (!flags.json) {
      process.stdout.write(
        `Destroyed lab '${r.lab}': ${r.namespaces} namespaces, ${r.containers !== undefined ? `${r.containers} containers, ` : ""}${r.processes} processes ended in ${seconds(r.ms)}\n`,
      );
      if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else if (flags.all && reports.length === 0) process.stdout.write("No labs deployed.\n");
  return 0;
}
