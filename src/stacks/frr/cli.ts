// The user's way into a node's FRR: `wirelab cli` (vtysh) and `wirelab exec NODE -- vtysh …`.
import { vtyshConfigDir } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { binDir } from "./paths.js";

/** The host's vtysh (Debian's frr package). */
const VTYSH = "/usr/bin/vtysh";

/**
 * The per-node `vtysh` wrapper (see binDir): fixed text around names wirelab made from
 * validated lab and node names, checked again here since it is a script.
 */
export function vtyshWrapper(handle: NodeHandle): string {
  const ns = handle.netns;
  const conf = vtyshConfigDir(handle.lab);
  if (!/^[A-Za-z0-9_.-]+$/.test(ns) || !/^[A-Za-z0-9_./-]+$/.test(conf)) {
    throw new Error(`internal: unsafe name for a script: ${ns} ${conf}`);
  }
  return `#!/bin/sh\n# vtysh of node ${handle.node.name}: its own FRR instance (written by wirelab)\nexec ${VTYSH} -N ${ns} --config_dir ${conf} "$@"\n`;
}

/**
 * On a node sharing the host's file system, `vtysh` is the host's: point it at the node's
 * own FRR instance (`-N <pathspace>`) and the lab's empty vtysh.conf (`--config_dir`). In a
 * container, the image's vtysh already talks to the container's FRR: unchanged.
 */
export function execCommand(handle: NodeHandle, argv: string[]): string[] {
  if (!handle.hostFs) return argv;
  if (argv[0] === "vtysh") {
    if (argv.includes("-N")) return argv;
    return ["vtysh", "-N", handle.netns, "--config_dir", vtyshConfigDir(handle.lab), ...argv.slice(1)];
  }
  // Anything else (a shell, a script) finds the node's vtysh first on its PATH.
  const path = process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin";
  return ["env", `PATH=${binDir(handle.lab, handle.node.name)}:${path}`, ...argv];
}

/** vtysh inside the node, for `wirelab cli` (run with handle.execArgv). */
export function cliArgv(handle: NodeHandle): string[] {
  return execCommand(handle, ["vtysh"]);
}
