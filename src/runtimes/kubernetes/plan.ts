// The kubernetes runtime's part of a plan. Phases: the lab's Namespace and ConfigMaps; each
// node's Pod, waited for until it runs with an IP; the node directory on this host (the
// stack keeps its copy of the config there). The cables (links/vxlan.ts) and each node's
// kernel setup (nodeSteps) then run inside the pods through the exec API, with the same
// `ip` commands the other runtimes run; the dry run prints them with placeholders for what
// only the cluster knows (pod IPs, the pod network's MTU).
import type { Lab, NodeModel } from "../../core/model.js";
import { nodeDir, nsName } from "../../core/paths.js";
import type { Step } from "../../core/plan.js";
import type { PlanContext, PlanPart, TunnelCabling } from "../runtime.js";
import { type Cluster, cluster, KubeError } from "./client.js";
import { podExec } from "./exec.js";
import { labManifests, labNamespace } from "./manifests.js";
import { namespaceOf, podName, VXLAN_OVERHEAD } from "./model.js";
import { ask, PodWaiter } from "./pods.js";

/** How long a pod may take to run (an image pull included). */
export const POD_TIMEOUT_MS = Number(process.env.WIRELAB_K8S_POD_TIMEOUT_MS ?? 300_000);

/** What one deploy of a lab learns as it goes: pod IPs and the pods' underlay MTUs. */
interface LabRun {
  ips: Map<string, string>;
  mtus: Map<string, number>;
  waiter?: PodWaiter;
  mtu?: number;
  onNote?: (message: string) => void;
}
const runs = new Map<string, LabRun>();

function runOf(lab: string): LabRun {
  let r = runs.get(lab);
  if (!r) {
    r = { ips: new Map(), mtus: new Map() };
    runs.set(lab, r);
  }
  return r;
}

export function clusterOf(node: NodeModel): Promise<Cluster> {
  return cluster(node.runtime.kubernetes?.context);
}

function where(node: NodeModel): string {
  const ctx = node.runtime.kubernetes?.context;
  return `Kubernetes API${ctx ? ` (context ${ctx})` : ""}`;
}

/** Runs argv in the node's pod; throws with the command when it fails. */
async function inPod(lab: string, node: NodeModel, argv: string[]): Promise<string> {
  const ns = namespaceOf(lab, node.runtime.kubernetes);
  const r = await podExec(await clusterOf(node), ns, podName(node.name), argv, { timeoutMs: 30_000 });
  if (r.code !== 0) {
    throw new KubeError(
      `pod ${ns}/${podName(node.name)}: ${argv.join(" ")} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
  return r.stdout;
}

/** The MTU of the pod's interface that holds its IP (the pod network's, usually eth0). */
async function podUnderlayMtu(lab: string, node: NodeModel, ip: string): Promise<number> {
  const links = JSON.parse(await inPod(lab, node, ["ip", "-j", "addr", "show"])) as {
    mtu?: number;
    addr_info?: { local?: string }[];
  }[];
  const dev = links.find((l) => l.addr_info?.some((a) => a.local === ip));
  if (!dev?.mtu) throw new KubeError(`pod of node ${node.name}: no interface holds its IP ${ip}`);
  return dev.mtu;
}

/** The one MTU of every cable of the lab, said once: the underlay's (given or measured) less VXLAN's. */
async function cableMtu(lab: Lab): Promise<number> {
  const run = runOf(lab.name);
  if (run.mtu !== undefined) return run.mtu;
  const measured = Math.min(...run.mtus.values());
  const given = lab.kubernetes?.underlayMtu;
  if (given !== undefined && measured < given) {
    const [pod] = [...run.mtus].find(([, m]) => m === measured) ?? [];
    throw new KubeError(
      `kubernetes.underlay-mtu is ${given}, but the pod network of node ${pod} has MTU ${measured}: lower underlay-mtu or leave it out (then it is measured)`,
    );
  }
  const underlay = given ?? measured;
  if (!Number.isFinite(underlay)) throw new Error("internal: no pod measured before the cables");
  run.mtu = underlay - VXLAN_OVERHEAD;
  run.onNote?.(
    `kubernetes: cables are VXLAN tunnels over the pod network (MTU ${underlay}${given === undefined ? ", measured" : ""}): every cabled port has MTU ${run.mtu}`,
  );
  return run.mtu;
}

export function cabling(lab: Lab): TunnelCabling {
  const k = lab.kubernetes;
  if (!k) throw new Error(`internal: lab ${lab.name} has no kubernetes settings`);
  return {
    type: "vxlan",
    udpPort: k.vxlanPort,
    vni: (link) => k.vniBase + link.index,
    mtu: {
      describe: k.underlayMtu !== undefined ? String(k.underlayMtu - VXLAN_OVERHEAD) : "<pod MTU - 50>",
      value: () => cableMtu(lab),
    },
    address: (node) => ({
      describe: `<pod IP of ${node.name}>`,
      value: async () => {
        const ip = runOf(lab.name).ips.get(node.name);
        if (!ip) throw new Error(`internal: pod of ${node.name} has no IP yet`);
        return ip;
      },
    }),
  };
}

export function kubernetesPlan(lab: Lab, nodes: NodeModel[], ctx: PlanContext): PlanPart {
  // A fresh record per plan: what an earlier deploy of the same name learnt is stale.
  runs.delete(lab.name);
  const run = runOf(lab.name);
  run.onNote = ctx.onNote;
  const m = labManifests(lab, nodes, ctx.configs);
  const namespace = labNamespace(lab, nodes);
  const first = nodes[0] as NodeModel;
  const setup: Step = {
    type: "call",
    describe: [
      `# ${where(first)}: create Namespace ${namespace} (label wirelab.lab=${lab.name}, Pod Security: privileged)`,
      ...m.configMaps.map(
        (cm) => `# ${where(first)}: create ConfigMap ${namespace}/${cm.metadata?.name} (${Object.keys(cm.data ?? {})})`,
      ),
    ],
    run: async () => {
      const c = await clusterOf(first);
      await ask(c, namespace, `create namespace ${namespace}`, () => c.core.createNamespace({ body: m.namespace }));
      for (const cm of m.configMaps) {
        await ask(c, namespace, `create configmap ${namespace}/${cm.metadata?.name}`, () =>
          c.core.createNamespacedConfigMap({ namespace, body: cm }),
        );
      }
    },
  };
  const pods = nodes.map((n, i): Step[] => {
    const pod = m.pods[i] as (typeof m.pods)[number];
    const spec = pod.spec?.containers[0];
    const caps = spec?.securityContext?.privileged
      ? "PRIVILEGED"
      : `capabilities ${spec?.securityContext?.capabilities?.add?.join(" ")}`;
    const mem = spec?.resources?.requests?.memory;
    return [
      {
        type: "call",
        describe: [
          `# ${where(n)}: create Pod ${namespace}/${podName(n.name)} (image ${spec?.image}, hostname ${n.name}, ${caps}${mem ? `, memory request ${mem}` : ""}), wait until it runs with a pod IP`,
        ],
        run: async () => {
          const c = await clusterOf(n);
          await ask(c, namespace, `create pod ${namespace}/${podName(n.name)}`, () =>
            c.core.createNamespacedPod({ namespace, body: pod }),
          );
          run.waiter ??= new PodWaiter(c, namespace, lab.name, POD_TIMEOUT_MS, ctx.signal);
          const ip = await run.waiter.running(podName(n.name));
          run.ips.set(n.name, ip);
          run.mtus.set(n.name, await podUnderlayMtu(lab.name, n, ip));
        },
      },
    ];
  });
  return {
    namespaces: [[setup]],
    containers: pods,
    // The stack writes its copy of each config here (the pod reads it from its ConfigMap).
    hostnames: nodes.map((n): Step[] => [{ type: "mkdir", path: nodeDir(lab.name, n.name) }]),
  };
}

/** `ip -n NS …` / `tc -n NS …` as planned for the host, without the namespace: run in the pod. */
function inside(argv: readonly string[], ns: string): string[] {
  if (argv[1] !== "-n" || argv[2] !== ns) throw new Error(`internal: cannot run in a pod: ${argv.join(" ")}`);
  return [argv[0] as string, ...argv.slice(3)];
}

/** A node's kernel setup, each command through the exec API (one `ip` command per line). */
export function podSteps(lab: Lab, node: NodeModel, steps: Step[]): Step[] {
  const ns = namespaceOf(lab.name, node.runtime.kubernetes);
  const label = `pod ${ns}/${podName(node.name)}`;
  const argvs: string[][] = [];
  const describe: string[] = [`# inside ${label} (exec API), one command each:`];
  for (const s of steps) {
    if (s.type === "ip") {
      for (const l of s.lines) {
        argvs.push(["ip", ...l.split(" ")]);
        describe.push(`ip ${l}`);
      }
      if (s.sysctl?.length)
        describe.push(`# sysctls in the pod's spec (securityContext.sysctls): ${s.sysctl.join(" ")}`);
    } else if (s.type === "exec") {
      const argv = inside(s.argv, nsName(lab.name, node.name));
      argvs.push(argv);
      describe.push(argv.join(" "));
    } else {
      throw new Error(`internal: a ${s.type} step cannot run in a pod`);
    }
  }
  return [
    {
      type: "call",
      describe,
      run: async () => {
        // A port asking for more than the tunnel carries would drop full-size packets.
        const most = await cableMtu(lab);
        const big = node.ports.find((p) => p.link !== undefined && (p.mtu ?? 0) > most);
        if (big)
          throw new KubeError(
            `port ${node.name}:${big.name} asks for MTU ${big.mtu}, but the lab's VXLAN cables carry at most ${most}`,
          );
        for (const argv of argvs) await inPod(lab.name, node, argv);
      },
    },
  ];
}
