// The docker runtime: each node is a container with no Docker networking on the data plane
// (NetworkMode none, or the lab's management network). Its network namespace is attached
// under the node's namespace name, so cables, addresses, inspect and checks reach it as they
// reach a namespace node; its other namespaces are bound for exec. Stacks run the image's
// own binaries inside it (hostFs false), through the exec API.
import type { Lab, NodeModel } from "../../core/model.js";
import { containerName, mntNsFile, netnsPath, nsName, pidNsFile, utsFile } from "../../core/paths.js";
import type { NodeState } from "../../core/state.js";
import type { NodeHandle, Runtime } from "../runtime.js";
import { containerExec, dockerAvailable } from "./client.js";
import { removeLabObjects, teardownDocker } from "./destroy.js";
import { inspectContainers } from "./inspect.js";
import { containerGroups, dockerPreflight, portGroups } from "./plan.js";

export const docker: Runtime = {
  name: "docker",
  ownsHostname: false,
  async preflight(lab: Lab, nodes: NodeModel[]) {
    await dockerPreflight(lab, nodes);
  },
  plan(lab, nodes, ctx) {
    return { containers: containerGroups(lab, nodes, ctx), ports: portGroups(lab, nodes, ctx) };
  },
  nodeState(lab, node): NodeState {
    const c = node.runtime.container;
    const s: NodeState = { name: node.name, kind: node.kind, netns: nsName(lab, node.name), daemons: [] };
    if (c) {
      s.container = { name: containerName(lab, node.name), image: c.image };
      if (c.portNamespace) s.container.portNamespace = c.portNamespace;
    }
    return s;
  },
  handle(lab, node): NodeHandle {
    const name = containerName(lab, node.name);
    return {
      lab,
      node,
      netns: nsName(lab, node.name),
      hostFs: false,
      // Its network namespace (where its ports are) and the container's hostname, mount and
      // PID namespaces bound at deploy: the command runs in the image's file system.
      execArgv: (cmd) => [
        "nsenter",
        `--net=${netnsPath(nsName(lab, node.name))}`,
        `--uts=${utsFile(lab, node.name)}`,
        `--mount=${mntNsFile(lab, node.name)}`,
        `--pid=${pidNsFile(lab, node.name)}`,
        "--",
        ...cmd,
      ],
      run: (argv, opts) => containerExec(name, [...argv], { timeoutMs: opts?.timeoutMs ?? 30_000 }),
      label: name,
    };
  },
  teardown: (state) => teardownDocker(state),
  async orphans(lab) {
    if (!(await dockerAvailable())) return undefined;
    const r = await removeLabObjects(lab);
    return r.containers === 0 && r.networks === 0 ? undefined : { containers: r.containers };
  },
  inspect: (state, info) => inspectContainers(state, info),
};
