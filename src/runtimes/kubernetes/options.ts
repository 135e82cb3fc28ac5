// Loading the kubernetes runtime's settings from a topology onto the model, after the
// lab's runtimes are resolved (called by src/topology/resolve/runtime.ts, which must not
// load the runtime's API client: this file imports nothing that runs). Errors point at the
// key in the file.
import type { Lab } from "../../core/model.js";
import type { TopologyInput } from "../../topology/schema.js";
import type { Path, PosPart } from "../../topology/source.js";
import { DEFAULT_VNI_BASE, DEFAULT_VXLAN_PORT, type KubernetesLabModel, VXLAN_OVERHEAD } from "./model.js";
import { DNS_LABEL } from "./schema.js";

type Fail = (path: Path, message: string, part?: PosPart) => never;

export const KUBERNETES = "kubernetes";

/** Sets `kubernetes` on the lab and on each of its kubernetes nodes; refuses what cannot work. */
export function kubernetesLoader(input: TopologyInput, lab: Lab, fail: Fail): void {
  const settings = input.kubernetes ?? {};
  const pods = lab.nodes.filter((n) => n.runtime.name === KUBERNETES);
  for (const node of lab.nodes) {
    const raw = input.nodes[node.name] ?? {};
    if (raw["node-selector"] !== undefined && node.runtime.name !== KUBERNETES) {
      fail(
        ["nodes", node.name, "node-selector"],
        `node '${node.name}' runs on ${node.runtime.name}: 'node-selector' applies only to kubernetes nodes`,
        "key",
      );
    }
  }
  if (!pods.length) return;

  if (settings.namespace === undefined && !DNS_LABEL.test(`wl-${lab.name}`)) {
    fail(
      ["name"],
      `lab name '${lab.name}' cannot name a Kubernetes namespace (wl-<lab>: lowercase letters, digits and '-'); set kubernetes.namespace`,
    );
  }
  if (lab.management) {
    fail(
      ["management"],
      "management: is a Docker network; kubernetes pods are reached through the cluster's own network",
      "key",
    );
  }
  for (const node of pods) {
    const raw = input.nodes[node.name] ?? {};
    const at: Path = ["nodes", node.name];
    if (!DNS_LABEL.test(node.name)) {
      fail(
        at,
        `node '${node.name}' runs on kubernetes, where it becomes a pod and a hostname: its name must be lowercase letters, digits and '-' (not starting or ending with '-')`,
        "key",
      );
    }
    const pns = node.runtime.container?.portNamespace;
    if (pns !== undefined) {
      fail(
        raw["port-namespace"] !== undefined ? [...at, "port-namespace"] : at,
        `node '${node.name}': an inner port namespace (${pns}) is not supported on kubernetes: its ports are VXLAN tunnels in the pod's own namespace`,
        "key",
      );
    }
    // The pod network's interface: a cable named eth0 would take the pod off its network.
    if (node.ports.some((p) => p.ifname === "eth0" && p.link !== undefined)) {
      fail(
        at,
        `port eth0 of node '${node.name}' clashes with its pod's own eth0 (the cluster network); rename the port`,
        "key",
      );
    }
    node.runtime.kubernetes = {};
    if (settings.namespace !== undefined) node.runtime.kubernetes.namespace = settings.namespace;
    if (settings.context !== undefined) node.runtime.kubernetes.context = settings.context;
    if (raw["node-selector"] !== undefined) node.runtime.kubernetes.nodeSelector = { ...raw["node-selector"] };
  }

  const k: KubernetesLabModel = {
    vxlanPort: settings["vxlan-port"] ?? DEFAULT_VXLAN_PORT,
    vniBase: settings["vni-base"] ?? DEFAULT_VNI_BASE,
  };
  if (settings["underlay-mtu"] !== undefined) k.underlayMtu = settings["underlay-mtu"];
  const most = k.underlayMtu === undefined ? undefined : k.underlayMtu - VXLAN_OVERHEAD;
  for (const node of pods) {
    const big = node.ports.find((p) => p.link !== undefined && most !== undefined && (p.mtu ?? 0) > most);
    if (big) {
      fail(
        ["nodes", node.name],
        `port ${node.name}:${big.name} asks for MTU ${big.mtu}, but a VXLAN cable over an underlay of MTU ${k.underlayMtu} carries at most ${most}`,
        "key",
      );
    }
  }
  if (k.vniBase + lab.links.length - 1 > 16_777_215) {
    fail(["kubernetes", "vni-base"], `vni-base ${k.vniBase} leaves no VXLAN identifier for ${lab.links.length} links`);
  }
  lab.kubernetes = k;
}
