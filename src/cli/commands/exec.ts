import { spawn } from "node:child_process";
import { nodeExecArgv } from "../../core/exec.js";
import type { NodeModel } from "../../core/model.js";
import type { LabState } from "../../core/state.js";
import { nodeHandle } from "../../runtimes/index.js";
import { stackOf } from "../../stacks/index.js";
import { noSuchNode } from "../../topology/endpoints.js";
import { labState, UsageError } from "../resolve.js";

export interface NodeFlags {
  topology?: string;
  lab?: string;
}

export function nodeOf(state: LabState, name: string): NodeModel {
  const node = state.model.nodes.find((n) => n.name === name);
  if (!node) {
    throw new UsageError(
      noSuchNode(
        state.name,
        state.model.nodes.map((n) => n.name),
        name,
      ),
    );
  }
  return node;
}

/** Runs argv with the terminal attached; resolves to its exit code. */
function interactive(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd as string, args, { stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** `wirelab exec`: the command inside the node, user port names mapped, the stack's CLI pointed at it. */
export async function execCommand(nodeName: string, command: string[], flags: NodeFlags): Promise<number> {
  const cmd = command[0] === "--" ? command.slice(1) : command;
  if (!cmd.length) throw new UsageError("what to run? e.g. wirelab exec -t lab.yml ops1 -- ip addr");
  const state = await labState(flags);
  const node = nodeOf(state, nodeName);
  return interactive(nodeExecArgv(state.name, node, cmd));
}

export async function cliCommand(nodeName: string, flags: NodeFlags): Promise<number> {
  const state = await labState(flags);
  const node = nodeOf(state, nodeName);
  const stack = stackOf(node);
  if (!stack) throw new UsageError(`${nodeName} is a ${node.kind} node: it has no FRR CLI (use exec)`);
  const handle = nodeHandle(state.name, node);
  return interactive(handle.execArgv(stack.cliArgv(handle)));
}
