// A router failure and its return: stop a node's routing daemons (its namespace, addresses
// and cables stay, as a crashed control plane on a powered switch), start them again with
// the same config, the way deploy started them. The node's stack does the work.
import { nodeHandle } from "../runtimes/index.js";
import type { NodeHandle } from "../runtimes/runtime.js";
import { stackOf } from "../stacks/index.js";
import { type RoutingStack, StackError, type StopOptions } from "../stacks/stack.js";
import { noSuchNode } from "../topology/endpoints.js";
import { listNetns } from "../util/ip.js";
import { rememberStarted } from "./lifecycle/deploy.js";
import type { LabState, NodeState } from "./state.js";

export type { StopOptions };

export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeError";
  }
}

export interface DaemonPid {
  daemon: string;
  /** Set while the daemon runs. */
  pid?: number;
}

interface Router {
  rec: NodeState;
  stack: RoutingStack;
  handle: NodeHandle;
}

function routerOf(state: LabState, name: string): Router {
  const rec = state.nodes.find((n) => n.name === name);
  const model = state.model.nodes.find((n) => n.name === name);
  if (!rec || !model) {
    throw new NodeError(
      noSuchNode(
        state.name,
        state.nodes.map((n) => n.name),
        name,
      ),
    );
  }
  const stack = stackOf(model);
  if (!stack || rec.daemons.length === 0) {
    throw new NodeError(`${name} is a ${rec.kind} node: it runs no daemons to stop or start`);
  }
  return { rec, stack, handle: nodeHandle(state.name, model) };
}

async function requireNamespace(node: NodeState): Promise<void> {
  if (!(await listNetns()).includes(node.netns)) {
    throw new NodeError(`node ${node.name} is gone (namespace ${node.netns} is missing); redeploy the lab`);
  }
}

/** Each configured daemon of the node with its live pid. */
export async function daemonPids(state: LabState, name: string): Promise<DaemonPid[]> {
  const rec = state.nodes.find((n) => n.name === name);
  const model = state.model.nodes.find((n) => n.name === name);
  const stack = model ? stackOf(model) : undefined;
  if (!rec || !model || !stack) return [];
  const status = await stack.daemonStatus(nodeHandle(state.name, model), rec.daemons);
  return status.map((d) => (d.alive && d.pid ? { daemon: d.name, pid: d.pid } : { daemon: d.name }));
}

/** Stops the node's daemons (by default like a router shutting down: peers are told). */
export async function stopNode(state: LabState, name: string, opts: StopOptions = {}): Promise<string[]> {
  const r = routerOf(state, name);
  await requireNamespace(r.rec);
  const stopped = await wrap(() => r.stack.stop(r.handle, r.rec.daemons, opts));
  if (!stopped.length)
    throw new NodeError(`node ${name} is already stopped (no ${r.stack.name.toUpperCase()} daemon running)`);
  return stopped;
}

/** Starts the node's daemons that are not running, then gives them the node's config. */
export async function startNode(state: LabState, name: string): Promise<string[]> {
  const r = routerOf(state, name);
  await requireNamespace(r.rec);
  const started = await wrap(() => r.stack.start(r.handle, r.rec.daemons));
  if (!started.length) throw new NodeError(`node ${name} is already running (${r.rec.daemons.join(", ")})`);
  const model = state.model.nodes.find((n) => n.name === name);
  if (model) await rememberStarted(state.model, state, [model]);
  return started;
}

export async function restartNode(state: LabState, name: string, opts: StopOptions = {}): Promise<string[]> {
  routerOf(state, name);
  if ((await daemonPids(state, name)).some((d) => d.pid !== undefined)) await stopNode(state, name, opts);
  return startNode(state, name);
}

/** A stack's refusal ("already stopped") reaches the user as a NodeError (exit code 1, no trace). */
async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StackError) throw new NodeError(e.message);
    throw e;
  }
}
