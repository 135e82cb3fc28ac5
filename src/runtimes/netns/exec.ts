// Running commands inside a node: its network namespace and its hostname (UTS) namespace.
import type { NodeModel } from "../../core/model.js";
import { mntNsFile, netnsPath, nsName, pidNsFile, utsFile, vtyshConfigDir } from "../../core/paths.js";

/**
 * The argv that runs `cmd` inside a node. `vtysh` is pointed at the node's own FRR instance
 * (`-N`), and the user's port names (e.g. Ethernet1/1) are translated to kernel names.
 */
export function nodeExecArgv(lab: string, node: NodeModel, cmd: readonly string[]): string[] {
  const ns = nsName(lab, node.name);
  const mapped = new Map(node.ports.filter((p) => p.name !== p.ifname).map((p) => [p.name, p.ifname]));
  const args = cmd.map((a) => mapped.get(a) ?? a);
  if (node.runtime.container) {
    // A container node (docker runtime): its network namespace (where its ports are), and the
    // container's hostname, mount and PID namespaces bound at deploy: the command runs in the
    // image's file system, and vtysh there is the image's, talking to the container's FRR.
    return [
      "nsenter",
      `--net=${netnsPath(ns)}`,
      `--uts=${utsFile(lab, node.name)}`,
      `--mount=${mntNsFile(lab, node.name)}`,
      `--pid=${pidNsFile(lab, node.name)}`,
      "--",
      ...args,
    ];
  }
  if (args[0] === "vtysh" && !args.includes("-N")) args.splice(1, 0, "-N", ns, "--config_dir", vtyshConfigDir(lab));
  return ["nsenter", `--net=${netnsPath(ns)}`, `--uts=${utsFile(lab, node.name)}`, "--", ...args];
}
