// Scratch directories for config checks (`bird -p`, `vtysh -C` read a file): private, named
// after the process that made them, removed when the check ends. A process killed half-way
// (SIGKILL, an OOM kill) cannot remove its own, so each new one first sweeps those of
// processes that no longer exist: nothing of ours stays in /tmp past the next check.
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const NAME = /^wirelab-[a-z]+-(\d+)-[A-Za-z0-9]{6}$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, someone else's.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the scratch directories of processes that are gone; returns their paths. */
export async function sweepScratch(dir = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = NAME.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const p = path.join(dir, name);
    const st = await lstat(p).catch(() => undefined);
    // Only a real directory of the same owner as this process (root): never a link, never
    // another user's look-alike in the shared /tmp.
    if (!st?.isDirectory() || st.uid !== (process.getuid?.() ?? st.uid)) continue;
    await rm(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}

/** Runs `fn` with a fresh private directory `wirelab-<kind>-<pid>-XXXXXX`, removed afterwards. */
export async function withScratchDir<T>(kind: string, fn: (dir: string) => Promise<T>): Promise<T> {
  if (!/^[a-z]+$/.test(kind)) throw new Error(`scratch kind must be lowercase letters: '${kind}'`);
  await sweepScratch();
  const dir = await mkdtemp(path.join(os.tmpdir(), `wirelab-${kind}-${process.pid}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
