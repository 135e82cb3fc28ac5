// A router failure and its return (RoutingStack.stop/start): stop a node's FRR daemons (its
// namespace, addresses and cables stay, as a crashed control plane on a powered switch),
// start them again with the same frr.conf, the way deploy started them. Which node, whether
// it exists and its namespace is there: core/nodes.ts, before it calls these.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { runOk } from "../../util/exec.js";
import { terminate } from "../../util/procs.js";
import { writeFileNoFollow } from "../../util/safe-fs.js";
import { StackError, type StopOptions } from "../stack.js";
import { isisPreConfig } from "./isis-pre.js";
import { confPath, daemonConfPath } from "./paths.js";
import { daemonPid } from "./procs.js";
import { daemonArgv, vtyshApplyArgv } from "./start.js";
import { waitForDaemons } from "./state.js";

function requireHostFs(handle: NodeHandle): void {
  if (handle.hostFs) return;
  // Its daemons live in the container (pid files hold the container's pids): not handled here.
  const image = handle.node.runtime.container?.image;
  throw new StackError(
    `${handle.node.name} is a container node${image ? ` (${image})` : ""}: node stop/start is not supported on the docker runtime yet`,
  );
}

/**
 * Stops the node's running daemons; returns them ([] when none ran). By default with
 * SIGTERM, like a router shutting down: bgpd tells its peers (Cease) and zebra withdraws
 * its routes from the kernel. `kill`: SIGKILL at once, like a crash (no NOTIFICATION; peers
 * notice at hold-timer expiry).
 */
export async function stop(handle: NodeHandle, daemons: string[], opts: StopOptions = {}): Promise<string[]> {
  requireHostFs(handle);
  const pids = await Promise.all(daemons.map((d) => daemonPid(handle.netns, d)));
  const running = daemons.flatMap((d, i) => (pids[i] !== undefined ? [{ daemon: d, pid: pids[i] as number }] : []));
  if (!running.length) return [];
  // Daemons first, zebra last: the others say goodbye to their peers while zebra still runs.
  await terminate(
    [...running].reverse().map((d) => d.pid),
    opts.kill ? 0 : 5000,
  );
  return running.map((d) => d.daemon);
}

/** Starts the node's daemons that are not running (zebra first), then pushes its frr.conf. */
export async function start(handle: NodeHandle, daemons: string[]): Promise<string[]> {
  requireHostFs(handle);
  const pids = await Promise.all(daemons.map((d) => daemonPid(handle.netns, d)));
  const missing = daemons.filter((_, i) => pids[i] === undefined);
  if (!missing.length) return [];
  for (const d of missing) {
    // Empty config: vtysh below gives every daemon its lines, the running ones unchanged.
    const [cmd, ...args] = daemonArgv(handle, d);
    await runOk(cmd as string, args, { timeoutMs: 30_000 });
  }
  const notUp = await waitForDaemons(handle.netns, daemons, { timeoutMs: 15_000 });
  if (notUp.length) throw new StackError(`node ${handle.node.name}: ${notUp.join(", ")} did not come up`);
  const conf = confPath(handle.lab, handle.node.name);
  if (missing.includes("isisd")) {
    // A restarted isisd gets the whole file as one transaction too: its LSP timers first.
    const fh = await open(conf, constants.O_RDONLY | constants.O_NOFOLLOW);
    const pre = isisPreConfig(await fh.readFile("utf8").finally(() => fh.close()));
    if (pre !== undefined) {
      const file = daemonConfPath(handle.lab, handle.node.name, "isis-timers");
      await writeFileNoFollow(file, pre, { mode: 0o600, uid: 0 });
      const [pcmd, ...pargs] = vtyshApplyArgv(handle, file);
      await runOk(pcmd as string, pargs, { timeoutMs: 30_000 });
    }
  }
  const [cmd, ...args] = vtyshApplyArgv(handle, conf);
  await runOk(cmd as string, args, { timeoutMs: 30_000 });
  return missing;
}
