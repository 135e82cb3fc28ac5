// Refuse up front a lab that would not fit, rather than let the machine swap or the OOM
// killer pick off routers half-way through a deploy.
import { readFile } from "node:fs/promises";
import type { Lab } from "./model.js";

/** Measured here: zebra + staticd + bgpd of a small lab ≈ 15 MB RSS; room for big tables. */
export const FRR_NODE_MB = 25;
/** A namespace with a few interfaces, its hostname namespace and run files. */
export const OTHER_NODE_MB = 1;

export interface Fit {
  neededMb: number;
  availableMb: number;
  ok: boolean;
  message?: string;
}

export function estimateMb(lab: Lab): number {
  return lab.nodes.reduce((mb, n) => mb + (n.stack?.name === "frr" ? FRR_NODE_MB : OTHER_NODE_MB), 0);
}

/** Pure decision, so it is tested without a machine that is really short of memory. */
export function checkFit(lab: Lab, availableMb: number): Fit {
  const neededMb = estimateMb(lab);
  // Leave a quarter of what is free to the rest of the machine.
  const ok = neededMb <= availableMb * 0.75;
  const routers = lab.nodes.filter((n) => n.stack?.name === "frr").length;
  return {
    neededMb,
    availableMb,
    ok,
    message: ok
      ? undefined
      : `lab '${lab.name}' needs about ${neededMb} MB (${routers} FRR routers × ~${FRR_NODE_MB} MB, ${lab.nodes.length - routers} other nodes) but this machine has ${availableMb} MB available; deploy fewer nodes or free memory`,
  };
}

export async function availableMb(): Promise<number> {
  const info = await readFile("/proc/meminfo", "utf8");
  const kb = Number(/^MemAvailable:\s+(\d+) kB/m.exec(info)?.[1] ?? Number.NaN);
  return Number.isFinite(kb) ? Math.floor(kb / 1024) : Number.POSITIVE_INFINITY;
}
