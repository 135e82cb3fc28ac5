// A node's own kernel setup, inside its namespace: loopback, link types' lines (a bridge
// device), each cabled port (alias, MTU, addresses, up), kernel routes of nodes that run no
// routing stack, sysctls and its hostname. One process per node (see below).
import { BLACKHOLE } from "../../intents/static/model.js";
import { LINK_TYPES } from "../../links/index.js";
import { runtimeOf } from "../../runtimes/index.js";
import { stackOf } from "../../stacks/index.js";
import { isBatchSafe } from "../../util/ip.js";
import type { Lab, NodeModel, PortModel } from "../model.js";
import { nsName, utsFile } from "../paths.js";
import type { Step } from "../plan.js";
import { hasIpv6, needsLinkLocal, nodeSysctls } from "./sysctls.js";

function isV6(cidr: string): boolean {
  return cidr.includes(":");
}

export function addrLine(cidr: string, dev: string): string {
  // nodad: a lab address is usable at once, not after IPv6 duplicate detection (~1-2 s).
  return `addr add ${cidr} dev ${dev}${isV6(cidr) ? " nodad" : ""}`;
}

/**
 * One cabled port's setup inside its node: alias, MTU, the link types' lines (a bridge's
 * master), addresses, up. Batch lines, plus argv steps for values a batch cannot carry.
 * Deploy does it for every port; `deploy --reconfigure` for a port that gets a new cable.
 */
export function portSetup(lab: Lab, node: NodeModel, p: PortModel): { lines: string[]; extra: Step[] } {
  const ns = nsName(lab.name, node.name);
  const lines: string[] = [];
  const extra: Step[] = [];
  if (p.name !== p.ifname) {
    // The user's name (e.g. Ethernet1/1) stays visible on the kernel interface.
    if (isBatchSafe(p.name)) lines.push(`link set dev ${p.ifname} alias ${p.name}`);
    else extra.push({ type: "exec", argv: ["ip", "-n", ns, "link", "set", "dev", p.ifname, "alias", p.name] });
  }
  if (p.mtu) lines.push(`link set dev ${p.ifname} mtu ${p.mtu}`);
  for (const t of LINK_TYPES) lines.push(...(t.portLines?.(lab, node, p.ifname) ?? []));
  for (const a of p.addresses) lines.push(addrLine(a, p.ifname));
  // shutdown: configured, but administratively down, as on a router.
  if (!p.shutdown) lines.push(`link set dev ${p.ifname} up`);
  return { lines, extra };
}

/** Kernel work inside one node's namespace, as ip-batch lines plus argv steps for odd values. */
export function interfaceSteps(lab: Lab, node: NodeModel): Step[] {
  const ns = nsName(lab.name, node.name);
  const lines = ["link set dev lo up"];
  const extra: Step[] = [];
  for (const a of node.loopback) lines.push(addrLine(a, "lo"));
  for (const t of LINK_TYPES) lines.push(...(t.nodeLines?.(lab, node) ?? []));
  for (const p of node.ports) {
    if (p.link === undefined && !p.stub) continue;
    const port = portSetup(lab, node, p);
    lines.push(...port.lines);
    extra.push(...port.extra);
  }
  // A node without a routing stack (a Linux host) gets its static routes from the kernel.
  if (!stackOf(node)) {
    for (const r of node.intents.static ?? []) {
      lines.push(r.via === BLACKHOLE ? `route add blackhole ${r.to}` : `route add ${r.to} via ${r.via}`);
    }
  }
  const settings = nodeSysctls(node);
  // The node's whole kernel setup is one process: its own UTS namespace (the hostname; a
  // container has its own), the ip batch and the sysctls. One process per node, not three:
  // every spawn costs wirelab's main thread 1.5-3 ms (fork of a large process), which was
  // most of a topology-only build. The kernel takes any node name as hostname (hostname(1)
  // refuses `_`); it travels as an argument, never inside script text.
  const ip: Step = { type: "ip", ns, lines };
  // IPv6 ports skip duplicate address detection for the link-local address the kernel gives
  // them at link up (written addresses are `nodad` above): while it is tentative (about 1-2 s
  // here) bgpd refuses IPv6 sessions ("nexthop_set failed": no link-local next hop) and BGP
  // unnumbered has nothing to peer over. Set before the batch brings the ports up; the
  // ports exist already (made in place by the cables phase).
  const before: Step[] = [];
  if (hasIpv6(node) || needsLinkLocal(node)) {
    const ports = node.ports.filter((p) => p.link !== undefined && isBatchSafe(p.ifname));
    if (ports.length) {
      const dad = ports.map((p) => `net/ipv6/conf/${p.ifname}/accept_dad=0`);
      before.push({ type: "exec", argv: ["ip", "netns", "exec", ns, "sysctl", "-qw", ...dad] });
    }
  }
  if (runtimeOf(node).ownsHostname) {
    ip.uts = utsFile(lab.name, node.name);
    settings.push(`kernel.hostname=${node.name}`);
  }
  if (settings.length) ip.sysctl = settings;
  const after = LINK_TYPES.flatMap((t) => t.afterInterfaces?.(lab, node) ?? []);
  const steps = [...before, ip, ...extra, ...after];
  // A node whose namespace is not on this host (a pod) gets the same work through its runtime.
  return runtimeOf(node).nodeSteps?.(lab, node, steps) ?? steps;
}
