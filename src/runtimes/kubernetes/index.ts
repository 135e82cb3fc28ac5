// The kubernetes runtime: each node is a Pod (one per node, in one Namespace per lab), from
// the node's image with exactly the Docker runtime's capabilities. Its nodes may sit on
// different machines, so cables are VXLAN tunnels between the pods (links/vxlan.ts), and
// everything inside a node (cables, addresses, the routing stack) goes through the API's
// exec: nothing of a pod is on this host but the lab's state and its node directories.
import type { Lab, NodeModel } from "../../core/model.js";
import { nsName } from "../../core/paths.js";
import type { NodeState } from "../../core/state.js";
import type { NodeHandle, Runtime } from "../runtime.js";
import { teardownKubernetes } from "./destroy.js";
import { podExec } from "./exec.js";
import { inspectPods } from "./inspect.js";
import { labManifests, renderManifests } from "./manifests.js";
import { CONTAINER, namespaceOf, podName } from "./model.js";
import { KUBERNETES } from "./options.js";
import { cabling, clusterOf, kubernetesPlan, podSteps } from "./plan.js";
import { kubernetesPreflight } from "./preflight.js";
import { DNS_LABEL } from "./schema.js";

export const kubernetes: Runtime = {
  name: KUBERNETES,
  // The pod's hostname is its spec's (hostname: <node>).
  ownsHostname: false,
  remote: true,
  preflight: (lab: Lab, nodes: NodeModel[]) => kubernetesPreflight(lab, nodes),
  plan: kubernetesPlan,
  nodeState(lab, node): NodeState {
    return { name: node.name, kind: node.kind, netns: nsName(lab, node.name), daemons: [] };
  },
  handle(lab, node): NodeHandle {
    const k = node.runtime.kubernetes;
    const ns = namespaceOf(lab, k);
    const pod = podName(node.name);
    return {
      lab,
      node,
      // No such namespace on this host: host-side tools (ip -n, tcpdump) do not reach a pod.
      netns: nsName(lab, node.name),
      hostFs: false,
      // What a person types to get in (wirelab exec, cli): kubectl, with the same target.
      execArgv: (cmd) => [
        "kubectl",
        ...(k?.context ? ["--context", k.context] : []),
        ...["-n", ns, "exec", "-i", pod, "-c", CONTAINER, "--"],
        ...cmd,
      ],
      run: async (argv, opts) =>
        podExec(await clusterOf(node), ns, pod, argv, { timeoutMs: opts?.timeoutMs ?? 30_000 }),
      label: `pod ${ns}/${pod}`,
      remote: true,
    };
  },
  teardown: (state) => teardownKubernetes(state),
  inspect: (state, info) => inspectPods(state, info),
  cabling,
  nodeSteps: podSteps,
  manifests: (lab, nodes, ctx) => renderManifests(lab, labManifests(lab, nodes, ctx.configs)),
  applyOptions(_lab, nodes, opts) {
    if (opts.namespace !== undefined && !DNS_LABEL.test(opts.namespace)) {
      throw new Error(`--namespace ${opts.namespace}: a namespace name is lowercase letters, digits and '-'`);
    }
    for (const n of nodes) {
      const k = { ...n.runtime.kubernetes };
      if (opts.context !== undefined) k.context = opts.context;
      if (opts.namespace !== undefined) k.namespace = opts.namespace;
      n.runtime.kubernetes = k;
    }
  },
};
