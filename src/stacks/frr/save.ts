// `wirelab save` (RoutingStack.runningConfig): the node's running config as a loadable frr.conf.
import { RUN_ROOT } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { runOk } from "../../util/exec.js";
import { execCommand } from "./cli.js";

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

export async function runningConfig(handle: NodeHandle): Promise<string> {
  // Inside the node (its hostname namespace), so vtysh's own hostname line is the node's.
  const [cmd, ...args] = handle.execArgv(execCommand(handle, ["vtysh", "-c", "show running-config"]));
  return cleanRunningConfig((await runOk(cmd as string, args)).stdout);
}
