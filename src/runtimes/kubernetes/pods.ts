// Pods from creation to Running: each node's pod is created, then one poller per lab lists
// the lab's pods (one request for all of them, by label) until each runs with an IP, or
// says why it will not: an image that cannot be pulled, no machine that fits, a sysctl the
// kubelet refuses, a container that exited. Each is a clear message naming the node.
import type { V1Pod } from "@kubernetes/client-node";
import { type Cluster, explain, httpCode, KubeError } from "./client.js";
import { LABEL_LAB } from "./model.js";
import { forbidden } from "./rbac.js";

export type PodVerdict =
  | { state: "running"; ip: string }
  | { state: "waiting"; why: string }
  | { state: "failed"; why: string };

const IMAGE_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
const START_FAILURES = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

/** What stops the scheduler, with the resource named: "memory (the pod requests 25Mi)". */
function unschedulable(pod: V1Pod, message: string): string {
  const requests = pod.spec?.containers?.[0]?.resources?.requests ?? {};
  const short = [...new Set([...message.matchAll(/Insufficient ([\w./-]*[\w/-])/g)].map((m) => m[1] as string))];
  const named = short.map((r) => (requests[r] ? `${r} (the pod requests ${requests[r]})` : r));
  const selector = pod.spec?.nodeSelector;
  if (/node affinity\/selector/.test(message) && selector) {
    named.push(
      `a machine labelled ${Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")} (its node-selector)`,
    );
  }
  return `no machine of the cluster can run it${named.length ? `, short of ${named.join(" and ")}` : ""}: ${message}`;
}

/** Whether a pod runs, is on its way, or will not run (and why). Pure, for tests. */
export function podVerdict(pod: V1Pod): PodVerdict {
  const st = pod.status ?? {};
  const image = pod.spec?.containers?.[0]?.image;
  const cs = st.containerStatuses?.[0];
  if (st.phase === "Failed" || st.phase === "Succeeded") {
    const why = `${st.reason ?? "its container ended"}${st.message ? `: ${st.message}` : ""}`;
    if (st.reason === "SysctlForbidden") {
      return {
        state: "failed",
        why: `${why}; the kubelet must allow these sysctls (--allowed-unsafe-sysctls, see docs/kubernetes.md)`,
      };
    }
    const t = cs?.state?.terminated;
    return {
      state: "failed",
      why: t ? `its container exited (exit ${t.exitCode}${t.reason ? `, ${t.reason}` : ""})` : why,
    };
  }
  const waiting = cs?.state?.waiting;
  if (waiting?.reason && IMAGE_FAILURES.has(waiting.reason)) {
    return {
      state: "failed",
      why: `image ${image} cannot be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}); load it into the cluster's machines or push it to a registry they reach`,
    };
  }
  if (waiting?.reason && START_FAILURES.has(waiting.reason)) {
    return { state: "failed", why: `its container cannot start (${waiting.reason}: ${waiting.message ?? ""})` };
  }
  const terminated = cs?.state?.terminated;
  if (terminated) {
    return {
      state: "failed",
      why: `its container exited (exit ${terminated.exitCode}${terminated.reason ? `, ${terminated.reason}` : ""}); its command must keep running`,
    };
  }
  const sched = st.conditions?.find((c) => c.type === "PodScheduled");
  if (sched?.status === "False" && sched.reason === "Unschedulable") {
    return { state: "failed", why: unschedulable(pod, sched.message ?? "Unschedulable") };
  }
  if (st.phase === "Running" && st.podIP && cs?.state?.running) return { state: "running", ip: st.podIP };
  const detail = waiting?.reason ?? sched?.reason ?? (st.podIP ? "container starting" : "no pod IP yet");
  return { state: "waiting", why: `${st.phase ?? "Pending"} (${detail})` };
}

interface Waiter {
  resolve(ip: string): void;
  reject(e: Error): void;
  last: string;
}

/**
 * Waits for a lab's pods: one list request per round for all of them, the interval growing
 * from 100 ms to 1 s (a pod starts in seconds; an image pull can take minutes).
 */
export class PodWaiter {
  private waiters = new Map<string, Waiter>();
  private polling = false;

  constructor(
    private readonly c: Cluster,
    private readonly namespace: string,
    private readonly lab: string,
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** The pod's IP once it runs; rejects with why it will not. */
  running(pod: string): Promise<string> {
    const p = new Promise<string>((resolve, reject) => {
      this.waiters.set(pod, { resolve, reject, last: "not seen yet" });
    });
    if (!this.polling) void this.poll();
    return p;
  }

  private finish(pod: string, outcome: { ip: string } | { error: Error }): void {
    const w = this.waiters.get(pod);
    if (!w) return;
    this.waiters.delete(pod);
    if ("ip" in outcome) w.resolve(outcome.ip);
    else w.reject(outcome.error);
  }

  private failAll(e: (pod: string, w: Waiter) => Error): void {
    for (const [pod, w] of [...this.waiters]) this.finish(pod, { error: e(pod, w) });
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const deadline = Date.now() + this.timeoutMs;
    let interval = 100;
    try {
      while (this.waiters.size) {
        if (this.signal?.aborted) return this.failAll(() => new KubeError("deploy interrupted"));
        let pods: V1Pod[];
        try {
          const list = await this.c.core.listNamespacedPod({
            namespace: this.namespace,
            labelSelector: `${LABEL_LAB}=${this.lab}`,
          });
          pods = list.items;
        } catch (e) {
          const err = explain(this.c, `listing the pods of namespace ${this.namespace}`, e);
          return this.failAll(() => err);
        }
        for (const [name, w] of [...this.waiters]) {
          const pod = pods.find((p) => p.metadata?.name === name);
          if (!pod) continue;
          const v = podVerdict(pod);
          if (v.state === "running") this.finish(name, { ip: v.ip });
          else if (v.state === "failed")
            this.finish(name, { error: new KubeError(`pod ${this.namespace}/${name}: ${v.why}`) });
          else w.last = v.why;
        }
        if (!this.waiters.size) return;
        if (Date.now() > deadline) {
          const s = Math.round(this.timeoutMs / 1000);
          return this.failAll(
            (pod, w) => new KubeError(`pod ${this.namespace}/${pod} is not Running after ${s} s: ${w.last}`),
          );
        }
        await new Promise((r) => setTimeout(r, interval));
        interval = Math.min(interval * 2, 1000);
      }
    } finally {
      this.polling = false;
    }
  }
}

/**
 * One API request of a deploy or destroy, its failure told plainly: a 403 with the RBAC
 * verbs found missing, a name already taken, or the cluster's own message.
 */
export async function ask<T>(c: Cluster, namespace: string, doing: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (e) {
    const code = httpCode(e);
    if (code === 403) throw await forbidden(c, namespace, doing, e);
    if (code === 409) throw new KubeError(`${doing}: it already exists`);
    throw explain(c, doing, e);
  }
}
