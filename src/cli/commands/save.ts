import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { nodeExecArgv } from "../../runtimes/netns/exec.js";
import { RUN_ROOT } from "../../core/paths.js";
import { runOk } from "../../util/exec.js";
import { labState } from "../resolve.js";

export interface SaveFlags {
  topology?: string;
  lab?: string;
  output?: string;
  json?: boolean;
}

/**
 * `show running-config` as a loadable frr.conf: without vtysh's banner lines, and with one
 * hostname line (vtysh adds its own, which inside the node is the node's name again).
 */
export function cleanRunningConfig(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("frr version") || l === "!");
  const body = start >= 0 ? lines.slice(start) : lines;
  const seen = new Set<string>();
  return `${body
    .filter((l) => {
      // wirelab's own log line points into the lab's run directory, gone after destroy.
      if (l.startsWith(`log file ${RUN_ROOT}/`)) return false;
      if (!l.startsWith("hostname ")) return true;
      if (seen.has(l)) return false;
      seen.add(l);
      return true;
    })
    .join("\n")
    .trimEnd()}\n`;
}

/** Writes each frr node's running config to DIR/<node>.conf (default: beside the topology). */
export async function saveCommand(flags: SaveFlags): Promise<number> {
  const state = await labState(flags);
  const base = flags.topology ? path.dirname(path.resolve(flags.topology)) : process.cwd();
  const dir = path.resolve(flags.output ?? path.join(base, `${state.name}-configs`));
  await mkdir(dir, { recursive: true });
  const saved: { node: string; file: string }[] = [];
  for (const n of state.model.nodes.filter((x) => x.stack?.name === "frr")) {
    // Inside the node (its hostname namespace), so vtysh's own hostname line is the node's.
    const [cmd, ...args] = nodeExecArgv(state.name, n, ["vtysh", "-c", "show running-config"]);
    const text = (await runOk(cmd as string, args)).stdout;
    const file = path.join(dir, `${n.name}.conf`);
    await writeFile(file, cleanRunningConfig(text));
    saved.push({ node: n.name, file });
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(saved, null, 2)}\n`);
  else for (const s of saved) process.stdout.write(`${s.node}: ${s.file}\n`);
  return 0;
}
