// `wirelab save` (RoutingStack.runningConfig): the node's bird.conf as BIRD loaded it.
// BIRD has no command that prints its configuration (`birdc show …` prints state), so this
// is the file bird was started with: root's, in the node's directory, never rewritten after
// deploy (a `birdc configure` reloads the same file). Loadable again as a node's `config:`.
import { readFile } from "node:fs/promises";
import { RUN_ROOT } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { confPath } from "./paths.js";

/**
 * The file without wirelab's log line: it points into the lab's run directory, gone after
 * destroy (BIRD would refuse to start on it); loaded again, wirelab adds its own.
 */
export function cleanRunningConfig(text: string): string {
  const lines = text.split("\n").filter((l) => !l.startsWith(`log "${RUN_ROOT}/`));
  return `${lines.join("\n").trimEnd()}\n`;
}

export async function runningConfig(handle: NodeHandle): Promise<string> {
  return cleanRunningConfig(await readFile(confPath(handle.lab, handle.node.name), "utf8"));
}
