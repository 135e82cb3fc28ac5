// The stack registry: one folder per routing stack, one line here to add one.
import type { NodeModel } from "../core/model.js";
import { bird } from "./bird/index.js";
import { frr } from "./frr/index.js";
import type { RoutingStack } from "./stack.js";

export const STACKS: Record<string, RoutingStack> = { frr, bird };

/** The node's routing stack, when it runs one. */
export function stackOf(node: NodeModel): RoutingStack | undefined {
  const name = node.stack?.name;
  return name !== undefined && Object.hasOwn(STACKS, name) ? STACKS[name] : undefined;
}
