import { destroyLab } from "../../core/lifecycle/destroy.js";
import { listLabs, readState } from "../../core/state.js";
import { seconds } from "../output.js";
import { labStateOrName } from "../resolve.js";

export interface DestroyFlags {
  topology?: string;
  lab?: string;
  all?: boolean;
  json?: boolean;
}

/** Containers labelled with the lab's name when it has no state (Docker reachable only). */
async function orphanContainers(name: string) {
  const d = await import("../../runtimes/docker/client.js");
  if (!(await d.dockerAvailable())) return undefined;
  const { removeLabObjects } = await import("../../runtimes/docker/destroy.js");
  const t0 = performance.now();
  const r = await removeLabObjects(name);
  if (r.containers === 0 && r.networks === 0) return undefined;
  return { lab: name, namespaces: 0, processes: 0, containers: r.containers, ms: performance.now() - t0 };
}

export async function destroyCommand(flags: DestroyFlags): Promise<number> {
  const names = flags.all ? await listLabs() : [(await labStateOrName(flags)).name];
  const reports = [];
  for (const name of names) {
    const state = await readState(name);
    if (!state) {
      // Containers a crash left without a state file are still found by the lab's label.
      const orphans = flags.all ? undefined : await orphanContainers(name);
      if (orphans) {
        reports.push(orphans);
        if (!flags.json)
          process.stdout.write(`Removed ${orphans.containers} container(s) of lab '${name}' (no state was left)\n`);
        continue;
      }
      if (!flags.all && !flags.json) process.stderr.write(`no lab named '${name}' is deployed; nothing to do\n`);
      continue;
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
