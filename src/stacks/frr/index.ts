// The FRR routing stack: one FRR instance per node. Nodes on the host's file system run
// the host's FRR with the node's pathspace (`-N <netns>`); container nodes run the image's.
// Each job is in its own file; this one puts them together as a RoutingStack.
import { access, rm } from "node:fs/promises";
import type { Lab, NodeModel } from "../../core/model.js";
import { FRR_BIN, FRR_RUN, OSPF_GR_FILE } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { anyAlive } from "../../util/procs.js";
import { type RoutingStack, StackError } from "../stack.js";
import { applyConfig } from "./apply.js";
import { bfdPeers } from "./bfd.js";
import { cliArgv, execCommand } from "./cli.js";
import { daemonsFor, protocolsFor } from "./daemons.js";
import { evpnVnis } from "./evpn.js";
import { frrMemoryMb } from "./memory.js";
import { start, stop } from "./node.js";
import { prepareConfigs } from "./prepare.js";
import { cleanup, daemonStatus, processes, removeCrashDirs, runningCrashDirs } from "./procs.js";
import { bgpPeers, bgpRoutes, bgpSummary, igpState, isisAdjacencies, ospfNeighbors, ribRoutes } from "./query.js";
import { waitReady } from "./ready.js";
import { reconfigureSteps } from "./reconfigure.js";
import { FRR_INTENTS } from "./render.js";
import { runningProtocols } from "./running.js";
import { runningConfig } from "./save.js";
import { FRR_USER, startSteps } from "./start.js";

/** What destroy needs to know again (kept in the lab state under `stacks.frr`). */
interface FrrLabFacts {
  /** Crash-log directories of daemons started for the lab (removed at destroy, dead or alive). */
  crashDirs?: string[];
  /**
   * ospfd 8.4 writes graceful-restart state to one file outside the pathspace, shared by all
   * instances; true when this lab's deploy found none there, so destroy may remove it.
   */
  ospfGrFileOurs?: boolean;
  /** The same for every file of OSPF_SHARED_FILES: those this lab's deploy did not find. */
  ospfSharedOurs?: string[];
}

/**
 * Files ospfd and ospf6d 8.4 write outside the pathspace, one for every instance on the
 * machine (seen here): graceful-restart state of both, ospf6d's authentication sequence number.
 */
const OSPF_SHARED_FILES = [OSPF_GR_FILE, `${FRR_RUN}/ospf6d-gr.json`, `${FRR_RUN}/ospf6d-at-seq-no.dat`];

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export const frr: RoutingStack = {
  name: "frr",
  intents: FRR_INTENTS,
  daemons: daemonsFor,
  protocols: protocolsFor,
  memoryMb: frrMemoryMb,
  // FRR opens its log in the node directory after dropping root to this user.
  user: FRR_USER,

  async preflight(_lab: Lab, _nodes: NodeModel[], handles: NodeHandle[]) {
    // Container routers bring their own FRR; the others run the host's.
    if (!handles.some((h) => h.hostFs)) return;
    if (!(await exists(`${FRR_BIN}/zebra`))) {
      throw new StackError(`FRR is not installed (${FRR_BIN}/zebra missing): apt-get install frr`);
    }
  },
  prepare: prepareConfigs,
  startSteps,
  waitReady,
  daemonStatus,
  processes: (handle) => processes(handle),
  cleanup,
  stop,
  start,
  runningConfig,
  applyConfig,
  reconfigureSteps,
  cliArgv,
  execCommand,

  async beforeDeploy(nodes: NodeModel[]): Promise<FrrLabFacts | undefined> {
    if (!nodes.some((n) => daemonsFor(n).some((d) => d === "ospfd" || d === "ospf6d"))) return undefined;
    const absent = await Promise.all(OSPF_SHARED_FILES.map(async (f) => !(await exists(f))));
    return { ospfSharedOurs: OSPF_SHARED_FILES.filter((_, i) => absent[i]) };
  },
  async afterStart(handles: NodeHandle[], saved: unknown): Promise<FrrLabFacts> {
    const facts: FrrLabFacts = { ...(saved as FrrLabFacts | undefined) };
    const found = (await Promise.all(handles.map((h) => runningCrashDirs(h).catch(() => [] as string[])))).flat();
    facts.crashDirs = [...new Set([...(facts.crashDirs ?? []), ...found])];
    return facts;
  },
  async afterTeardown(saved: unknown) {
    await removeCrashDirs((saved as FrrLabFacts | undefined)?.crashDirs ?? []);
    // Ours only if it appeared with this lab, and removable only when no ospfd at all is
    // left on the machine.
    const facts = saved as FrrLabFacts | undefined;
    const ours = [...(facts?.ospfSharedOurs ?? []), ...(facts?.ospfGrFileOurs ? [OSPF_GR_FILE] : [])];
    if (ours.length && !(await anyAlive("ospfd")) && !(await anyAlive("ospf6d"))) {
      await Promise.all(ours.map((f) => rm(f, { force: true })));
    }
  },

  bgpPeers,
  bgpSummary,
  bgpRoutes,
  ribRoutes,
  ospfNeighbors,
  isisAdjacencies,
  igpState,
  runningProtocols,
  bfdPeers,
  evpnVnis,
};
