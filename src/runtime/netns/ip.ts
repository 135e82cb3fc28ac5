// Thin wrapper around iproute2: many commands per process with `ip -batch`, JSON reads with `ip -j`.
import { CommandError, run } from "../../util/exec.js";

/** Characters that `ip -batch` would split or treat specially; such values go through argv instead. */
const UNSAFE_TOKEN = /[\s"'\\#]/;

export function isBatchSafe(token: string): boolean {
  return token.length > 0 && !UNSAFE_TOKEN.test(token);
}

export class IpBatchError extends Error {
  constructor(
    readonly ns: string | undefined,
    readonly line: string,
    readonly detail: string,
  ) {
    super(`ip${ns ? ` -n ${ns}` : ""} ${line}: ${detail}`);
    this.name = "IpBatchError";
  }
}

/**
 * Runs iproute2 commands in one process (`ip [-n NS] -batch -`). Stops at the first failing
 * command and names it, unless `force` (used by teardown, where some objects may be gone).
 */
export async function ipBatch(lines: readonly string[], opts: { ns?: string; force?: boolean } = {}): Promise<void> {
  if (lines.length === 0) return;
  const args = [...(opts.ns ? ["-n", opts.ns] : []), ...(opts.force ? ["-force"] : []), "-batch", "-"];
  const r = await run("ip", args, { input: `${lines.join("\n")}\n` });
  if (r.code === 0 || opts.force) return;
  const m = /Command failed -:(\d+)/.exec(r.stderr);
  const idx = m ? Number(m[1]) - 1 : -1;
  const detail =
    r.stderr
      .split("\n")
      .filter((l) => l && !l.startsWith("Command failed"))
      .join("; ") || `exit ${r.code}`;
  throw new IpBatchError(opts.ns, lines[idx] ?? lines.join("; "), detail);
}

/** `ip [-n NS] -j ARGS…` parsed; a namespace that no longer exists throws CommandError. */
export async function ipJson<T>(args: readonly string[], ns?: string): Promise<T> {
  const full = [...(ns ? ["-n", ns] : []), "-j", ...args];
  const r = await run("ip", full);
  if (r.code !== 0) throw new CommandError("ip", full, r);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : []) as T;
}

/** Names of all network namespaces on the host. */
export async function listNetns(): Promise<string[]> {
  const r = await run("ip", ["-j", "netns", "list"]);
  if (r.code !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}
