// What the kubernetes runtime adds to the model (TypeScript declaration merging, as intents
// do): the lab's VXLAN settings and each node's target (namespace, context) and placement.
// Kept on the node because a NodeHandle is made from the node alone (after deploy, from
// the recorded state), and it must reach the same cluster and namespace deploy used.

export interface KubernetesLabModel {
  vxlanPort: number;
  vniBase: number;
  /** The pod network's MTU when the topology gives it; otherwise measured at deploy. */
  underlayMtu?: number;
}

export interface KubernetesNodeModel {
  /** An explicit namespace (topology or --namespace); default wl-<lab>. */
  namespace?: string;
  /** The kubeconfig context; deploy records the one it used, so destroy asks the same cluster. */
  context?: string;
  nodeSelector?: Record<string, string>;
}

declare module "../../core/model.js" {
  interface RuntimeModel {
    kubernetes?: KubernetesNodeModel;
  }
  interface Lab {
    kubernetes?: KubernetesLabModel;
  }
}

export const DEFAULT_VXLAN_PORT = 14789;
export const DEFAULT_VNI_BASE = 10000;
/** VXLAN over IPv4: outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) bytes. */
export const VXLAN_OVERHEAD = 50;

/** The one container of a node's pod. */
export const CONTAINER = "node";

/** Labels on everything wirelab makes in a cluster (the same keys as on Docker objects). */
export const LABEL_LAB = "wirelab.lab";
export const LABEL_NODE = "wirelab.node";
export const LABEL_KIND = "wirelab.kind";

export function namespaceOf(lab: string, k?: KubernetesNodeModel): string {
  return k?.namespace ?? `wl-${lab}`;
}

/** A node's pod: its name (the topology refuses node names that are not DNS labels). */
export function podName(node: string): string {
  return node;
}

export function configMapName(node: string): string {
  return `${node}-config`;
}
