// Processes of a lab: found by the network namespace they live in (the kernel's truth),
// ended by pid. Never by name pattern: other processes on the host are not ours.
import { readdir, readFile, readlink, stat } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

/** Inode of a namespace file (bind mount of /proc/PID/ns/net), or undefined when gone. */
export async function nsInode(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).ino;
  } catch {
    return undefined;
  }
}

/** Map namespace inode → pids living in it, from one pass over /proc. */
export async function pidsByNetns(inodes: ReadonlySet<number>): Promise<Map<number, number[]>> {
  const found = new Map<number, number[]>();
  if (inodes.size === 0) return found;
  const entries = await readdir("/proc");
  await Promise.all(
    entries.map(async (e) => {
      if (!/^\d+$/.test(e)) return;
      try {
        const link = await readlink(`/proc/${e}/ns/net`);
        const ino = Number(/\[(\d+)\]/.exec(link)?.[1]);
        if (inodes.has(ino)) {
          const list = found.get(ino) ?? [];
          list.push(Number(e));
          found.set(ino, list);
        }
      } catch {
        // process ended while we looked
      }
    }),
  );
  return found;
}

/** True while the process exists and is not a zombie (a zombie has exited; its parent reaps it). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const s = await readFile(`/proc/${pid}/stat`, "utf8");
    const state = s.slice(s.lastIndexOf(")") + 2, s.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to `graceMs` for exit, then SIGKILL what is left (graceMs 0: SIGKILL at once). */
export async function terminate(pids: readonly number[], graceMs = 3000): Promise<void> {
  if (pids.length === 0) return;
  const signal = (list: readonly number[], sig: NodeJS.Signals) => {
    for (const p of list) {
      try {
        process.kill(p, sig);
      } catch {
        // already gone
      }
    }
  };
  if (graceMs > 0) signal(pids, "SIGTERM");
  let left = [...pids];
  const deadline = Date.now() + graceMs;
  while (left.length && Date.now() < deadline) {
    left = (await Promise.all(left.map(async (p) => ((await isAlive(p)) ? p : 0)))).filter((p) => p);
    if (left.length) await delay(20);
  }
  if (left.length) {
    signal(left, "SIGKILL");
    const killDeadline = Date.now() + 2000;
    while (left.length && Date.now() < killDeadline) {
      left = (await Promise.all(left.map(async (p) => ((await isAlive(p)) ? p : 0)))).filter((p) => p);
      if (left.length) await delay(20);
    }
  }
}

/** Whether any live process on the machine has this command name (/proc/PID/comm). */
export async function anyAlive(comm: string): Promise<boolean> {
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const name = (await readFile(`/proc/${e}/comm`, "utf8").catch(() => "")).trim();
    if (name === comm && (await isAlive(Number(e)))) return true;
  }
  return false;
}
