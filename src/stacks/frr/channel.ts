// How the stack asks a node's FRR a show command: the host's vtysh with the node's
// pathspace (`-N`) when the node shares the host's file system, else the image's own vtysh
// inside the node (no host FRR needed, no version mismatch with the image's daemons).
import type { NodeHandle } from "../../runtimes/runtime.js";
import { vtyshJson, withJson } from "./vtysh.js";

/** A vtysh's stderr without its harmless complaint about a missing vtysh.conf. */
export function vtyshErrors(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.trim() && !/Can't open configuration file .*vtysh\.conf/.test(l))
    .join("\n")
    .trim();
}

/** Runs vtysh -c COMMAND… inside a node that has its own file system; throws on a non-zero exit. */
export async function vtyshInside(
  handle: NodeHandle,
  commands: readonly string[],
  timeoutMs = 30_000,
): Promise<string> {
  // The runtime's own channel (Docker's or Kubernetes' exec API): a pod on another machine
  // has no namespace on this host to nsenter into.
  const r = await handle.run(["vtysh", ...commands.flatMap((c) => ["-c", c])], { timeoutMs });
  if (r.code !== 0) {
    throw new Error(`${handle.node.name}: vtysh failed (exit ${r.code}): ${vtyshErrors(r.stderr) || r.stdout.trim()}`);
  }
  return r.stdout;
}

/** One show command with `json` on the node's FRR, all of its output parsed. */
export async function showJson<T>(handle: NodeHandle, command: string, timeoutMs?: number): Promise<T> {
  if (handle.hostFs) return vtyshJson<T>(handle.netns, command, { timeoutMs });
  const cmd = withJson(command);
  const out = await vtyshInside(handle, [cmd], timeoutMs);
  if (!out.trim()) throw new Error(`${handle.node.name}: vtysh -c '${cmd}': empty output`);
  try {
    return JSON.parse(out) as T;
  } catch (e) {
    throw new Error(
      `${handle.node.name}: vtysh -c '${cmd}': not JSON (${(e as Error).message}): ${out.slice(0, 200).trim()}`,
    );
  }
}
