// Runs programs with argument arrays only: user input never reaches a shell.
import { spawn } from "node:child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the child's stdin, then closed. */
  input?: string;
  /** Kill the child after this many milliseconds. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion and collects all of its output (never throws on exit code). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: opts.env ?? process.env,
      timeout: opts.timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.on("error", () => {}); // a child that exits early closes its stdin
    child.stdin.end(opts.input ?? "");
  });
}

/** "WHAT failed (exit N): first lines of its output", for any program run, host or container. */
export function failureMessage(what: string, result: RunResult): string {
  const detail = (result.stderr || result.stdout).trim().split("\n").slice(0, 5).join("\n");
  return `${what} failed (exit ${result.code})${detail ? `: ${detail}` : ""}`;
}

export class CommandError extends Error {
  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly result: RunResult,
  ) {
    super(failureMessage(`${cmd} ${args.join(" ")}`, result));
    this.name = "CommandError";
  }
}

/** Runs a command and throws CommandError when it exits non-zero. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new CommandError(cmd, args, r);
  return r;
}
