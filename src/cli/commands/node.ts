import { withLabLock } from "../../core/lock.js";
import { daemonPids, restartNode, startNode, stopNode } from "../../core/nodes.js";
import { labState, UsageError } from "../resolve.js";

export interface NodeCmdFlags {
  topology?: string;
  lab?: string;
  json?: boolean;
  kill?: boolean;
}

const ACTIONS = ["stop", "start", "restart"] as const;

export async function nodeCommand(name: string, action: string, flags: NodeCmdFlags): Promise<number> {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`unknown action '${action}': use ${ACTIONS.join(", ")}`);
  }
  if (flags.kill && action === "start") throw new UsageError("--kill goes with stop or restart");
  const state = await labState(flags);
  const t0 = performance.now();
  // Run-time changes hold the lab's lock: they never interleave with a deploy or destroy.
  const message = await withLabLock(state.name, { op: `node ${action}` }, async () => {
    if (action === "stop") {
      const stopped = await stopNode(state, name, { kill: flags.kill });
      return `${name}: stopped ${stopped.join(", ")} (${flags.kill ? "SIGKILL, as a crash" : "SIGTERM"}); its namespace and cables stay`;
    }
    const started =
      action === "start" ? await startNode(state, name) : await restartNode(state, name, { kill: flags.kill });
    return `${name}: started ${started.join(", ")} with its config`;
  });
  const ms = Math.round(performance.now() - t0);
  const daemons = await daemonPids(state, name);
  if (flags.json) process.stdout.write(`${JSON.stringify({ node: name, action, ms, daemons }, null, 2)}\n`);
  else process.stdout.write(`${message} in ${(ms / 1000).toFixed(2)} s\n`);
  return 0;
}
