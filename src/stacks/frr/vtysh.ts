// Thin wrapper over vtysh for one node's FRR instance (`-N <pathspace>`): argument arrays
// only, never a shell. vtysh reaches the daemons through /var/run/frr/<pathspace>/*.vty,
// so it needs no namespace switch.
import { readFile } from "node:fs/promises";
import type { RunResult } from "../../util/exec.js";
import { type FrrConfigError, isVtyshNoise, parseVtyshErrors, runVtysh } from "./check.js";

export interface VtyshOptions {
  /** Talk to this daemon only (`-d bgpd`). */
  daemon?: string;
  /** Kill vtysh after this many ms (default 30 s). */
  timeoutMs?: number;
}

/** Pathspaces are also directory names: FRR refuses dots and slashes. */
const PATHSPACE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export class VtyshError extends Error {
  constructor(
    readonly pathspace: string,
    readonly args: readonly string[],
    readonly result: RunResult,
    /** Per-line errors, for `vtysh -f`. */
    readonly errors: FrrConfigError[] = [],
  ) {
    const out = cleanStderr(result.stderr) || result.stdout.trim();
    super(
      `vtysh -N ${pathspace} ${args.join(" ")} failed (exit ${result.code})${out ? `: ${firstLines(out, 8)}` : ""}`,
    );
    this.name = "VtyshError";
  }
}

function firstLines(s: string, n: number): string {
  const lines = s.split("\n");
  return lines.length > n ? `${lines.slice(0, n).join("\n")}\n…` : s;
}

/** stderr without vtysh's harmless complaint about a missing per-pathspace vtysh.conf. */
export function cleanStderr(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.trim() && !isVtyshNoise(l))
    .join("\n")
    .trim();
}

function baseArgs(pathspace: string, opts: VtyshOptions): string[] {
  if (!PATHSPACE.test(pathspace)) throw new Error(`invalid FRR pathspace '${pathspace}'`);
  const args = ["-N", pathspace];
  if (opts.daemon !== undefined) {
    if (!/^[a-z0-9]+$/.test(opts.daemon)) throw new Error(`invalid FRR daemon name '${opts.daemon}'`);
    args.push("-d", opts.daemon);
  }
  return args;
}

/**
 * Runs commands (each its own `-c`, in order, in one vtysh session: `configure terminal`
 * then config lines works) and returns stdout. Throws VtyshError when vtysh exits non-zero:
 * no daemon reachable ("Exiting: failed to connect to any daemons."), a daemon the command
 * needs is down ("bgpd is not running"), or a command failed ("% Unknown command: …", which
 * vtysh prints on stdout).
 */
export async function vtysh(pathspace: string, commands: readonly string[], opts: VtyshOptions = {}): Promise<string> {
  if (commands.length === 0) throw new Error("vtysh: no command given");
  const args = [...baseArgs(pathspace, opts), ...commands.flatMap((c) => ["-c", c])];
  const r = await runVtysh(args, opts.timeoutMs);
  if (r.code !== 0) throw new VtyshError(pathspace, args.slice(2), r);
  return r.stdout;
}

/** Appends ` json` to a show command unless it already ends with it. */
export function withJson(command: string): string {
  const c = command.trim();
  return /(^|\s)json$/.test(c) ? c : `${c} json`;
}

/** Runs one show command with `json` and parses ALL of stdout (large tables come in pieces). */
export async function vtyshJson<T>(pathspace: string, command: string, opts: VtyshOptions = {}): Promise<T> {
  const cmd = withJson(command);
  const out = await vtysh(pathspace, [cmd], opts);
  if (!out.trim()) throw new Error(`vtysh -N ${pathspace} -c '${cmd}': empty output`);
  try {
    return JSON.parse(out) as T;
  } catch (e) {
    throw new Error(
      `vtysh -N ${pathspace} -c '${cmd}': not JSON (${(e as Error).message}): ${out.slice(0, 200).trim()}`,
    );
  }
}

/**
 * Pushes a whole frr.conf into the running instance (`vtysh -N ps -f FILE`, what FRR's own
 * topotests do). vtysh sends each line to the daemon(s) that own it and goes on after an
 * error; it throws VtyshError with `errors` (per line) if any line failed. Lines for a
 * daemon that is not running are dropped silently by vtysh (FRR 8.4).
 */
export async function vtyshApply(pathspace: string, confFile: string, opts: VtyshOptions = {}): Promise<void> {
  const args = [...baseArgs(pathspace, opts), "-f", confFile];
  const r = await runVtysh(args, opts.timeoutMs);
  if (r.code === 0) return;
  const text = await readFile(confFile, "utf8").catch(() => undefined);
  const errors = parseVtyshErrors(r.stderr, text);
  // A daemon's own reason ("% Specify remote-as or peer-group commands first") comes on
  // stdout, one line per refused line: pair them when the counts agree.
  const refused = errors.filter((e) => e.message.startsWith("Failure to communicate"));
  const reasons = r.stdout.split("\n").filter((l) => l.trim());
  if (refused.length && refused.length === reasons.length) {
    refused.forEach((e, i) => {
      e.message = `${e.message.replace("Failure to communicate to", "refused by")}: ${reasons[i]?.trim()}`;
    });
  }
  throw new VtyshError(pathspace, args.slice(2), r, errors);
}
