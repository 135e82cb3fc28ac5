// The objects a kubernetes lab is made of, as data: one Namespace per lab, a ConfigMap per
// routing node (its prepared config), one Pod per node. deploy creates exactly these through
// the API; `deploy --dry-run -o FILE` writes them as YAML a person can `kubectl apply`.
// Pure: nothing here talks to a cluster, so the manifests are checked against the
// Kubernetes schemas in unit tests.
import path from "node:path";
import type { V1ConfigMap, V1Namespace, V1Pod, V1SecurityContext } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { nodeSysctls } from "../../core/lifecycle/sysctls.js";
import type { Lab, NodeModel } from "../../core/model.js";
import { stackOf } from "../../stacks/index.js";
import type { PreparedConfig } from "../../stacks/stack.js";
import { nodeCapabilities } from "../docker/caps.js";
import { KEEPALIVE } from "../docker/containers.js";
import { CONTAINER, configMapName, LABEL_KIND, LABEL_LAB, LABEL_NODE, namespaceOf, podName } from "./model.js";

export interface LabManifests {
  namespace: V1Namespace;
  configMaps: V1ConfigMap[];
  pods: V1Pod[];
}

export function labNamespace(lab: Lab, nodes: readonly NodeModel[]): string {
  return namespaceOf(lab.name, nodes[0]?.runtime.kubernetes);
}

function labels(lab: string, node: NodeModel): Record<string, string> {
  return { [LABEL_LAB]: lab, [LABEL_NODE]: node.name, [LABEL_KIND]: node.kind };
}

export function namespaceManifest(lab: Lab, nodes: readonly NodeModel[]): V1Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: labNamespace(lab, nodes),
      labels: {
        [LABEL_LAB]: lab.name,
        // Routers need NET_ADMIN, SYS_ADMIN and network sysctls, which the baseline and
        // restricted Pod Security levels refuse: this namespace is the lab's alone.
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/warn": "privileged",
        "pod-security.kubernetes.io/audit": "privileged",
      },
    },
  };
}

export function configMapManifest(lab: Lab, node: NodeModel, config: PreparedConfig): V1ConfigMap {
  if (!config.file) throw new Error(`internal: ${node.name}'s config has no path inside the node`);
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: configMapName(node.name),
      namespace: namespaceOf(lab.name, node.runtime.kubernetes),
      labels: labels(lab.name, node),
    },
    data: { [path.basename(config.file)]: config.text },
  };
}

/**
 * The container's privileges: exactly the Docker runtime's (nodeCapabilities: every other
 * capability dropped), or all of them for `privileged: true`. The container runtime's
 * default seccomp profile, as Docker applies its own (a pod otherwise runs unconfined
 * unless the kubelet says so). Privilege escalation is shut off where the API allows it:
 * it refuses allowPrivilegeEscalation: false next to CAP_SYS_ADMIN (which routers need,
 * see docker/caps.ts).
 */
export function securityContext(node: NodeModel): V1SecurityContext {
  if (node.runtime.container?.privileged) return { privileged: true };
  const caps = nodeCapabilities(node);
  const ctx: V1SecurityContext = {
    capabilities: { drop: ["ALL"], add: caps },
    seccompProfile: { type: "RuntimeDefault" },
  };
  if (!caps.includes("SYS_ADMIN")) ctx.allowPrivilegeEscalation = false;
  return ctx;
}

export function podManifest(lab: Lab, node: NodeModel, config?: PreparedConfig): V1Pod {
  const c = node.runtime.container;
  if (!c) throw new Error(`internal: ${node.name} has no image`);
  const k = node.runtime.kubernetes;
  const command = c.cmd ?? (node.stack && c.init === "wirelab" ? KEEPALIVE : undefined);
  // Whole mebibytes: the estimate is fractional, a request reads better whole.
  const est = stackOf(node)?.memoryMb(node, lab);
  const mb = est === undefined ? undefined : Math.ceil(est);
  const sysctls = nodeSysctls(node).map((s) => {
    const [name, value] = s.split("=") as [string, string];
    return { name, value };
  });
  const pod: V1Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: podName(node.name), namespace: namespaceOf(lab.name, k), labels: labels(lab.name, node) },
    spec: {
      hostname: node.name,
      // A node whose container dies stays dead and visible: restarted, it would come back
      // without its daemons (they are started through exec, not by the image).
      restartPolicy: "Never",
      // The pause container as PID 1 reaps FRR's daemonized processes (tini does it in Docker).
      shareProcessNamespace: true,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: CONTAINER,
          image: c.image,
          imagePullPolicy: "IfNotPresent",
          ...(command ? { command: [...command] } : {}),
          securityContext: securityContext(node),
          ...(mb ? { resources: { requests: { memory: `${mb}Mi` } } } : {}),
        },
      ],
    },
  };
  const spec = pod.spec as NonNullable<V1Pod["spec"]>;
  const container = spec.containers[0] as NonNullable<V1Pod["spec"]>["containers"][number];
  // Forwarding and friends: a pod's /proc/sys is read-only, so they are asked for here
  // (the kubelet must allow them: docs/kubernetes.md).
  if (sysctls.length) spec.securityContext = { sysctls };
  if (k?.nodeSelector) spec.nodeSelector = { ...k.nodeSelector };
  if (config?.file) {
    // At the path the stack reads it (the Docker runtime shares the node directory instead).
    spec.volumes = [{ name: "config", configMap: { name: configMapName(node.name) } }];
    container.volumeMounts = [
      { name: "config", mountPath: config.file, subPath: path.basename(config.file), readOnly: true },
    ];
  }
  return pod;
}

export function labManifests(
  lab: Lab,
  nodes: readonly NodeModel[],
  configs?: ReadonlyMap<string, PreparedConfig>,
): LabManifests {
  const configOf = (n: NodeModel) => (n.stack ? configs?.get(n.name) : undefined);
  return {
    namespace: namespaceManifest(lab, nodes),
    configMaps: nodes.flatMap((n) => {
      const config = configOf(n);
      return config ? [configMapManifest(lab, n, config)] : [];
    }),
    pods: nodes.map((n) => podManifest(lab, n, configOf(n))),
  };
}

/** Every object as one multi-document YAML file, in the order they must be created. */
export function renderManifests(lab: Lab, m: LabManifests): string {
  const head = [
    `# wirelab: lab '${lab.name}' on Kubernetes: ${m.pods.length} pods in namespace ${m.namespace.metadata?.name}.`,
    "# `kubectl apply -f` makes these objects; the VXLAN cables, addresses and routing daemons",
    "# are set up inside the pods by `wirelab deploy --runtime kubernetes` (see docs/kubernetes.md).",
  ].join("\n");
  const docs = [m.namespace, ...m.configMaps, ...m.pods].map((o) => stringify(o, { lineWidth: 0 }).trimEnd());
  return `${head}\n---\n${docs.join("\n---\n")}\n`;
}
