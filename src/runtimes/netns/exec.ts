// Running a command inside a namespace node: its network namespace and its hostname (UTS)
// namespace, on the host's file system.
import { netnsPath, nsName, utsFile } from "../../core/paths.js";

export function netnsExecArgv(lab: string, node: string, cmd: readonly string[]): string[] {
  return ["nsenter", `--net=${netnsPath(nsName(lab, node))}`, `--uts=${utsFile(lab, node)}`, "--", ...cmd];
}
