// Puts a lab's plan together from the seams: each runtime's sandbox steps for its nodes,
// each link type's cables, every node's interfaces, each stack's start steps. The one place
// the phases are filled; deploy runs the result and `deploy --dry-run` prints it.
import { LINK_TYPES, linkNamespaces } from "../../links/index.js";
import { RUNTIMES, runtimeOf } from "../../runtimes/index.js";
import type { PlanContext, Runtime } from "../../runtimes/runtime.js";
import { stackOf } from "../../stacks/index.js";
import type { PreparedConfig, RoutingStack } from "../../stacks/stack.js";
import type { Lab, NodeModel } from "../model.js";
import { nodesDir } from "../paths.js";
import { PHASES, type Phase, type PhaseName, type Plan, type Step } from "../plan.js";
import { routerStartOrder } from "../start-order.js";
import type { NodeState } from "../state.js";
import { interfaceSteps } from "./interfaces.js";

/** The lab's nodes grouped by runtime, in registry order (plans list runtimes in that order). */
export function nodesByRuntime(lab: Lab): [Runtime, NodeModel[]][] {
  const out: [Runtime, NodeModel[]][] = [];
  for (const rt of Object.values(RUNTIMES)) {
    const nodes = lab.nodes.filter((n) => runtimeOf(n) === rt);
    if (nodes.length) out.push([rt, nodes]);
  }
  return out;
}

/** What the lab state records for each node: where it lives and what it runs. */
export function nodeStates(lab: Lab): NodeState[] {
  return lab.nodes.map((n) => ({
    ...runtimeOf(n).nodeState(lab.name, n),
    daemons: stackOf(n)?.daemons(n) ?? [],
  }));
}

/**
 * The plan for a validated lab. `configs` holds each routing node's prepared config
 * (rendered and checked beforehand, so a bad config stops deploy before anything exists).
 */
export function buildLabPlan(lab: Lab, configs: ReadonlyMap<string, PreparedConfig>, ctx: PlanContext = {}): Plan {
  const phases = new Map<PhaseName, Phase>(PHASES.map((p) => [p.name, { ...p, groups: [] as Step[][] }]));
  const add = (name: PhaseName, groups: Step[][] | undefined) => {
    if (groups?.length) phases.get(name)?.groups.push(...groups);
  };
  const runtimes = nodesByRuntime(lab);
  const parts = runtimes.map(([rt, nodes]) => rt.plan(lab, nodes, { ...ctx, configs }));

  for (const part of parts) add("namespaces", part.namespaces);
  const extra = linkNamespaces(lab);
  if (extra.length) add("namespaces", [[{ type: "ip", lines: extra.map((ns) => `netns add ${ns}`) }]]);
  // One mount above all of the lab's per-node bind mounts: destroy detaches them in one go.
  add("namespaces", [
    [
      // Others may pass through (a stack's user to its node's files), not list.
      { type: "mkdir", path: nodesDir(lab.name), mode: 0o711 },
      { type: "exec", argv: ["mount", "--bind", "--make-private", nodesDir(lab.name), nodesDir(lab.name)] },
    ],
  ]);
  for (const name of ["containers", "hostnames"] as const) for (const part of parts) add(name, part[name]);
  // The phase is named after what its cables are: "veth pairs", "VXLAN tunnels".
  const made: string[] = [];
  for (const t of LINK_TYPES) {
    const groups = t.cables?.(lab);
    add("cables", groups);
    if (groups?.length) made.push(t.cableNoun ?? t.name);
  }
  const cables = phases.get("cables");
  if (cables && made.length) cables.label = `cables (${made.join(", ")})`;
  for (const part of parts) add("ports", part.ports);
  add(
    "interfaces",
    lab.nodes.map((n) => interfaceSteps(lab, n)),
  );

  // Edge of the topology first, center last (start-order.ts), runtime by runtime.
  const order = routerStartOrder(lab);
  const byName = new Map(lab.nodes.map((n) => [n.name, n]));
  const used = new Set<RoutingStack>();
  for (const [rt, nodes] of runtimes) {
    const mine = new Set(nodes.map((n) => n.name));
    for (const name of order) {
      const node = byName.get(name);
      const stack = node && mine.has(name) ? stackOf(node) : undefined;
      if (!node || !stack) continue;
      const config = configs.get(name);
      if (!config) throw new Error(`internal: no ${stack.name} config prepared for ${name}`);
      used.add(stack);
      add("routing", [stack.startSteps(lab, node, config, rt.handle(lab.name, node), ctx)]);
    }
  }
  const routing = phases.get("routing");
  if (routing && used.size) routing.label = `${[...used].map((s) => s.name.toUpperCase()).join(", ")} daemons`;

  const others = runtimes.map(([rt]) => rt.name).filter((n) => n !== "netns");
  return {
    lab: lab.name,
    runtime: others.length ? others.join(", ") : "netns",
    phases: [...phases.values()],
    nodes: nodeStates(lab),
  };
}
