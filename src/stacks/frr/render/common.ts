// Small text helpers shared by the renderers of frr.conf (render.ts and one file per intent).
import { isIP } from "node:net";
import type { NodeModel, PortModel } from "../../../core/model.js";

/** Folds free text (descriptions) onto one config line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

export function isV6Prefix(prefix: string): boolean {
  return isIP(prefix.split("/")[0] ?? "") === 6;
}

/** Kernel name of a port given by the user's name (or already a kernel name); else unchanged. */
export function kernelName(node: NodeModel, name: string): string {
  const byName = node.ports.find((p) => p.name === name);
  return byName ? byName.ifname : name;
}

/** The port whose user name is `name` and whose kernel name differs, if any. */
export function renamedPort(node: NodeModel, name: string): PortModel | undefined {
  return node.ports.find((p) => p.name === name && p.ifname !== p.name);
}

export function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function isComment(line: string): boolean {
  return /^\s*[!#]/.test(line);
}
