// Small text helpers shared by the renderers of bird.conf (render.ts and one file per intent).
import { isIP } from "node:net";
import type { NodeModel, PortModel } from "../../../core/model.js";
import { type Cidr, compareIp, contains, ipString, parseInterfaceAddress, parseIp } from "../../../topology/address.js";

export function isV6(address: string): boolean {
  return isIP(address.split("/")[0] ?? "") === 6;
}

export function isLinkLocal6(address: string): boolean {
  return isV6(address) && /^fe[89ab]/i.test(address);
}

/**
 * A BIRD string literal ("…") for free text: one line, without the quote and backslash BIRD's
 * lexer would read as the end of the string or an escape.
 */
export function birdString(s: string): string {
  return `"${s.replace(/\s+/g, " ").replace(/["\\]/g, "'").trim()}"`;
}

/**
 * A name as a BIRD symbol. Node names may hold `-` and start with a digit: BIRD 2 takes such
 * names quoted ('bgp_ops-1'); plain ones are left bare, as a person would write them.
 */
export function birdSymbol(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name}'`;
}

/** The node's port by the user's name (or already a kernel name). */
export function portOf(node: NodeModel, name: string): PortModel | undefined {
  return node.ports.find((p) => p.name === name) ?? node.ports.find((p) => p.ifname === name);
}

/** The port whose subnet holds `address` (the interface a link-local next hop is reached on). */
export function portFacing(node: NodeModel, address: string): PortModel | undefined {
  const ip = parseIp(address);
  if (typeof ip === "string") return undefined;
  return node.ports.find((p) =>
    p.addresses.some((a) => {
      const c = parseInterfaceAddress(a);
      return typeof c !== "string" && c.addr !== address && contains(c, ip);
    }),
  );
}

/** The node's IPv4 addresses, loopback first, each list lowest first (BIRD's router id). */
export function lowestIpv4(node: NodeModel): string | undefined {
  const lowest = (cidrs: readonly string[]) =>
    cidrs
      .map((a) => parseInterfaceAddress(a))
      .filter((c): c is Cidr => typeof c !== "string" && c.family === 4)
      .map((c) => c.ip)
      .sort(compareIp)[0];
  const ip = lowest(node.loopback) ?? lowest(node.ports.flatMap((p) => p.addresses));
  return ip === undefined ? undefined : ipString(ip);
}

export function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** A setting the node's model holds that BIRD cannot be given (prepare names node and file). */
export class BirdRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BirdRenderError";
  }
}
