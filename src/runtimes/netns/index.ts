// The netns runtime (default): each node is a network namespace on the host plus a UTS
// namespace for its hostname; no engine, no images. The node shares the host's file system,
// so stacks run the host's binaries with per-node paths.
import type { Lab, NodeModel } from "../../core/model.js";
import { nodeDir, nsName, utsFile } from "../../core/paths.js";
import type { Step } from "../../core/plan.js";
import { stackOf } from "../../stacks/index.js";
import { run } from "../../util/exec.js";
import type { NodeHandle, Runtime } from "../runtime.js";
import { netnsExecArgv } from "./exec.js";

export const netns: Runtime = {
  name: "netns",
  ownsHostname: true,
  async preflight() {},
  plan(lab: Lab, nodes: NodeModel[]) {
    return {
      namespaces: [[{ type: "ip", lines: nodes.map((n) => `netns add ${nsName(lab.name, n.name)}`) }]],
      // The node's directory and the file its UTS namespace is bound on; the namespace itself
      // is made with the node's interfaces (core/lifecycle/interfaces.ts), in the same process.
      // Root's, readable by the node's stack user (its configs); the UTS file root's alone.
      hostnames: nodes.map((n): Step[] => [
        { type: "mkdir", path: nodeDir(lab.name, n.name), group: stackOf(n)?.user },
        { type: "write", path: utsFile(lab.name, n.name), content: "" },
      ]),
    };
  },
  nodeState(lab, node) {
    return { name: node.name, kind: node.kind, netns: nsName(lab, node.name), daemons: [] };
  },
  handle(lab, node): NodeHandle {
    const execArgv = (cmd: readonly string[]) => netnsExecArgv(lab, node.name, cmd);
    return {
      lab,
      node,
      netns: nsName(lab, node.name),
      hostFs: true,
      execArgv,
      run: (argv, opts) => {
        const [cmd, ...args] = execArgv(argv);
        return run(cmd as string, args, { timeoutMs: opts?.timeoutMs ?? 30_000 });
      },
      label: nsName(lab, node.name),
    };
  },
  // Nothing of its own beyond the namespaces and files the lab's teardown removes.
  async teardown() {
    return {};
  },
};
