// The BIRD routing stack: one BIRD 2 process per node, the host's BIRD run inside the node
// with the node's own config, control socket and pid file (paths.ts). Each job is in its
// own file; this one puts them together as a RoutingStack.
import { access } from "node:fs/promises";
import type { Lab, NodeModel } from "../../core/model.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { type RoutingStack, StackError } from "../stack.js";
import { bfdPeers } from "./bfd.js";
import { cliArgv, execCommand } from "./cli.js";
import { igpState, runningProtocols } from "./igp.js";
import { birdMemoryMb } from "./memory.js";
import { start, stop } from "./node.js";
import { birdOptions } from "./options.js";
import { ospfNeighbors } from "./ospf.js";
import { BIRD_BIN } from "./paths.js";
import { prepareConfigs } from "./prepare.js";
import { BIRD_DAEMON, cleanup, daemonStatus, processes } from "./procs.js";
import { bgpPeers, bgpRoutes, bgpSummary, ribRoutes } from "./query.js";
import { waitReady } from "./ready.js";
import { reconfigureSteps } from "./reconfigure.js";
import { BIRD_INTENTS } from "./render.js";
import { runningConfig } from "./save.js";
import { startSteps } from "./start.js";
import { birdUser } from "./user.js";

export const bird: RoutingStack = {
  name: "bird",
  intents: BIRD_INTENTS,
  daemons: () => [BIRD_DAEMON],
  protocols: (node) => birdOptions(node)?.protocols ?? [],
  memoryMb: birdMemoryMb,
  // BIRD opens its log (and pid file) after dropping root to this user; undefined: it stays root.
  get user() {
    return birdUser();
  },

  async preflight(_lab: Lab, nodes: NodeModel[], handles: NodeHandle[]) {
    const inContainer = handles.find((h) => !h.hostFs);
    if (inContainer) {
      throw new StackError(
        `${inContainer.node.name}: BIRD nodes run on the netns runtime only (no image carries BIRD yet); drop its runtime: docker`,
      );
    }
    if (
      nodes.length &&
      !(await access(BIRD_BIN).then(
        () => true,
        () => false,
      ))
    ) {
      throw new StackError(`BIRD is not installed (${BIRD_BIN} missing): apt-get install bird2`);
    }
  },
  prepare: prepareConfigs,
  startSteps,
  reconfigureSteps,
  waitReady,
  daemonStatus,
  processes: (handle) => processes(handle),
  cleanup: (handle) => cleanup(handle),
  stop,
  start,
  runningConfig,
  cliArgv,
  execCommand,

  bgpPeers,
  bgpSummary,
  bgpRoutes,
  ribRoutes,
  ospfNeighbors,
  bfdPeers,
  igpState,
  runningProtocols,
};
