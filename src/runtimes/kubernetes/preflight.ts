// Checks made before anything is created in a cluster: cables only between pods, a cluster
// that answers, the RBAC verbs wirelab needs, and a namespace nobody holds. On success the
// context used is written into the nodes' model, which the lab state keeps: destroy then
// asks the cluster deploy used, whatever the kubeconfig's current context has become.
import type { Lab, NodeModel } from "../../core/model.js";
import { explain, httpCode, KubeError } from "./client.js";
import { labNamespace } from "./manifests.js";
import { LABEL_LAB } from "./model.js";
import { clusterOf } from "./plan.js";
import { missingMessage, missingPermissions } from "./rbac.js";

export async function kubernetesPreflight(lab: Lab, nodes: NodeModel[]): Promise<void> {
  const mine = new Set(nodes.map((n) => n.name));
  for (const l of lab.links) {
    if (mine.has(l.a.node) !== mine.has(l.b.node)) {
      const [pod, other] = mine.has(l.a.node) ? [l.a.node, l.b.node] : [l.b.node, l.a.node];
      throw new KubeError(
        `link ${l.a.node}:${l.a.port} — ${l.b.node}:${l.b.port}: ${pod} is a kubernetes pod and ${other} is not; pods are cabled only to pods (VXLAN tunnels)`,
      );
    }
  }
  const first = nodes[0];
  if (!first) return;
  const c = await clusterOf(first);
  try {
    await c.version.getCode();
  } catch (e) {
    throw explain(c, "asking the API server its version", e);
  }
  const namespace = labNamespace(lab, nodes);
  const missing = await missingPermissions(c, namespace);
  if (missing?.length) throw new KubeError(missingMessage(c, namespace, missing));
  try {
    const ns = await c.core.readNamespace({ name: namespace });
    throw new KubeError(
      ns.metadata?.labels?.[LABEL_LAB] === lab.name
        ? `lab '${lab.name}' still has namespace ${namespace} on context ${c.context} from an earlier run; run 'wirelab destroy --lab ${lab.name}' or kubectl delete namespace ${namespace}`
        : `namespace ${namespace} already exists on context ${c.context} and is not this lab's; choose another with --namespace`,
    );
  } catch (e) {
    if (e instanceof KubeError) throw e;
    if (httpCode(e) !== 404) throw explain(c, `reading namespace ${namespace}`, e);
  }
  for (const n of nodes) n.runtime.kubernetes = { ...n.runtime.kubernetes, context: c.context };
}
