// Cables: one veth pair per link, created directly inside both namespaces and named after
// the user's ports (never created in the host and moved: no moment where a lab interface
// sits in the host's namespace, and no rename). All links in one `ip -batch` process.
import type { Lab, LinkModel, PortModel } from "../core/model.js";
import { nsName } from "../core/paths.js";
import type { Step } from "../core/plan.js";
import type { LinkType } from "./link.js";
import { tunnelsOf } from "./vxlan.js";

/** Where a veth is made: the batch line for one cable. */
export function vethLine(lab: string, a: PortModel, b: PortModel): string {
  // Each end with its own MAC (resolve/mac.ts): the same on every deploy.
  const mac = (p: PortModel) => (p.mac ? ` address ${p.mac}` : "");
  return `link add name ${a.ifname}${mac(a)} netns ${nsName(lab, a.node)} type veth peer name ${b.ifname}${mac(b)} netns ${nsName(lab, b.node)}`;
}

function portOf(lab: Lab, node: string, port: string): PortModel {
  const p = lab.nodes.find((n) => n.name === node)?.ports.find((x) => x.name === port);
  if (!p) throw new Error(`internal: port ${node}:${port} missing from the model`);
  return p;
}

/** The veths of these links (all in one ip-batch process), skipping tunnels. */
function vethCables(lab: Lab, links: readonly LinkModel[]): Step[][] {
  // Links between nodes that may sit on other machines are tunnels (vxlan.ts), not veths.
  const tunnel = tunnelsOf(lab);
  const lines = links
    .filter((l) => !tunnel(l))
    .map((l) => vethLine(lab.name, portOf(lab, l.a.node, l.a.port), portOf(lab, l.b.node, l.b.port)));
  return lines.length ? [[{ type: "ip", lines }]] : [];
}

export const veth: LinkType = {
  name: "veth",
  cableNoun: "veth pairs",
  cables: (lab) => vethCables(lab, lab.links),
  cablesFor: vethCables,
  uncable(lab, link) {
    if (tunnelsOf(lab)(link)) return [];
    // Deleting one end deletes the pair: the other node's port vanishes with it.
    const a = portOf(lab, link.a.node, link.a.port);
    return [{ type: "ip", ns: nsName(lab.name, a.node), lines: [`link del dev ${a.ifname}`] }];
  },
};
