// The runtime registry: one folder per runtime, one line here to add one. Order matters
// only for display: plans list each phase's steps runtime by runtime, in this order.
import type { Lab, NodeModel } from "../core/model.js";
import { docker } from "./docker/index.js";
import { kubernetes } from "./kubernetes/index.js";
import { netns } from "./netns/index.js";
import type { NodeHandle, PlanContext, Runtime, RuntimeOptions } from "./runtime.js";

export const RUNTIMES: Record<string, Runtime> = { netns, docker, kubernetes };

export function runtimeOf(node: NodeModel): Runtime {
  const r = Object.hasOwn(RUNTIMES, node.runtime.name) ? RUNTIMES[node.runtime.name] : undefined;
  if (!r) throw new Error(`node ${node.name}: unknown runtime '${node.runtime.name}'`);
  return r;
}

/** How to reach a node of a lab: what checks, the web view, save and exec use. */
export function nodeHandle(lab: string, node: NodeModel): NodeHandle {
  return runtimeOf(node).handle(lab, node);
}

function inUse(lab: Lab): [Runtime, NodeModel[]][] {
  return Object.values(RUNTIMES)
    .map((rt): [Runtime, NodeModel[]] => [rt, lab.nodes.filter((n) => runtimeOf(n) === rt)])
    .filter(([, nodes]) => nodes.length > 0);
}

/** Gives deploy's runtime options to the lab's runtimes that take them; false when none does. */
export function applyRuntimeOptions(lab: Lab, opts: RuntimeOptions): boolean {
  let taken = false;
  for (const [rt, nodes] of inUse(lab)) {
    if (!rt.applyOptions) continue;
    rt.applyOptions(lab, nodes, opts);
    taken = true;
  }
  return taken;
}

/** The objects the lab's runtimes would create, as files (kubernetes: YAML); undefined when none has any. */
export function runtimeManifests(lab: Lab, ctx: PlanContext): string | undefined {
  const parts = inUse(lab).flatMap(([rt, nodes]) => (rt.manifests ? [rt.manifests(lab, nodes, ctx)] : []));
  return parts.length ? parts.join("") : undefined;
}
