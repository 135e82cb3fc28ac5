// RoutingStack.startSteps for BIRD: the routing phase's steps for one node. One bird process
// per node, run inside the node (its network and UTS namespaces) from the host's BIRD with
// the node's own config, control socket and pid file, as argv steps `deploy --dry-run` prints.
import type { Lab, NodeModel } from "../../core/model.js";
import type { Step } from "../../core/plan.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { type PreparedConfig, StackError } from "../stack.js";
import { BIRD_BIN, confPath, logDir, pidPath, runDir, socketPath } from "./paths.js";
import { birdUser, dropArgs } from "./user.js";

/**
 * The host argv that starts the node's bird. BIRD daemonizes once its config is read and its
 * control socket is open: the command returns when the router runs (or fails with BIRD's
 * message, e.g. a config error the parse check could not see). `-u/-g`: see user.ts.
 */
export function birdArgv(handle: NodeHandle): string[] {
  const { lab, node } = handle;
  return handle.execArgv([
    BIRD_BIN,
    "-c",
    confPath(lab, node.name),
    "-s",
    socketPath(lab, node.name),
    "-P",
    pidPath(lab, node.name),
    ...dropArgs(),
  ]);
}

/** The node's routing-phase group (RoutingStack.startSteps). */
export function startSteps(lab: Lab, node: NodeModel, config: PreparedConfig, handle: NodeHandle): Step[] {
  if (!handle.hostFs) {
    throw new StackError(`${node.name}: BIRD nodes run on the netns runtime only (no image carries BIRD yet)`);
  }
  const user = birdUser();
  return [
    // BIRD's user writes only these two fresh directories: the run directory (socket, pid
    // file) and the log directory. The config is root's, readable by BIRD's group.
    { type: "mkdir", path: runDir(lab.name, node.name), owner: user, mode: 0o750 },
    { type: "mkdir", path: logDir(lab.name, node.name), owner: user },
    { type: "write", path: confPath(lab.name, node.name), content: config.text, group: user },
    { type: "exec", argv: birdArgv(handle) },
  ];
}
