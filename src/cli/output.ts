// Human output: tables and progress on stderr. Machines use --json.
import Table from "cli-table3";
import type { ProgressEvent } from "../core/executor.js";

export function table(head: string[], rows: (string | number | undefined)[][]): string {
  const t = new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of rows) t.push(r.map((c) => (c === undefined ? "" : String(c))));
  return t.toString();
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Progress for anything that takes a while: one line per phase, live counters on a TTY. */
export function progressPrinter(quiet: boolean): (e: ProgressEvent) => void {
  const tty = process.stderr.isTTY;
  const write = (s: string) => {
    if (!quiet) process.stderr.write(s);
  };
  const lastLine = new Map<string, string>();
  return (e) => {
    switch (e.type) {
      case "phase":
        if (tty) write(`  ${e.label} 0/${e.total}`);
        break;
      case "step":
        if (tty) write(`\r\x1b[K  ${e.phase} ${e.done}/${e.total}`);
        break;
      case "phase-done":
        write(`${tty ? "\r\x1b[K" : ""}  ✓ ${e.label} (${seconds(e.ms)})\n`);
        break;
      case "note":
        write(`${tty ? "\r\x1b[K" : ""}  note: ${e.message}\n`);
        break;
      case "ready": {
        const p = e.progress;
        const line = `  ${p.summary}`;
        if (p.done || p.timedOut) {
          write(`${tty ? "\r\x1b[K" : ""}  ${p.done ? "✓" : "✗"} ${line.trim()} (${seconds(p.ms)})\n`);
        } else if (tty && line !== lastLine.get(p.protocol)) {
          write(`\r\x1b[K${line}`);
        }
        lastLine.set(p.protocol, line);
        break;
      }
    }
  };
}

/**
 * A topology wirelab wrote (generate, convert), to `output` or stdout. The text is loaded
 * back first: what comes out must be a topology wirelab deploys (a failure is our bug).
 */
export async function emitTopology(text: string, output: string | undefined, shown: string): Promise<number> {
  const { parseTopology } = await import("../topology/load.js");
  const lab = parseTopology(text, output ?? shown);
  if (output) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(output, text);
    process.stderr.write(`Wrote ${output}: lab '${lab.name}', ${lab.nodes.length} nodes, ${lab.links.length} links\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
