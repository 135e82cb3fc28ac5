// Machines of a cluster on this host, for the kubernetes data-plane tests: each a network
// namespace with a pod bridge (cni0, 10.244.<m>.1/24, as a bridge CNI makes), all joined by
// an underlay bridge in a namespace of its own and routing each other's pod subnet, as the
// nodes of a cluster with host-gw routing do. A pod is a network namespace plugged into its
// machine's bridge with an eth0. Every name starts with the set's prefix (k8…); remove()
// deletes them all.
import type { Lab, NodeModel } from "../../src/core/model.js";
import { netnsPath, nsName } from "../../src/core/paths.js";
import type { Step } from "../../src/core/plan.js";
import { VXLAN_OVERHEAD } from "../../src/runtimes/kubernetes/model.js";
import { netns } from "../../src/runtimes/netns/index.js";
import type { Runtime } from "../../src/runtimes/runtime.js";
import { run, runOk } from "../../src/util/exec.js";
import { leftovers } from "./helpers.js";

export const UNDERLAY_MTU = 1500;

const ip = (args: string[]) => runOk("ip", args);

export class Machines {
  readonly underlay: string;
  readonly names: [string, string];

  constructor(readonly prefix: string) {
    this.underlay = `${prefix}-ul`;
    this.names = [`${prefix}-m1`, `${prefix}-m2`];
  }

  /** The two machines and the underlay between them (172.31.255.0/24). */
  async build(): Promise<void> {
    await ip(["netns", "add", this.underlay]);
    await ip(["-n", this.underlay, "link", "add", "name", "br0", "type", "bridge"]);
    await ip(["-n", this.underlay, "link", "set", "dev", "br0", "up"]);
    for (const [i, m] of this.names.entries()) {
      const n = i + 1;
      await ip(["netns", "add", m]);
      // The machine's uplink: a veth made in place, one end in the machine, one on the bridge.
      const peer = `m${n}`;
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
        peer,
        "netns",
        this.underlay,
      ]);
      await ip(["-n", this.underlay, "link", "set", "dev", peer, "master", "br0", "up"]);
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

  async remove(): Promise<void> {
    for (const ns of [...this.names, this.underlay]) await run("ip", ["netns", "del", ns]);
  }

  /** The ip-batch steps that plug pod namespace `pod` into machine `m` with address `addr`. */
  plugSteps(pod: string, m: 0 | 1, addr: string, peer: string): Step[] {
    const machine = this.names[m];
    return [
      { type: "ip", lines: [`link add name eth0 netns ${pod} type veth peer name ${peer} netns ${machine}`] },
      { type: "ip", ns: machine, lines: [`link set dev ${peer} master cni0`, `link set dev ${peer} up`] },
      {
        type: "ip",
        ns: pod,
        lines: [
          "link set dev lo up",
          `addr add ${addr}/24 dev eth0`,
          "link set dev eth0 up",
          `route add default via 10.244.${m + 1}.1`,
        ],
      },
    ];
  }
}

/** Where each pod runs, by node: machine index (0 or 1) and pod IP. */
export type Placement = Record<string, { machine: 0 | 1; ip: string }>;

/**
 * A runtime of the test's own, standing in for the kubernetes runtime where no cluster can
 * run: its pods are namespaces on the machines, cabled by the same VXLAN link type
 * (links/vxlan.ts) through the same function, with the pod IPs as underlay addresses.
 * Everything else (namespace, FRR the netns way) is the netns runtime's.
 */
export function machinesRuntime(machines: Machines, placement: Placement): Runtime {
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
        return machines.plugSteps(nsName(lab.name, n.name), machine, addr, `v${n.name}`);
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

/**
 * What a lab left on this host, waiting (on real state) for PID 1 to reap ended daemons.
 * helpers.leftovers also looks machine-wide (any zombie FRR daemon, any veth in the host's
 * namespace): other labs run on this machine at the same time, and these tests make no veth
 * in the host's namespace, so those two are left out here.
 */
export async function labLeftovers(lab: string, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = (await leftovers(lab)).filter((l) => !/^(zombie FRR daemon|host veth) /.test(l));
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
