// Read-only show commands straight to one FRR daemon's vty socket
// (/var/run/frr/<pathspace>/<daemon>.vty), the socket vtysh itself talks to. Why: a vtysh
// process costs about 25 ms of CPU; polling 100 routers every 100 ms through vtysh would
// take both cores of a small machine away from the daemons it waits for, while one socket
// round trip costs well under 1 ms. The session starts in FRR's view mode, so only show
// commands are possible here; configuration always goes through vtysh.
//
// Protocol (FRR lib/vty.c, vtysh_read): the client writes the command terminated by NUL;
// the daemon answers with the output followed by four bytes 0 0 0 <status>, status 0 for
// success (CMD_SUCCESS).
import net from "node:net";
import path from "node:path";
import { frrDir } from "../../core/paths.js";

export class VtyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "VtyError";
  }
}

const DAEMON = /^[a-z0-9]+$/;
const PATHSPACE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Runs one show command on a daemon of a pathspace and returns its output. */
export function vtyShow(
  pathspace: string,
  daemon: string,
  command: string,
  timeoutMs = 10_000,
  /** Commands sent first, their output dropped: `enable` for show commands bfdd has only there. */
  prelude: readonly string[] = [],
): Promise<string> {
  if (!PATHSPACE.test(pathspace)) throw new Error(`invalid FRR pathspace '${pathspace}'`);
  if (!DAEMON.test(daemon)) throw new Error(`invalid FRR daemon name '${daemon}'`);
  for (const c of [...prelude, command]) {
    if (c.includes("\0") || c.includes("\n")) throw new Error("a vty command is one line");
  }
  const queue = [...prelude, command];
  const socket = path.join(frrDir(pathspace), `${daemon}.vty`);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let tail = Buffer.alloc(0);
    let settled = false;
    const s = net.connect(socket);
    const finish = (err?: Error, out?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(out ?? "");
    };
    const timer = setTimeout(
      () => finish(new VtyError(`${daemon} of ${pathspace} did not answer '${command}' in ${timeoutMs} ms`)),
      timeoutMs,
    );
    s.on("connect", () => s.write(`${queue.shift()}\0`));
    s.on("data", (d: Buffer) => {
      chunks.push(d);
      // Only the last four bytes can be the end marker; keep them across chunks.
      tail = Buffer.concat([tail, d]).subarray(-4);
      if (tail.length === 4 && tail[0] === 0 && tail[1] === 0 && tail[2] === 0) {
        const all = Buffer.concat(chunks);
        const out = all.subarray(0, all.length - 4).toString("utf8");
        const status = tail[3] ?? 0;
        if (status === 0 && queue.length) {
          // A prelude command answered: on to the next, its output dropped.
          chunks.length = 0;
          tail = Buffer.alloc(0);
          s.write(`${queue.shift()}\0`);
          return;
        }
        if (status !== 0) {
          finish(new VtyError(`${daemon} of ${pathspace}: '${command}' failed: ${out.trim()}`, status));
        } else {
          finish(undefined, out);
        }
      }
    });
    s.on("error", (e) => finish(new VtyError(`${daemon} of ${pathspace} is not reachable (${socket}): ${e.message}`)));
    s.on("close", () => finish(new VtyError(`${daemon} of ${pathspace} closed the vty before answering`)));
  });
}

/** A show command with `json`, parsed (all of the output). */
export async function vtyJson<T>(
  pathspace: string,
  daemon: string,
  command: string,
  timeoutMs?: number,
  prelude: readonly string[] = [],
): Promise<T> {
  const cmd = /(^|\s)json$/.test(command.trim()) ? command.trim() : `${command.trim()} json`;
  const out = await vtyShow(pathspace, daemon, cmd, timeoutMs, prelude);
  if (!out.trim()) throw new VtyError(`${daemon} of ${pathspace}: '${cmd}' gave no output`);
  try {
    return JSON.parse(out) as T;
  } catch (e) {
    throw new VtyError(`${daemon} of ${pathspace}: '${cmd}' is not JSON (${(e as Error).message})`);
  }
}
