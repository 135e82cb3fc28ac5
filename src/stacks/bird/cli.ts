// The user's way into a node's BIRD: `wirelab cli` (birdc) and `wirelab exec NODE -- birdc …`.
import type { NodeHandle } from "../../runtimes/runtime.js";
import { socketPath } from "./paths.js";

/** A leading `birdc` (or `birdcl`) talks to this node's bird: `-s <its socket>`, unless given. */
export function execCommand(handle: NodeHandle, argv: string[]): string[] {
  const [cmd, ...rest] = argv;
  if ((cmd !== "birdc" && cmd !== "birdcl") || rest.includes("-s")) return argv;
  return [cmd, "-s", socketPath(handle.lab, handle.node.name), ...rest];
}

/** birdc inside the node, for `wirelab cli` (run with handle.execArgv). */
export function cliArgv(handle: NodeHandle): string[] {
  return execCommand(handle, ["birdc"]);
}
