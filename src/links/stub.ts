// Stub ports: a port with addresses and no cable (`stub: true`), as a router's LAN with
// nobody on it yet. This kernel has no dummy devices, so each stub port is one end of a veth
// pair whose other end waits, up, in a per-lab holder namespace nobody uses: the port has
// carrier, its addresses are routable, and the holder goes with the lab.
import type { Lab } from "../core/model.js";
import { nsName } from "../core/paths.js";
import type { Step } from "../core/plan.js";
import type { LinkType } from "./link.js";

/**
 * The holder namespace of a lab's stub ports. `-stubs` can never be a node name (node names
 * start with a letter or digit), so it cannot clash with a node's namespace.
 */
export function stubHolder(lab: string): string {
  return nsName(lab, "-stubs");
}

function stubPorts(lab: Lab) {
  return lab.nodes.flatMap((n) => n.ports.filter((p) => p.stub));
}

export const stub: LinkType = {
  name: "stub",
  cableNoun: "stub ports",
  namespaces(lab) {
    return stubPorts(lab).length ? [stubHolder(lab.name)] : [];
  },
  cables(lab): Step[][] {
    const ports = stubPorts(lab);
    if (!ports.length) return [];
    const holder = stubHolder(lab.name);
    // The holder's ends are named by position: nobody sees them, the node's end keeps its name.
    const lines = ports.map(
      (p, i) =>
        `link add name ${p.ifname}${p.mac ? ` address ${p.mac}` : ""} netns ${nsName(lab.name, p.node)} type veth peer name s${i} netns ${holder}`,
    );
    return [
      [
        { type: "ip", lines },
        { type: "ip", ns: holder, lines: ports.map((_, i) => `link set dev s${i} up`) },
      ],
    ];
  },
};
