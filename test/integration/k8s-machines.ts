// Two "machines" of a cluster on this host, for the kubernetes data-plane test: each a
// network namespace with a pod bridge (cni0, 10.244.<m>.1/24, as a bridge CNI makes), both
// joined by an underlay bridge in a namespace of its own and routing each other's pod
// subnet, as nodes of a cluster with host-gw routing do. Pods are plain namespaces plugged
// into their machine's bridge with an eth0. Everything here is named k8dp…, and remove()
// deletes it all.
import type { Lab, NodeModel } from "../../src/core/model.js";
import { netnsPath, nsName } from "../../src/core/paths.js";
import type { Step } from "../../src/core/plan.js";
import { VXLAN_OVERHEAD } from "../../src/runtimes/kubernetes/model.js";
import { netns } from "../../src/runtimes/netns/index.js";
import type { Runtime } from "../../src/runtimes/runtime.js";
import { run, runOk } from "../../src/util/exec.js";

export const UNDERLAY_NS = "k8dp-ul";
export const MACHINES = ["k8dp-m1", "k8dp-m2"] as const;
export const UNDERLAY_MTU = 1500;

const ip = (args: string[]) => runOk("ip", args);

/** The machines and the underlay between them (172.31.255.0/24). */
export async function buildMachines(): Promise<void> {
  await ip(["netns", "add", UNDERLAY_NS]);
  await ip(["-n", UNDERLAY_NS, "link", "add", "name", "br0", "type", "bridge"]);
  await ip(["-n", UNDERLAY_NS, "link", "set", "dev", "br0", "up"]);
  for (const [i, m] of MACHINES.entries()) {
    const n = i + 1;
    await ip(["netns", "add", m]);
    // The machine's uplink: a veth made in place, one end in the machine, one on the bridge.
    await ip([
      "link",
      "add",
      "name",
      "uplink",
      "netns",
      m,
      "type",
      "veth",
      "peer",
      "name",
      `m${n}`,
      "netns",
      UNDERLAY_NS,
    ]);
    await ip(["-n", UNDERLAY_NS, "link", "set", "dev", `m${n}`, "master", "br0", "up"]);
    const inM = (args: string[]) => ip(["-n", m, ...args]);
    await inM(["link", "set", "dev", "lo", "up"]);
    await inM(["addr", "add", `172.31.255.${n}/24`, "dev", "uplink"]);
    await inM(["link", "set", "dev", "uplink", "up"]);
    await inM(["link", "add", "name", "cni0", "type", "bridge"]);
    await inM(["addr", "add", `10.244.${n}.1/24`, "dev", "cni0"]);
    await inM(["link", "set", "dev", "cni0", "up"]);
    const other = 3 - n;
    await inM(["route", "add", `10.244.${other}.0/24`, "via", `172.31.255.${other}`]);
    await runOk("ip", ["netns", "exec", m, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  }
}

export async function removeMachines(): Promise<void> {
  for (const ns of [...MACHINES, UNDERLAY_NS]) await run("ip", ["netns", "del", ns]);
}

/** Where each pod runs, by node: machine index (0 or 1) and pod IP. */
export type Placement = Record<string, { machine: 0 | 1; ip: string }>;

/**
 * A runtime of the test's own, standing in for the kubernetes runtime where no cluster can
 * run: its pods are namespaces on the machines above, cabled by the same VXLAN link type
 * (links/vxlan.ts) through the same function, with the pod IPs as underlay addresses.
 * Everything else (namespace, FRR the netns way) is the netns runtime's.
 */
export function machinesRuntime(placement: Placement): Runtime {
  const podOf = (node: NodeModel) => {
    const p = placement[node.name];
    if (!p) throw new Error(`test: no placement for ${node.name}`);
    return p;
  };
  return {
    ...netns,
    name: "k8local",
    plan(lab: Lab, nodes: NodeModel[], ctx) {
      const part = netns.plan(lab, nodes, ctx);
      // "Scheduling": each pod's eth0 plugged into its machine's cni0, as a bridge CNI does.
      part.containers = nodes.map((n): Step[] => {
        const { machine, ip: addr } = podOf(n);
        const m = MACHINES[machine];
        const pod = nsName(lab.name, n.name);
        const peer = `v${n.name}`;
        return [
          { type: "ip", lines: [`link add name eth0 netns ${pod} type veth peer name ${peer} netns ${m}`] },
          { type: "ip", ns: m, lines: [`link set dev ${peer} master cni0`, `link set dev ${peer} up`] },
          {
            type: "ip",
            ns: pod,
            lines: [
              `addr add ${addr}/24 dev eth0`,
              "link set dev eth0 up",
              `route add default via 10.244.${machine + 1}.1`,
            ],
          },
        ];
      });
      return part;
    },
    handle(lab: string, node: NodeModel) {
      // The cables are made before a namespace node gets its hostname namespace (that comes
      // with its interfaces): a pod's own channel here is its network namespace alone.
      const h = netns.handle(lab, node);
      return {
        ...h,
        run: (argv, opts) =>
          run("nsenter", [`--net=${netnsPath(h.netns)}`, "--", ...argv], { timeoutMs: opts?.timeoutMs }),
      };
    },
    cabling() {
      return {
        type: "vxlan",
        udpPort: 14789,
        vni: (link) => 10000 + link.index,
        mtu: { describe: String(UNDERLAY_MTU - VXLAN_OVERHEAD), value: async () => UNDERLAY_MTU - VXLAN_OVERHEAD },
        address: (node) => ({ describe: `<pod IP of ${node.name}>`, value: async () => podOf(node).ip }),
      };
    },
  };
}
