// How the stack asks a node's FRR a show command: the host's vtysh with the node's
// pathspace (`-N`) when the node shares the host's file system, else the image's own vtysh
// inside the node (no host FRR needed, no version mismatch with the image's daemons).
import type { NodeHandle } from "../../runtimes/runtime.js";
import { run } from "../../util/exec.js";
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
  const argv = ["vtysh", ...commands.flatMap((c) => ["-c", c])];
  // A node on another machine (a pod) has no namespace here to nsenter into: its runtime's
  // own channel (the API's exec) reaches it.
  const [cmd, ...args] = handle.remote ? [] : handle.execArgv(argv);
  const r = cmd ? await run(cmd, args, { timeoutMs }) : await handle.run(argv, { timeoutMs });
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
