// Refuse up front a lab that would not fit, rather than let the machine swap or the OOM
// killer pick off routers half-way through a deploy.
import { readFile } from "node:fs/promises";
import { stackOf } from "../stacks/index.js";
import type { Lab } from "./model.js";

/** A namespace with a few interfaces, its hostname namespace and run files. */
export const OTHER_NODE_MB = 1;

export interface Fit {
  neededMb: number;
  availableMb: number;
  ok: boolean;
  message?: string;
}

/**
 * Each routing node as its stack estimates it (FRR: its daemons plus 0.7 MB per BGP peer,
 * ~24 MB for a small router; BIRD: ~3 MB plus 22 KB per session and, in Gao-Rexford labs,
 * 0.35 KB per route received), any other node 1 MB.
 * Whole MB, rounded up.
 */
export function estimateMb(lab: Lab): number {
  return Math.ceil(lab.nodes.reduce((mb, n) => mb + (stackOf(n)?.memoryMb(n, lab) ?? OTHER_NODE_MB), 0));
}

/** Pure decision, so it is tested without a machine that is really short of memory. */
export function checkFit(lab: Lab, availableMb: number): Fit {
  const neededMb = estimateMb(lab);
  // Leave a quarter of what is free to the rest of the machine.
  const ok = neededMb <= availableMb * 0.75;
  const routers = lab.nodes.filter((n) => stackOf(n)).length;
  const stacks = [...new Set(lab.nodes.map((n) => stackOf(n)?.name).filter(Boolean))].join("/").toUpperCase();
  const perRouter = routers ? Math.round((neededMb - (lab.nodes.length - routers) * OTHER_NODE_MB) / routers) : 0;
  return {
    neededMb,
    availableMb,
    ok,
    message: ok
      ? undefined
      : `lab '${lab.name}' needs about ${neededMb} MB (${routers} ${stacks} routers × ~${perRouter} MB, ${lab.nodes.length - routers} other nodes) but this machine has ${availableMb} MB available; deploy fewer nodes or free memory`,
  };
}

export async function availableMb(): Promise<number> {
  const info = await readFile("/proc/meminfo", "utf8");
  const kb = Number(/^MemAvailable:\s+(\d+) kB/m.exec(info)?.[1] ?? Number.NaN);
  return Number.isFinite(kb) ? Math.floor(kb / 1024) : Number.POSITIVE_INFINITY;
}
