// Show commands straight to a node's BIRD control socket (what birdc talks to), without a
// birdc process: deploy's readiness polls every router several times a second, and one
// socket round trip costs well under a millisecond where a process costs milliseconds of CPU.
//
// Protocol (BIRD 2 sysdep/unix/main.c, client/client.c): on connect BIRD greets with
// `0001 BIRD 2.0.12 ready.`; the client writes one command per line; each reply line is
// `DDDD-text` (more follows), ` text` (more, same code as the line before) or `DDDD text`
// (the last line). Codes 0xxx end a successful reply, 8xxx a run-time error, 9xxx a parse
// error; 1xxx/2xxx are data lines (1002 a protocol, 1006 its details, 1007 a route, …).
// birdc prints the same lines without their codes.
import net from "node:net";

export class BirdControlError extends Error {
  constructor(
    message: string,
    /** BIRD's reply code when BIRD answered with an error (8xxx, 9xxx). */
    readonly code?: number,
  ) {
    super(message);
    this.name = "BirdControlError";
  }
}

export interface ReplyLine {
  code: number;
  text: string;
}

/** Splits a reply into lines with their codes; `done` once its last line arrived. */
export function parseReply(raw: string): { lines: ReplyLine[]; done: boolean; last?: ReplyLine } {
  const lines: ReplyLine[] = [];
  let code = 0;
  for (const l of raw.split("\n")) {
    const m = /^(\d{4})([ -])(.*)$/.exec(l);
    if (m) {
      code = Number(m[1]);
      const line = { code, text: m[3] ?? "" };
      lines.push(line);
      if (m[2] === " ") return { lines, done: true, last: line };
    } else if (l.startsWith(" ")) {
      lines.push({ code, text: l.slice(1) });
    }
  }
  return { lines, done: false };
}

/**
 * Runs one command on the BIRD behind `socket` and returns its reply lines (without the
 * final status line when that is a bare 0000). Throws BirdControlError when BIRD is not
 * there ("is not running") or refuses the command.
 */
export function birdCommand(socket: string, command: string, timeoutMs = 10_000): Promise<ReplyLine[]> {
  if (/[\n\r\0]/.test(command)) throw new Error("a BIRD command is one line");
  return new Promise((resolve, reject) => {
    let buf = "";
    let greeted = false;
    let settled = false;
    const s = net.connect(socket);
    const finish = (err?: Error, lines?: ReplyLine[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(lines ?? []);
    };
    const timer = setTimeout(
      () => finish(new BirdControlError(`BIRD (${socket}) did not answer '${command}' in ${timeoutMs} ms`)),
      timeoutMs,
    );
    s.on("data", (d: Buffer) => {
      buf += d.toString("utf8");
      if (!greeted) {
        const nl = buf.indexOf("\n");
        if (nl < 0) return;
        if (!buf.startsWith("0001 ")) return finish(new BirdControlError(`not a BIRD control socket: ${socket}`));
        greeted = true;
        buf = buf.slice(nl + 1);
        s.write(`${command}\n`);
      }
      // Only complete lines count: the last one may still be arriving.
      const complete = buf.slice(0, buf.lastIndexOf("\n") + 1);
      const reply = parseReply(complete);
      if (!reply.done || !reply.last) return;
      if (reply.last.code >= 8000) {
        return finish(new BirdControlError(`BIRD refused '${command}': ${reply.last.text}`, reply.last.code));
      }
      finish(undefined, reply.last.code === 0 && reply.last.text === "" ? reply.lines.slice(0, -1) : reply.lines);
    });
    s.on("error", (e: NodeJS.ErrnoException) =>
      finish(new BirdControlError(`bird is not running (control socket ${socket}: ${e.code ?? e.message})`)),
    );
    s.on("close", () => finish(new BirdControlError(`BIRD (${socket}) closed the connection before answering`)));
  });
}

/** The reply as birdc prints it: the lines without their codes. */
export async function birdShow(socket: string, command: string, timeoutMs?: number): Promise<string> {
  return (await birdCommand(socket, command, timeoutMs)).map((l) => `${l.text}\n`).join("");
}
