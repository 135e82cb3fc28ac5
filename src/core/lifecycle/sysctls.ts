// A node's network sysctls, in one place: the host sets them inside the node's namespace
// (interfaces.ts), a runtime that cannot (a pod's /proc/sys is read-only) asks for them in
// the node's spec. Imports no runtime, so runtimes may use it.
import type { NodeModel } from "../model.js";

function isV6(cidr: string): boolean {
  return cidr.includes(":");
}

/** Whether the node has an IPv6 address on a port or its loopback. */
export function hasIpv6(node: NodeModel): boolean {
  return node.ports.some((p) => p.addresses.some(isV6)) || node.loopback.some(isV6);
}

/**
 * Interface neighbors (BGP unnumbered) peer over the ports' IPv6 link-local addresses: IPv6
 * must be on there even when the host turns it off for new namespaces.
 */
export function needsLinkLocal(node: NodeModel): boolean {
  return node.intents.bgp?.neighbors.some((n) => n.unnumbered) ?? false;
}

/** `name=value` settings for the node's network namespace (not its hostname). */
export function nodeSysctls(node: NodeModel): string[] {
  const settings: string[] = [];
  const linkLocal = needsLinkLocal(node);
  if (node.forwarding || hasIpv6(node) || linkLocal) {
    if (linkLocal) settings.push("net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0");
    if (node.forwarding) settings.push("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    // Keep IPv6 addresses when a cable is cut and restored, as IPv4 ones are kept.
    settings.push("net.ipv6.conf.all.keep_addr_on_down=1");
  }
  return settings;
}
