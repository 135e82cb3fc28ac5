// One command at a time per lab: deploy, destroy and run-time changes take the lab's lock,
// so two of them never interleave. Different labs lock different files and run in parallel.
import { open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { ensureDirChain } from "../util/safe-fs.js";
import { RUN_ROOT } from "./paths.js";

interface Holder {
  pid: number;
  /** Process start time (clock ticks since boot), so a reused pid is not mistaken for the holder. */
  start: string;
  op: string;
  since: string;
}

export class LabBusyError extends Error {
  constructor(
    readonly lab: string,
    readonly holder: Holder,
  ) {
    super(`lab '${lab}' is busy: ${holder.op} by pid ${holder.pid} since ${holder.since}; try again when it ends`);
    this.name = "LabBusyError";
  }
}

export function lockFile(lab: string): string {
  return path.join(RUN_ROOT, "locks", `${lab}.lock`);
}

async function startTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined; // exited, not yet reaped
    return fields[19]; // field 22 of stat: starttime
  } catch {
    return undefined;
  }
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Holder;
  } catch {
    return undefined; // gone, or being written: try again
  }
}

async function holderAlive(h: Holder): Promise<boolean> {
  return (await startTime(h.pid)) === h.start;
}

export interface LockOptions {
  /** What the holder is doing, shown to whoever waits ("deploy", "destroy", …). */
  op: string;
  /** How long to wait for another command on the same lab (default 30 s; 0: fail at once). */
  waitMs?: number;
  /** Called once when we start waiting. */
  onWait?: (holder: Holder) => void;
}

/**
 * Takes the lab's lock, waiting for a live holder up to `waitMs`; a lock left by a process
 * that died (kill -9) is taken over. Returns the release function.
 */
export async function lockLab(lab: string, opts: LockOptions): Promise<() => Promise<void>> {
  const file = lockFile(lab);
  // Root's alone (0700): nobody else may plant or remove a lock.
  await ensureDirChain(path.dirname(RUN_ROOT), [path.basename(RUN_ROOT)], 0o755);
  await ensureDirChain(RUN_ROOT, ["locks"], 0o700);
  const me: Holder = {
    pid: process.pid,
    start: (await startTime(process.pid)) ?? "",
    op: opts.op,
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  let told = false;
  for (;;) {
    try {
      const fh = await open(file, "wx");
      await fh.writeFile(JSON.stringify(me));
      await fh.close();
      return async () => {
        const h = await readHolder(file);
        if (h?.pid === me.pid && h.start === me.start) await unlink(file).catch(() => {});
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = await readHolder(file);
    if (holder && !(await holderAlive(holder))) {
      // Stale: its process is gone. Remove only if it is still that same stale lock.
      const again = await readHolder(file);
      if (again && again.pid === holder.pid && again.start === holder.start) await unlink(file).catch(() => {});
      continue;
    }
    if (holder && Date.now() >= deadline) throw new LabBusyError(lab, holder);
    if (holder && !told) {
      opts.onWait?.(holder);
      told = true;
    }
    await delay(50);
  }
}

/** Runs `fn` holding the lab's lock. */
export async function withLabLock<T>(lab: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await lockLab(lab, opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}
