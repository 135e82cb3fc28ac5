// Capabilities for router containers. `--privileged` asks for every capability the kernel
// knows; where the host's bounding set lacks one (as on machines where CAP_SYS_RESOURCE is
// dropped), runc fails with "unable to apply caps: operation not permitted". wirelab then
// asks for exactly what the host allows: the bounding set read from /proc/self/status.
import { readFile } from "node:fs/promises";

/** Capability names by bit number (linux/capability.h), as Docker spells them (no CAP_). */
export const CAP_NAMES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
] as const;

/** What routers need at the least: interfaces, routes, raw sockets, namespaces, mounts. */
export const REQUIRED_CAPS = ["NET_ADMIN", "NET_RAW", "SYS_ADMIN", "NET_BIND_SERVICE", "SETUID", "SETGID", "CHOWN"];

export interface CapPlan {
  /** The host allows every capability: run privileged, as the seed did. */
  privileged: boolean;
  /** Otherwise: the explicit list to add (every capability the host's bounding set holds). */
  capAdd: string[];
  /** Capabilities the host withholds (by name); empty when privileged. */
  missing: string[];
  /** One sentence for the user when falling back; undefined when privileged. */
  note?: string;
}

/** Parses a CapBnd hex mask into capability names, given the kernel's last capability. */
export function capsFromMask(hex: string, lastCap: number): { have: string[]; missing: string[] } {
  const mask = BigInt(`0x${hex.trim()}`);
  const have: string[] = [];
  const missing: string[] = [];
  for (let bit = 0; bit <= Math.min(lastCap, CAP_NAMES.length - 1); bit++) {
    const name = CAP_NAMES[bit] as string;
    if (mask & (1n << BigInt(bit))) have.push(name);
    else missing.push(name);
  }
  return { have, missing };
}

export function planCaps(hex: string, lastCap: number): CapPlan {
  const { have, missing } = capsFromMask(hex, lastCap);
  if (missing.length === 0) return { privileged: true, capAdd: [], missing };
  const lacking = REQUIRED_CAPS.filter((c) => !have.includes(c));
  if (lacking.length) {
    throw new Error(
      `this host's capability bounding set lacks ${lacking.map((c) => `CAP_${c}`).join(", ")}, which router containers need`,
    );
  }
  return {
    privileged: false,
    capAdd: have,
    missing,
    note: `this host refuses --privileged (its capability bounding set lacks ${missing.map((c) => `CAP_${c}`).join(", ")}): containers get an explicit list of the capabilities it allows instead`,
  };
}

let cached: CapPlan | undefined;

/** The capability plan for this host, from /proc/self/status (CapBnd) and cap_last_cap. */
export async function hostCapPlan(): Promise<CapPlan> {
  if (cached) return cached;
  const status = await readFile("/proc/self/status", "utf8");
  const hex = /^CapBnd:\s*([0-9a-fA-F]+)/m.exec(status)?.[1];
  if (!hex) throw new Error("cannot read CapBnd from /proc/self/status");
  const last = Number((await readFile("/proc/sys/kernel/cap_last_cap", "utf8").catch(() => "40")).trim());
  cached = planCaps(hex, Number.isInteger(last) ? last : 40);
  return cached;
}
