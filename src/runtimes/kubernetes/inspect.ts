// What inspect adds for pods: the pod as the API reports it (phase, pod IP) and the ports
// as the pod's own kernel has them, read through exec (`ip -j addr show` in the pod): a
// pod's namespace is not on this host, where core/inspect.ts reads the other nodes'.
import type { V1Pod } from "@kubernetes/client-node";
import type { LabInspect, NodeInspect } from "../../core/inspect.js";
import type { NodeModel } from "../../core/model.js";
import type { LabState } from "../../core/state.js";
import type { Cluster } from "./client.js";
import { podExec } from "./exec.js";
import { LABEL_LAB, namespaceOf, podName } from "./model.js";
import { KUBERNETES } from "./options.js";
import { clusterOf } from "./plan.js";
import { podVerdict } from "./pods.js";

interface IpAddr {
  ifindex: number;
  ifname: string;
  address?: string;
  operstate?: string;
  mtu?: number;
  ifalias?: string;
  addr_info?: { local: string; prefixlen: number; scope?: string }[];
}

function addrs(i: IpAddr | undefined): string[] {
  return (i?.addr_info ?? [])
    .filter((a) => a.scope !== "link" && a.scope !== "host")
    .map((a) => `${a.local}/${a.prefixlen}`);
}

/** Fills a node's ports from its pod's `ip -j addr show`. */
function fromKernel(node: NodeInspect, list: IpAddr[]): void {
  const by = new Map(list.map((i) => [i.ifname, i]));
  for (const p of node.ports) {
    const i = by.get(p.ifname);
    p.state = i ? (i.operstate ?? "UNKNOWN") : "MISSING";
    p.ifindex = i?.ifindex;
    p.mac = i?.address;
    p.mtu = i?.mtu;
    p.alias = i?.ifalias;
    p.addresses = addrs(i);
  }
  node.loopback = addrs(by.get("lo")).filter((a) => !a.startsWith("127.") && a !== "::1/128");
}

export async function inspectPods(state: LabState, info: LabInspect): Promise<void> {
  const nodes = state.model.nodes.filter((n) => n.runtime.name === KUBERNETES);
  const first = nodes[0];
  if (!first) return;
  const ns = namespaceOf(state.name, first.runtime.kubernetes);
  const mark = (m: NodeModel, podState: string) => {
    const node = info.nodes.find((x) => x.name === m.name);
    if (!node) return undefined;
    node.container = { name: `${ns}/${podName(m.name)}`, image: m.runtime.container?.image ?? "", state: podState };
    return node;
  };
  let pods: V1Pod[];
  let c: Cluster;
  try {
    c = await clusterOf(first);
    pods = (await c.core.listNamespacedPod({ namespace: ns, labelSelector: `${LABEL_LAB}=${state.name}` })).items;
  } catch (e) {
    for (const m of nodes) mark(m, `unknown (${(e as Error).message.split("\n")[0]})`);
    return;
  }
  await Promise.all(
    nodes.map(async (m) => {
      const pod = pods.find((p) => p.metadata?.name === podName(m.name));
      const node = mark(m, pod ? (pod.status?.phase ?? "Pending").toLowerCase() : "missing");
      if (!node) return;
      if (pod?.status?.podIP && node.container) node.container.mgmt = pod.status.podIP;
      if (!pod || podVerdict(pod).state !== "running") {
        node.status = "missing";
        return;
      }
      const r = await podExec(c, ns, podName(m.name), ["ip", "-j", "addr", "show"], { timeoutMs: 10_000 }).catch(
        () => undefined,
      );
      if (r?.code !== 0) return;
      fromKernel(node, JSON.parse(r.stdout) as IpAddr[]);
      node.status = node.daemons.every((d) => d.alive) ? "running" : "degraded";
    }),
  );
}
