// Capabilities and confinement of container nodes. A node gets the capabilities its kind
// needs (nodeCapabilities), Docker's default masked and read-only paths, AppArmor's default
// profile, and no_new_privs: a process in a node must not become root on the host. Full
// privilege is a node's explicit `privileged: true`. `--privileged` asks for every
// capability the kernel knows; where the host's bounding set lacks one (as on machines where
// CAP_SYS_RESOURCE is dropped), runc fails with "unable to apply caps: operation not
// permitted"; such nodes then get exactly what the host allows (the bounding set read from
// /proc/self/status).
import { readFile } from "node:fs/promises";
import type { NodeModel } from "../../core/model.js";

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

/** Every node: its interfaces, addresses and routes (NET_ADMIN); raw sockets: ping, OSPF (NET_RAW). */
const NETWORK_CAPS = ["NET_ADMIN", "NET_RAW"];
/**
 * FRR routers in addition, each found missing one at a time with FRR 8.4 (Debian bookworm):
 * - SYS_ADMIN: zebra and bgpd put it in their permitted set when they drop to user frr (for
 *   VRFs as namespaces) and exit when they cannot ("privs_init: initial cap_set_proc failed;
 *   Wanted caps: cap_net_admin,cap_net_raw,cap_sys_admin=p"). It also allows mount(2): see
 *   NO_MOUNT_SECCOMP for how a router is kept from using that where AppArmor is absent;
 * - NET_BIND_SERVICE: bgpd keeps it to listen on port 179 (also in its wanted set);
 * - SETUID, SETGID: FRR's privilege drop to user frr (setgroups, setreuid);
 * - CHOWN: `install -o frr` of /var/run/frr and the node directory before the daemons start;
 * - DAC_OVERRIDE: vtysh runs as root through the exec API and must reach frr's 0770 sockets
 *   and read the 0640 /etc/frr/vtysh.conf.
 * Not needed: FOWNER, KILL, MKNOD, SYS_CHROOT, SETFCAP, AUDIT_WRITE (Docker's other defaults).
 */
const ROUTER_CAPS = ["SYS_ADMIN", "NET_BIND_SERVICE", "SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE"];

/**
 * The capabilities a node's container gets (Docker's defaults dropped): network ones for
 * every node; FRR's for routers; SYS_ADMIN for an image with a port namespace, whose own
 * init runs `ip netns add` (unshare and mount) and `ip netns exec` (setns, mount of /sys).
 */
export function nodeCapabilities(node: NodeModel): string[] {
  const caps = [...NETWORK_CAPS];
  if (node.role === "router") caps.push(...ROUTER_CAPS);
  else if (node.runtime.container?.portNamespace) caps.push("SYS_ADMIN");
  return caps;
}

/** The node's image mounts file systems itself (a port namespace: `ip netns add/exec`). */
export function needsMounts(node: NodeModel): boolean {
  return node.runtime.container?.portNamespace !== undefined;
}

/**
 * A seccomp profile for nodes that hold CAP_SYS_ADMIN but must not mount, used where the
 * host has no AppArmor (whose docker-default profile denies mount and writes to
 * /proc/sys/kernel). Without either, CAP_SYS_ADMIN is enough to `umount /proc/sys` (or
 * mount a new proc) and write /proc/sys/kernel/core_pattern: root on the host. The profile
 * allows by default (it replaces Docker's, so it also refuses what Docker's refuses and a
 * router has no use for): the mount API, new namespaces, kernel keyrings, BPF, perf,
 * userfaultfd, file handles, modules, kexec, clock and reboot, io_uring. clone3 answers
 * ENOSYS so that the C library falls back to clone, whose flags can be checked.
 */
export const NO_MOUNT_SECCOMP: string = JSON.stringify({
  defaultAction: "SCMP_ACT_ALLOW",
  syscalls: [
    {
      names: [
        ...["mount", "umount", "umount2", "pivot_root", "chroot", "mount_setattr"],
        ...["fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree"],
        ...["unshare", "setns", "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd"],
        ...["name_to_handle_at", "open_by_handle_at", "lookup_dcookie", "fanotify_init", "quotactl", "quotactl_fd"],
        ...["syslog", "acct", "swapon", "swapoff", "reboot", "kexec_load", "kexec_file_load"],
        ...["init_module", "finit_module", "delete_module", "create_module", "get_kernel_syms", "query_module"],
        ...["settimeofday", "clock_settime", "clock_adjtime", "stime", "iopl", "ioperm", "vhangup"],
        ...["nfsservctl", "uselib", "_sysctl", "sysfs", "ustat"],
        ...["io_uring_setup", "io_uring_enter", "io_uring_register"],
      ],
      action: "SCMP_ACT_ERRNO",
      errnoRet: 1, // EPERM
    },
    { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 }, // ENOSYS
    // clone(2) with CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
    // CLONE_NEWPID or CLONE_NEWNET: one rule per flag (a rule matches (flags & bit) == bit).
    ...[0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000].map((bit) => ({
      names: ["clone"],
      action: "SCMP_ACT_ERRNO",
      errnoRet: 1,
      args: [{ index: 0, value: bit, valueTwo: bit, op: "SCMP_CMP_MASKED_EQ" }],
    })),
  ],
});

export interface CapPlan {
  /** The host allows every capability: a `privileged: true` node runs --privileged. */
  privileged: boolean;
  /** Otherwise: what a `privileged: true` node gets (every capability the host's bounding set holds). */
  capAdd: string[];
  /** Capabilities the host's bounding set holds (all of them when privileged). */
  have: string[];
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
  if (missing.length === 0) return { privileged: true, capAdd: [], have, missing };
  // Every container node needs these; what routers need besides is checked per node (containerSpec).
  const lacking = NETWORK_CAPS.filter((c) => !have.includes(c));
  if (lacking.length) {
    throw new Error(
      `this host's capability bounding set lacks ${lacking.map((c) => `CAP_${c}`).join(", ")}, which container nodes need`,
    );
  }
  return {
    privileged: false,
    capAdd: have,
    have,
    missing,
    note: `this host refuses --privileged (its capability bounding set lacks ${missing.map((c) => `CAP_${c}`).join(", ")}): nodes with privileged: true get an explicit list of the capabilities it allows instead`,
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
