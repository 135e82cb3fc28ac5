// Where a lab lives on the host. Every name wirelab creates is derived here, so destroy
// and inspect find exactly what a lab owns and nothing else.
import path from "node:path";

/** Root of wirelab's run-time files (tmpfs: gone after reboot, as namespaces are). */
export const RUN_ROOT = process.env.WIRELAB_RUN_ROOT ?? "/run/wirelab";
/** FRR's per-pathspace run directories live under here (`-N NAME` → FRR_RUN/NAME). */
export const FRR_RUN = "/var/run/frr";
/** Shared by every ospfd instance on the machine, pathspace or not (FRR 8.4). */
export const OSPF_GR_FILE = `${FRR_RUN}/ospfd-gr.json`;
export const NETNS_RUN = "/run/netns";
export const FRR_BIN = "/usr/lib/frr";

/**
 * Namespace name of a node, also its FRR pathspace: `wl_<lab>_<node>`. Lab names carry
 * no `_` and no dots (FRR refuses dots in pathspaces), so the mapping is unambiguous.
 */
export function nsName(lab: string, node: string): string {
  return `wl_${lab}_${node}`;
}

export function labDir(lab: string): string {
  return path.join(RUN_ROOT, "labs", lab);
}

export function stateFile(lab: string): string {
  return path.join(labDir(lab), "state.json");
}

/**
 * Parent of the node directories. Deploy bind-mounts it onto itself (private), so that the
 * nodes' UTS bind mounts sit below one mount and destroy detaches them all with one lazy
 * unmount (umount(8) per file costs ~5 ms each once a host has 2000 mounts).
 */
export function nodesDir(lab: string): string {
  return path.join(labDir(lab), "nodes");
}

export function nodeDir(lab: string, node: string): string {
  return path.join(nodesDir(lab), node);
}

/**
 * The one directory of a node its software may write (logs): root owns everything else in
 * the lab's tree. A stack makes it for its user (FRR: frr.log); a container gets it
 * read-write while the rest of the node directory is mounted read-only.
 */
export function nodeLogDir(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "log");
}

/** Bind-mounted UTS namespace of a node: gives it its own hostname. */
export function utsFile(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "uts");
}

export function netnsPath(ns: string): string {
  return path.join(NETNS_RUN, ns);
}

export function frrDir(pathspace: string): string {
  return path.join(FRR_RUN, pathspace);
}

/**
 * vtysh reads `<config_dir>/<pathspace>/vtysh.conf` and complains when it is missing;
 * each lab keeps an empty one here (passed with `--config_dir`), removed with the lab.
 */
export function vtyshConfigDir(lab: string): string {
  return path.join(labDir(lab), "vtysh");
}

/** Docker container of a container node: the same name as its namespace. */
export function containerName(lab: string, node: string): string {
  return nsName(lab, node);
}

/**
 * A container node's mount and PID namespaces, bind-mounted at deploy (its UTS namespace
 * uses utsFile): `nsenter` with these runs a command inside the container, without a pid.
 */
export function mntNsFile(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "mnt");
}
export function pidNsFile(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "pidns");
}

/** A lab's Docker management network (`management:`). */
export function mgmtNetworkName(lab: string): string {
  return `wl_${lab}_mgmt`;
}

/** The lab a pathspace belongs to (`wl_<lab>_<node>`; lab names have no `_`). */
export function labOfPathspace(pathspace: string): string | undefined {
  return /^wl_([^_]+)_/.exec(pathspace)?.[1];
}
