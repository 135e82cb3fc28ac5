// The runtime registry: one folder per runtime, one line here to add one. Order matters
// only for display: plans list each phase's steps runtime by runtime, in this order.
import type { NodeModel } from "../core/model.js";
import { docker } from "./docker/index.js";
import { netns } from "./netns/index.js";
import type { NodeHandle, Runtime } from "./runtime.js";

export const RUNTIMES: Record<string, Runtime> = { netns, docker };

export function runtimeOf(node: NodeModel): Runtime {
  const r = Object.hasOwn(RUNTIMES, node.runtime.name) ? RUNTIMES[node.runtime.name] : undefined;
  if (!r) throw new Error(`node ${node.name}: unknown runtime '${node.runtime.name}'`);
  return r;
}

/** How to reach a node of a lab: what checks, the web view, save and exec use. */
export function nodeHandle(lab: string, node: NodeModel): NodeHandle {
  return runtimeOf(node).handle(lab, node);
}
