// The user's way into a node's FRR: `wirelab cli` (vtysh) and `wirelab exec NODE -- vtysh …`.
import { vtyshConfigDir } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";

/**
 * On a node sharing the host's file system, `vtysh` is the host's: point it at the node's
 * own FRR instance (`-N <pathspace>`) and the lab's empty vtysh.conf (`--config_dir`). In a
 * container, the image's vtysh already talks to the container's FRR: unchanged.
 */
export function execCommand(handle: NodeHandle, argv: string[]): string[] {
  if (!handle.hostFs || argv[0] !== "vtysh" || argv.includes("-N")) return argv;
  return ["vtysh", "-N", handle.netns, "--config_dir", vtyshConfigDir(handle.lab), ...argv.slice(1)];
}

/** vtysh inside the node, for `wirelab cli` (run with handle.execArgv). */
export function cliArgv(handle: NodeHandle): string[] {
  return execCommand(handle, ["vtysh"]);
}
