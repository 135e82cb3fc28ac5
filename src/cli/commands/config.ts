// `wirelab config NODE FILE`: push a configuration snippet into a running node (netlab's
// `config`), through the node's stack; the lab's lock keeps it from racing a destroy.
import { readFile } from "node:fs/promises";
import { withLabLock } from "../../core/lock.js";
import { nodeHandle } from "../../runtimes/index.js";
import { stackOf } from "../../stacks/index.js";
import { labState, UsageError } from "../resolve.js";
import { nodeOf } from "./exec.js";

export interface ConfigFlags {
  topology?: string;
  lab?: string;
}

export async function configCommand(nodeName: string, file: string, flags: ConfigFlags): Promise<number> {
  const state = await labState(flags);
  const node = nodeOf(state, nodeName);
  const stack = stackOf(node);
  if (!stack?.applyConfig)
    throw new UsageError(`${nodeName} is a ${node.kind} node: it has no routing stack to configure`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const apply = stack.applyConfig;
  await withLabLock(state.name, { op: `config ${nodeName}` }, () => apply(nodeHandle(state.name, node), text));
  process.stdout.write(`${nodeName}: applied ${file} (running config; 'wirelab save' keeps it)\n`);
  return 0;
}
