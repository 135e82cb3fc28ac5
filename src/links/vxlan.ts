// Cables between nodes that may sit on different machines (pods of a cluster): one
// point-to-point VXLAN tunnel per link, made inside each end's own network namespace and
// named after the user's port, as a veth end would be. The two ends share the link's VNI
// and UDP port; each names its own underlay address (local) and its peer's (remote), so no
// multicast, no learning and nothing in any host's namespace. Every cabled port gets the
// same MTU, the underlay's less the tunnel's overhead, so both ends of a link agree.
import { DeployError } from "../core/executor.js";
import type { Lab, LinkModel, NodeModel, PortModel } from "../core/model.js";
import type { Step } from "../core/plan.js";
import { nodeHandle, runtimeOf } from "../runtimes/index.js";
import type { NodeHandle, Runtime, TunnelCabling } from "../runtimes/runtime.js";
import type { LinkType } from "./link.js";

/** One end of a tunnel, as it is made inside that end's namespace. */
export interface VxlanEnd {
  /** Kernel name of the port (the device is named after it). */
  port: string;
  vni: number;
  /** This end's underlay address (its pod's IP) and the peer's. */
  local: string;
  remote: string;
  udpPort: number;
  mtu: number;
}

/** The `ip` command that makes one end, as words (run in the end's namespace; plans print placeholders). */
export function vxlanArgs(end: Omit<VxlanEnd, "mtu"> & { mtu: number | string }): string[] {
  return [
    ...["link", "add", "name", end.port, "mtu", String(end.mtu)],
    ...["type", "vxlan", "id", String(end.vni), "local", end.local, "remote", end.remote],
    ...["dstport", String(end.udpPort)],
  ];
}

/**
 * Makes one end of a VXLAN cable inside a node's namespace, through the node's own channel
 * (`run`: nsenter for a namespace, the exec API for a pod). The same function for every
 * sandbox, so what the data-plane test builds is what a deploy builds in a pod.
 */
export async function makeVxlanEnd(inside: Pick<NodeHandle, "run" | "label">, end: VxlanEnd): Promise<void> {
  const argv = ["ip", ...vxlanArgs(end)];
  const r = await inside.run(argv, { timeoutMs: 30_000 });
  if (r.code !== 0) {
    throw new DeployError(
      `${inside.label}: ${argv.join(" ")} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
}

function portOf(lab: Lab, node: string, port: string): [NodeModel, PortModel] {
  const n = lab.nodes.find((x) => x.name === node);
  const p = n?.ports.find((x) => x.name === port);
  if (!n || !p) throw new Error(`internal: port ${node}:${port} missing from the model`);
  return [n, p];
}

/**
 * For each link of the lab, its tunnel settings when its nodes are cabled with tunnels,
 * undefined for a veth. Looked up by name once per lab (labs have thousands of links).
 */
export function tunnelsOf(lab: Lab): (link: LinkModel) => TunnelCabling | undefined {
  const byName = new Map(lab.nodes.map((n) => [n.name, n]));
  const settings = new Map<Runtime, TunnelCabling | undefined>();
  const runtime = (name: string): [NodeModel, Runtime] => {
    const n = byName.get(name);
    if (!n) throw new Error(`internal: node ${name} missing from the model`);
    return [n, runtimeOf(n)];
  };
  return (link) => {
    const [a, ra] = runtime(link.a.node);
    const [b, rb] = runtime(link.b.node);
    if (!ra.cabling && !rb.cabling) return undefined;
    if (ra !== rb) {
      throw new DeployError(
        `link ${link.a.node}:${link.a.port} — ${link.b.node}:${link.b.port}: ${a.name} runs on ${ra.name} and ${b.name} on ${rb.name}; a cable joins two nodes of one runtime (${(ra.cabling ? ra : rb).name} nodes are cabled with VXLAN tunnels between their own sandboxes)`,
      );
    }
    if (!settings.has(ra)) settings.set(ra, ra.cabling?.(lab));
    return settings.get(ra);
  };
}

function endStep(lab: Lab, c: TunnelCabling, link: LinkModel, self: [NodeModel, PortModel], peer: NodeModel): Step {
  const [node, port] = self;
  const handle = nodeHandle(lab.name, node);
  const local = c.address(node);
  const remote = c.address(peer);
  const vni = c.vni(link);
  const planned = { port: port.ifname, vni, udpPort: c.udpPort };
  const text = { ...planned, local: local.describe, remote: remote.describe, mtu: c.mtu.describe };
  return {
    type: "call",
    describe: [`# inside ${handle.label}:`, `ip ${vxlanArgs(text).join(" ")}`],
    run: async () => {
      const [l, r, mtu] = await Promise.all([local.value(), remote.value(), c.mtu.value()]);
      await makeVxlanEnd(handle, { ...planned, local: l, remote: r, mtu });
    },
  };
}

export const vxlan: LinkType = {
  name: "vxlan",
  cableNoun: "VXLAN tunnels",
  cables(lab: Lab): Step[][] {
    const tunnel = tunnelsOf(lab);
    const groups: Step[][] = [];
    for (const link of lab.links) {
      const c = tunnel(link);
      if (!c) continue;
      const a = portOf(lab, link.a.node, link.a.port);
      const b = portOf(lab, link.b.node, link.b.port);
      // Each end on its own: they do not wait for each other (a tunnel end needs no peer).
      groups.push([endStep(lab, c, link, a, b[0])], [endStep(lab, c, link, b, a[0])]);
    }
    return groups;
  },
};
