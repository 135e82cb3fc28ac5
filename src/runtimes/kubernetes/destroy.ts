// Removing a kubernetes lab: its namespace, deleted with foreground propagation (the pods
// and ConfigMaps go first, then the namespace), and waited for until the API no longer
// knows it. Only a namespace labelled with the lab's name is deleted: a namespace of the
// same name that is not the lab's is left alone and said so.
import type { LabState } from "../../core/state.js";
import type { RuntimeTeardown } from "../runtime.js";
import { type Cluster, cluster, httpCode } from "./client.js";
import { LABEL_LAB, namespaceOf } from "./model.js";
import { KUBERNETES } from "./options.js";
import { ask } from "./pods.js";

/** How long destroy waits for a namespace to be gone (its pods get 5 s to stop). */
export const DELETE_TIMEOUT_MS = 120_000;

async function gone(c: Cluster, namespace: string): Promise<boolean> {
  try {
    await c.core.readNamespace({ name: namespace });
    return false;
  } catch (e) {
    if (httpCode(e) === 404) return true;
    throw e;
  }
}

/** Deletes the lab's namespace and waits until it is gone; returns how many pods it held. */
export async function deleteLabNamespace(
  c: Cluster,
  namespace: string,
  lab: string,
  timeoutMs = DELETE_TIMEOUT_MS,
): Promise<RuntimeTeardown & { containers: number }> {
  let labels: Record<string, string> | undefined;
  try {
    labels = (await c.core.readNamespace({ name: namespace })).metadata?.labels;
  } catch (e) {
    if (httpCode(e) === 404) return { containers: 0 };
    return ask(c, namespace, `reading namespace ${namespace}`, () => Promise.reject(e));
  }
  if (labels?.[LABEL_LAB] !== lab) {
    return {
      containers: 0,
      warning: `namespace ${namespace} (context ${c.context}) is not lab '${lab}''s (no label ${LABEL_LAB}=${lab}): left alone`,
    };
  }
  const pods = await ask(c, namespace, `listing the pods of namespace ${namespace}`, () =>
    c.core.listNamespacedPod({ namespace, labelSelector: `${LABEL_LAB}=${lab}` }),
  );
  try {
    await c.core.deleteNamespace({ name: namespace, propagationPolicy: "Foreground" });
  } catch (e) {
    if (httpCode(e) !== 404) await ask(c, namespace, `deleting namespace ${namespace}`, () => Promise.reject(e));
  }
  // Wait on the API's word: the namespace is gone once reading it answers 404.
  const deadline = Date.now() + timeoutMs;
  let interval = 100;
  while (!(await gone(c, namespace))) {
    if (Date.now() > deadline) {
      return {
        containers: pods.items.length,
        warning: `namespace ${namespace} (context ${c.context}) is still being deleted after ${Math.round(timeoutMs / 1000)} s; the cluster finishes it on its own`,
      };
    }
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(interval * 2, 1000);
  }
  return { containers: pods.items.length };
}

/** The kubernetes part of a lab's teardown: never throws, so the host's part always runs. */
export async function teardownKubernetes(state: LabState): Promise<RuntimeTeardown> {
  const nodes = state.model.nodes.filter((n) => n.runtime.name === KUBERNETES);
  const first = nodes[0];
  if (!first) return {};
  const k = first.runtime.kubernetes;
  const namespace = namespaceOf(state.name, k);
  try {
    return await deleteLabNamespace(await cluster(k?.context), namespace, state.name);
  } catch (e) {
    return {
      containers: 0,
      warning: `lab '${state.name}''s namespace ${namespace} was not deleted: ${(e as Error).message}; delete it with kubectl${k?.context ? ` --context ${k.context}` : ""} delete namespace ${namespace}`,
    };
  }
}
