// A router failure and its return: stop a node's FRR daemons (its namespace, addresses and
// cables stay, as a crashed control plane on a powered switch), start them again with the
// same frr.conf, the way deploy started them.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { waitForDaemons } from "./state.js";
import type { NodeModel } from "../../core/model.js";
import { runOk } from "../../util/exec.js";
import { frrDir } from "../../core/paths.js";
import type { LabState, NodeState } from "../../core/state.js";
import { listNetns } from "../../util/ip.js";
import { confPath, daemonArgv, vtyshApplyArgv } from "../../core/plan.js";
import { isAlive, terminate } from "../../util/procs.js";

export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeError";
  }
}

export interface DaemonPid {
  daemon: string;
  /** Set while the daemon runs (pid file present, process alive, command line names the pathspace). */
  pid?: number;
}

/** Each configured daemon of the node with its live pid, from the pathspace's pid files. */
export async function daemonPids(node: NodeState): Promise<DaemonPid[]> {
  return Promise.all(
    node.daemons.map(async (daemon): Promise<DaemonPid> => {
      const text = await readFile(path.join(frrDir(node.netns), `${daemon}.pid`), "utf8").catch(() => "");
      const pid = Number(text.trim());
      if (!Number.isInteger(pid) || pid <= 1 || !(await isAlive(pid))) return { daemon };
      // A pid file can outlive its daemon and the pid be reused: trust only our command line.
      const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0");
      const i = argv.indexOf("-N");
      return i >= 0 && argv[i + 1] === node.netns ? { daemon, pid } : { daemon };
    }),
  );
}

function routerOf(state: LabState, name: string): { node: NodeState; model: NodeModel } {
  const node = state.nodes.find((n) => n.name === name);
  const model = state.model.nodes.find((n) => n.name === name);
  if (!node || !model) {
    throw new NodeError(
      `lab '${state.name}' has no node '${name}' (nodes: ${state.nodes.map((n) => n.name).join(", ")})`,
    );
  }
  if (node.container) {
    // Its daemons live in the container (pid files hold the container's pids): not handled here.
    throw new NodeError(
      `${name} is a container node (${node.container.image}): node stop/start is not supported on the docker runtime yet`,
    );
  }
  if (node.kind !== "frr" || node.daemons.length === 0) {
    throw new NodeError(`${name} is a ${node.kind} node: it runs no daemons to stop or start`);
  }
  return { node, model };
}

async function requireNamespace(node: NodeState): Promise<void> {
  if (!(await listNetns()).includes(node.netns)) {
    throw new NodeError(`node ${node.name} is gone (namespace ${node.netns} is missing); redeploy the lab`);
  }
}

export interface StopOptions {
  /** SIGKILL at once, like a crash (no BGP NOTIFICATION; peers notice at hold-timer expiry). */
  kill?: boolean;
}

/**
 * Stops the node's FRR daemons. By default with SIGTERM, like a router shutting down: bgpd
 * tells its peers (Cease) and zebra withdraws its routes from the kernel.
 */
export async function stopNode(state: LabState, name: string, opts: StopOptions = {}): Promise<DaemonPid[]> {
  const { node } = routerOf(state, name);
  await requireNamespace(node);
  const running = (await daemonPids(node)).filter((d) => d.pid !== undefined);
  if (!running.length) throw new NodeError(`node ${name} is already stopped (no FRR daemon running)`);
  // Daemons first, zebra last: the others say goodbye to their peers while zebra still runs.
  const order = [...running].reverse();
  await terminate(
    order.map((d) => d.pid as number),
    opts.kill ? 0 : 5000,
  );
  return running;
}

/** Starts the node's daemons that are not running (zebra first), then pushes its frr.conf. */
export async function startNode(state: LabState, name: string): Promise<string[]> {
  const { node } = routerOf(state, name);
  await requireNamespace(node);
  const missing = (await daemonPids(node)).filter((d) => d.pid === undefined).map((d) => d.daemon);
  if (!missing.length) throw new NodeError(`node ${name} is already running (${node.daemons.join(", ")})`);
  for (const d of missing) {
    const [cmd, ...args] = daemonArgv(state.name, name, d);
    await runOk(cmd as string, args, { timeoutMs: 30_000 });
  }
  const notUp = await waitForDaemons(node.netns, node.daemons, { timeoutMs: 15_000 });
  if (notUp.length) throw new NodeError(`node ${name}: ${notUp.join(", ")} did not come up`);
  const [cmd, ...args] = vtyshApplyArgv(state.name, name, confPath(state.name, name));
  await runOk(cmd as string, args, { timeoutMs: 30_000 });
  return missing;
}

export async function restartNode(state: LabState, name: string, opts: StopOptions = {}): Promise<string[]> {
  const { node } = routerOf(state, name);
  if ((await daemonPids(node)).some((d) => d.pid !== undefined)) await stopNode(state, name, opts);
  return startNode(state, name);
}
