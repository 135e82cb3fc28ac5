// BIRD's files for one node, derived from core/paths.ts (so destroy finds what deploy made).
// Everything lives in the node's directory, which the lab's teardown removes as a whole:
//   bird.conf      root's, 0640 group bird (0600 when BIRD runs as root)
//   run/           made fresh for BIRD's user: control socket and pid file
//   log/bird.log   the node's log directory, made fresh for BIRD's user
import path from "node:path";
import { nodeDir, nodeLogDir } from "../../core/paths.js";

/** The host's BIRD 2 (Debian `bird2`); the daemon and its client. */
export const BIRD_BIN = process.env.WIRELAB_BIRD ?? "/usr/sbin/bird";

export function confPath(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "bird.conf");
}

/**
 * The node's run directory: the control socket and the pid file. BIRD opens its pid file
 * after dropping root, so the directory must be its user's; made fresh at deploy (a
 * directory someone else prepared is refused), and root never writes in it.
 */
export function runDir(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "run");
}

export function socketPath(lab: string, node: string): string {
  return path.join(runDir(lab, node), "bird.ctl");
}

export function pidPath(lab: string, node: string): string {
  return path.join(runDir(lab, node), "bird.pid");
}

/** BIRD opens its log after dropping root too: the node's log directory is made for its user. */
export function logDir(lab: string, node: string): string {
  return nodeLogDir(lab, node);
}

export function logPath(lab: string, node: string): string {
  return path.join(logDir(lab, node), "bird.log");
}

/** Longest path a unix socket can have on Linux (sun_path is 108 bytes, NUL included). */
export const MAX_SOCKET_PATH = 107;
