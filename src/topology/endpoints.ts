// `node:port` references into a validated lab: used by checks, scenarios and the `link`,
// `capture` commands. Each lookup returns the thing or a message in network terms.

import { findPort, type Lab, type LinkModel, type NodeModel, type PortModel } from "../core/model.js";
import { didYouMean } from "./issues.js";

/** Splits `node:port` at the first `:` (ports may hold colons and slashes: leaf1:Ethernet1/1). */
export function splitEndpoint(text: string): { node: string; port?: string } {
  const i = text.indexOf(":");
  return i < 0 ? { node: text } : { node: text.slice(0, i), port: text.slice(i + 1) };
}

/** "lab 'x' has no node 'r4'" with a "did you mean" and the nodes there are (commands). */
export function noSuchNode(lab: string, names: readonly string[], name: string): string {
  return `lab '${lab}' has no node '${name}'${didYouMean(name, names)} (nodes: ${names.join(", ")})`;
}

export function nodeOrError(lab: Lab, name: string): NodeModel | string {
  const node = lab.nodes.find((n) => n.name === name);
  if (node) return node;
  return `unknown node '${name}'${didYouMean(
    name,
    lab.nodes.map((n) => n.name),
  )}`;
}

/** The port `node:port` names (the user's port name or its kernel name). */
export function portOrError(lab: Lab, text: string): { node: NodeModel; port: PortModel } | string {
  const { node: name, port } = splitEndpoint(text);
  const node = nodeOrError(lab, name);
  if (typeof node === "string") return `${node} in '${text}'`;
  if (port === undefined || port === "") return `'${text}' needs a port: write ${name}:<port>`;
  const p = findPort(node, port);
  if (!p) {
    const names = node.ports.map((x) => x.name);
    return `node '${name}' has no port '${port}'${didYouMean(port, names)}${names.length ? ` (ports: ${names.join(", ")})` : ""}`;
  }
  return { node, port: p };
}

/**
 * The cable named by one of its ends (`r1:1`) or by both (`r1:1 r2:1`, either order).
 */
export function linkOrError(lab: Lab, ends: readonly string[]): LinkModel | string {
  if (ends.length < 1 || ends.length > 2)
    return `name a cable by one or both of its ends (node:port), not ${ends.length}`;
  const ports = [];
  for (const e of ends) {
    const p = portOrError(lab, e);
    if (typeof p === "string") return p;
    if (p.port.link === undefined) return `port ${e} is not cabled`;
    ports.push(p);
  }
  const [first, second] = ports as [(typeof ports)[0], (typeof ports)[0] | undefined];
  const link = lab.links[first.port.link as number];
  if (!link) return `internal: link #${first.port.link} of ${ends[0]} missing from the model`;
  if (second && second.port.link !== first.port.link) {
    const peer = first.port.peer;
    return `${ends[0]} and ${ends[1]} are not the two ends of one cable (${ends[0]} is cabled to ${peer ? `${peer.node}:${peer.port}` : "nothing"})`;
  }
  if (second && second.node.name === first.node.name && second.port.name === first.port.name) {
    return `${ends[0]} is named twice: give the two ends of the cable`;
  }
  return link;
}

/** `a:1 — b:2` for messages. */
export function linkLabel(link: LinkModel): string {
  return `${link.a.node}:${link.a.port} — ${link.b.node}:${link.b.port}`;
}
