// A user's command inside a node (`wirelab exec`, `capture`, checks): the user's port names
// become kernel names, the node's stack points its own CLI at the node (FRR: vtysh -N), and
// the node's runtime says how to get in.
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { NodeModel } from "./model.js";

export function nodeExecArgv(lab: string, node: NodeModel, cmd: readonly string[]): string[] {
  const mapped = new Map(node.ports.filter((p) => p.name !== p.ifname).map((p) => [p.name, p.ifname]));
  let args = cmd.map((a) => mapped.get(a) ?? a);
  const handle = nodeHandle(lab, node);
  const stack = stackOf(node);
  if (stack?.execCommand) args = stack.execCommand(handle, args);
  return handle.execArgv(args);
}
