// A router failure and its return (RoutingStack.stop/start): stop a node's bird (its
// namespace, addresses and cables stay, as a crashed control plane on a powered switch),
// start it again with the same bird.conf, the way deploy started it. Which node, whether it
// exists and its namespace is there: core/nodes.ts, before it calls these.
import { setTimeout as delay } from "node:timers/promises";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { runOk } from "../../util/exec.js";
import { terminate } from "../../util/procs.js";
import { StackError, type StopOptions } from "../stack.js";
import { birdCommand } from "./control.js";
import { socketPath } from "./paths.js";
import { BIRD_DAEMON, birdPid } from "./procs.js";
import { birdArgv } from "./start.js";

function requireHostFs(handle: NodeHandle): void {
  if (!handle.hostFs) throw new StackError(`${handle.node.name}: BIRD nodes run on the netns runtime only`);
}

/**
 * Stops the node's bird; returns ["bird"] ([] when it did not run). By default with SIGTERM,
 * like a router shutting down: BIRD sends its BGP peers a Cease (Administrative shutdown)
 * and takes its routes out of the kernel. `kill`: SIGKILL at once, like a crash (peers
 * notice at hold-timer expiry; the kernel keeps its routes, as after any crash).
 */
export async function stop(handle: NodeHandle, _daemons: string[], opts: StopOptions = {}): Promise<string[]> {
  requireHostFs(handle);
  const pid = await birdPid(handle);
  if (pid === undefined) return [];
  await terminate([pid], opts.kill ? 0 : 5000);
  return [BIRD_DAEMON];
}

/** Polls the control socket until BIRD says it is up; returns the last complaint when it never does. */
async function waitUp(socket: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const status = await birdCommand(socket, "show status", 2000);
      if (status.some((l) => /Daemon is up and running/.test(l.text))) return undefined;
      last = status.map((l) => l.text).join("; ");
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) return last;
    await delay(50);
  }
}

/** Starts the node's bird when it does not run (the same argv as deploy); returns ["bird"], [] when it ran. */
export async function start(handle: NodeHandle, _daemons: string[]): Promise<string[]> {
  requireHostFs(handle);
  if ((await birdPid(handle)) !== undefined) return [];
  // A killed bird leaves its socket and pid file: BIRD replaces both (it first checks that
  // no BIRD answers on the socket).
  const [cmd, ...args] = birdArgv(handle);
  await runOk(cmd as string, args, { timeoutMs: 30_000 });
  const notUp = await waitUp(socketPath(handle.lab, handle.node.name), 15_000);
  if (notUp !== undefined) throw new StackError(`node ${handle.node.name}: bird did not come up: ${notUp}`);
  return [BIRD_DAEMON];
}
