// Thin wrapper around iproute2: many commands per process with `ip -batch`, JSON reads with `ip -j`.

import { netnsPath } from "../core/paths.js";
import { BatchTokenError, batchToken } from "./batch.js";
import { CommandError, run } from "./exec.js";

/** Whether a value may go onto an ip-batch line (batchToken); others go through argv. */
export function isBatchSafe(token: string): boolean {
  try {
    batchToken(token, "value");
    return true;
  } catch (e) {
    if (e instanceof BatchTokenError) return false;
    throw e;
  }
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
export async function ipBatch(
  lines: readonly string[],
  opts: { ns?: string; force?: boolean; uts?: string; sysctl?: readonly string[] } = {},
): Promise<void> {
  if (lines.length === 0 && !opts.sysctl?.length) return;
  // Every word of every line through the one check, whoever built the line: a value the
  // batch parser would split, comment out or unquote never reaches it.
  for (const line of lines) for (const word of line.split(" ")) batchToken(word, `in '${line}':`);
  const [cmd, ...args] =
    opts.ns && (opts.uts || opts.sysctl?.length)
      ? nodeSetupArgv(opts.ns, opts)
      : ipArgv([...(opts.force ? ["-force"] : []), "-batch", "-"], opts.ns);
  const r = await run(cmd as string, args, { input: `${lines.join("\n")}\n` });
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

/**
 * `ip ARGS` run inside namespace `ns`, as `nsenter --net=/run/netns/NS -- ip ARGS` rather
 * than `ip -n NS ARGS`: `ip -n` also makes a private mount namespace and remounts /sys in
 * it, and copying the mount table costs time in proportion to its size, which grows by one
 * mount per namespace (measured with 2000 mounts: 13.5 ms per `ip -n`, 4.4 ms through
 * nsenter), so a 1000-node lab would pay quadratically. wirelab's ip commands speak
 * netlink only and need no /sys of the namespace.
 */
export function ipArgv(args: readonly string[], ns?: string): string[] {
  return ns ? ["nsenter", `--net=${netnsPath(ns)}`, "--", "ip", ...args] : ["ip", ...args];
}

/**
 * A node's kernel setup in one process: `[unshare --uts=FILE --] nsenter --net=NS -- sh -c
 * 'ip -batch - && exec sysctl -qw "$@"' sh SETTINGS…`. The script is constant; settings
 * (wirelab's own sysctl names, and kernel.hostname=<node name>) arrive as arguments. unshare
 * leaves the new UTS namespace bound on FILE; sysctl kernel.hostname sets the name in it.
 */
function nodeSetupArgv(ns: string, opts: { uts?: string; sysctl?: readonly string[] }): string[] {
  const settings = opts.sysctl ?? [];
  const script = settings.length ? 'ip -batch - && exec sysctl -qw "$@"' : "exec ip -batch -";
  return [
    ...(opts.uts ? ["unshare", `--uts=${opts.uts}`, "--"] : []),
    "nsenter",
    `--net=${netnsPath(ns)}`,
    "--",
    "sh",
    "-c",
    script,
    "sh",
    ...settings,
  ];
}

/** `ip [-n NS] -j ARGS…` parsed; a namespace that no longer exists throws CommandError. */
export async function ipJson<T>(args: readonly string[], ns?: string): Promise<T> {
  const [cmd, ...full] = ipArgv(["-j", ...args], ns);
  const r = await run(cmd as string, full);
  if (r.code !== 0) throw new CommandError(cmd as string, full, r);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : []) as T;
}

/** Names of all network namespaces on the host. */
export async function listNetns(): Promise<string[]> {
  const r = await run("ip", ["-j", "netns", "list"]);
  if (r.code !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}
