// The Docker Engine API, through dockerode over the daemon's unix socket. No docker CLI:
// every call here is an API request with structured arguments (commands are argv arrays).
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { failureMessage, type RunResult } from "../../util/exec.js";

export const DOCKER_SOCKET = process.env.WIRELAB_DOCKER_SOCKET ?? "/var/run/docker.sock";

/** Labels on everything wirelab makes in Docker: destroy finds a lab's objects by them. */
export const LABEL_LAB = "wirelab.lab";
export const LABEL_NODE = "wirelab.node";
export const LABEL_KIND = "wirelab.kind";

export class DockerUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `no Docker daemon answers on ${DOCKER_SOCKET} (${detail}); start one (dockerd, or scripts/docker-setup.sh) or use runtime: netns`,
    );
    this.name = "DockerUnavailableError";
  }
}

let client: Docker | undefined;

/**
 * dockerode (and its request stack) loads on first use: about 0.2 s of every command's start
 * otherwise, paid by labs that use no container at all.
 */
export function docker(): Docker {
  if (!client) {
    const Dockerode = createRequire(import.meta.url)("dockerode") as typeof Docker;
    client = new Dockerode({ socketPath: DOCKER_SOCKET });
  }
  return client;
}

/** Throws DockerUnavailableError unless the daemon answers /_ping. */
export async function requireDocker(): Promise<Docker> {
  const d = docker();
  try {
    await d.ping();
  } catch (e) {
    throw new DockerUnavailableError((e as Error).message);
  }
  return d;
}

export async function dockerAvailable(): Promise<boolean> {
  try {
    await docker().ping();
    return true;
  } catch {
    return false;
  }
}

export function statusCode(e: unknown): number | undefined {
  return (e as { statusCode?: number } | undefined)?.statusCode;
}

/** Splits Docker's multiplexed exec/attach stream (8-byte frame headers) into stdout and stderr. */
export function demux(onOut: (b: Buffer) => void, onErr: (b: Buffer) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const type = buf.readUInt8(0);
      const len = buf.readUInt32BE(4);
      if (buf.length < 8 + len) break;
      const payload = buf.subarray(8, 8 + len);
      if (type === 2) onErr(payload);
      else onOut(payload);
      buf = buf.subarray(8 + len);
    }
  };
}

export interface ContainerExecOptions {
  /** Written to the command's stdin, then closed. */
  input?: string;
  /** Kill the command (by its host pid) after this many ms. */
  timeoutMs?: number;
  user?: string;
}

/**
 * Runs argv inside a running container through the exec API and collects its whole output
 * (never throws on the exit code; throws when the container is not there or not running).
 */
export async function containerExec(
  container: string,
  argv: readonly string[],
  opts: ContainerExecOptions = {},
): Promise<RunResult> {
  const exec = await docker()
    .getContainer(container)
    .exec({
      Cmd: [...argv],
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: opts.input !== undefined,
      User: opts.user,
    });
  const stream = (await exec.start({ hijack: true, stdin: opts.input !== undefined })) as Duplex;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  await new Promise<void>((resolve, reject) => {
    stream.on(
      "data",
      demux(
        (b) => out.push(Buffer.from(b)),
        (b) => err.push(Buffer.from(b)),
      ),
    );
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", reject);
    if (opts.input !== undefined) stream.end(opts.input);
    if (opts.timeoutMs) {
      timer = setTimeout(async () => {
        timedOut = true;
        const pid = (await exec.inspect().catch(() => undefined))?.Pid;
        if (pid && pid > 1) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // ended meanwhile
          }
        }
        stream.destroy();
      }, opts.timeoutMs);
    }
  }).finally(() => clearTimeout(timer));
  // The stream can end a moment before the daemon records the exit code: wait for it.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 200; i++) {
    await new Promise((r) => setTimeout(r, 10));
    info = await exec.inspect();
  }
  const code = timedOut ? 124 : (info.ExitCode ?? 1);
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

export class ContainerExecError extends Error {
  constructor(
    readonly container: string,
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    super(failureMessage(`${container}: ${argv.join(" ")}`, result));
    this.name = "ContainerExecError";
  }
}

export async function containerExecOk(
  container: string,
  argv: readonly string[],
  opts: ContainerExecOptions = {},
): Promise<RunResult> {
  const r = await containerExec(container, argv, opts);
  if (r.code !== 0) throw new ContainerExecError(container, argv, r);
  return r;
}
