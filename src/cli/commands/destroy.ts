import { destroyLab } from "../../runtime/netns/destroy.js";
import { listLabs, readState } from "../../runtime/state.js";
import { seconds } from "../output.js";
import { labStateOrName } from "../resolve.js";

export interface DestroyFlags {
  topology?: string;
  lab?: string;
  all?: boolean;
  json?: boolean;
}

export async function destroyCommand(flags: DestroyFlags): Promise<number> {
  const names = flags.all ? await listLabs() : [(await labStateOrName(flags)).name];
  const reports = [];
  for (const name of names) {
    const state = await readState(name);
    if (!state) {
      if (!flags.all && !flags.json) process.stderr.write(`no lab named '${name}' is deployed; nothing to do\n`);
      continue;
    }
    const r = await destroyLab(state, {
      onWait: (op) => process.stderr.write(`  waiting: lab '${name}' is busy (${op})…\n`),
    });
    reports.push(r);
    if (!flags.json) {
      process.stdout.write(
        `Destroyed lab '${r.lab}': ${r.namespaces} namespaces, ${r.processes} processes ended in ${seconds(r.ms)}\n`,
      );
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else if (flags.all && reports.length === 0) process.stdout.write("No labs deployed.\n");
  return 0;
}
