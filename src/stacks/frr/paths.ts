// FRR's files for one node, derived from core/paths.ts (so destroy finds what deploy made).
import path from "node:path";
import { nodeDir, nodeLogDir, vtyshConfigDir } from "../../core/paths.js";

/** The node's complete frr.conf (what vtysh -f loads, what node start loads again). */
export function confPath(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "frr.conf");
}

/** A daemon's own config file, for nodes whose frr.conf splits by daemon (split.ts). */
export function daemonConfPath(lab: string, node: string, daemon: string): string {
  return path.join(nodeDir(lab, node), `${daemon}.conf`);
}

/**
 * The daemons' log directory: the only place below the lab's tree the frr user may write
 * (FRR opens its log after dropping root). Made fresh for frr; root never writes in it, so
 * whatever frr plants there is never followed.
 */
export function logDir(lab: string, node: string): string {
  return nodeLogDir(lab, node);
}

export function logPath(lab: string, node: string): string {
  return path.join(logDir(lab, node), "frr.log");
}

/** vtysh's per-pathspace config directory (`--config_dir`), holding an empty vtysh.conf. */
export function vtyshPathspaceDir(lab: string, pathspace: string): string {
  return path.join(vtyshConfigDir(lab), pathspace);
}

/**
 * A directory put first on PATH for commands run in the node (`wirelab exec`), holding a
 * `vtysh` that reaches the node's own FRR: scripts and shells (`sh -c "vtysh -c …"`) then
 * work as they would on a router.
 */
export function binDir(lab: string, node: string): string {
  return path.join(nodeDir(lab, node), "bin");
}
