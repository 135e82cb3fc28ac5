import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { nodeHandle } from "../../runtimes/index.js";
import { stackOf } from "../../stacks/index.js";
import { labState } from "../resolve.js";

export interface SaveFlags {
  topology?: string;
  lab?: string;
  output?: string;
  json?: boolean;
}

/** Writes each router's running config to DIR/<node>.conf (default: beside the topology). */
export async function saveCommand(flags: SaveFlags): Promise<number> {
  const state = await labState(flags);
  const base = flags.topology ? path.dirname(path.resolve(flags.topology)) : process.cwd();
  const dir = path.resolve(flags.output ?? path.join(base, `${state.name}-configs`));
  await mkdir(dir, { recursive: true });
  const saved: { node: string; file: string }[] = [];
  for (const n of state.model.nodes) {
    const stack = stackOf(n);
    if (!stack) continue;
    // The stack's own running config, loadable again (FRR: show running-config, cleaned).
    const text = await stack.runningConfig(nodeHandle(state.name, n));
    const file = path.join(dir, `${n.name}.conf`);
    await writeFile(file, text);
    saved.push({ node: n.name, file });
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(saved, null, 2)}\n`);
  else for (const s of saved) process.stdout.write(`${s.node}: ${s.file}\n`);
  return 0;
}
