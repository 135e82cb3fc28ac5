// Which FRR daemons a node runs, for the stack's callers. The choosing itself lives with the
// options (options.ts: the loader's default list, neededDaemons; schema.ts: FRR_DAEMONS, the
// start order): this file reads the resolved list from node.stack.options.daemons.
import type { NodeModel } from "../../core/model.js";
import { neededDaemons as neededBy } from "./options.js";

/** Daemons the rendered config needs, from the intents and the raw text, in start order. */
export function neededDaemons(node: NodeModel): string[] {
  return neededBy(node.intents, node.stack?.config);
}

/** The daemons list the loader resolved (node.stack.options.daemons), if any. */
function optionDaemons(node: NodeModel): string[] | undefined {
  if (node.stack?.name !== "frr") return undefined;
  const d = node.stack.options.daemons;
  return Array.isArray(d) && d.every((x) => typeof x === "string") ? (d as string[]) : undefined;
}

/**
 * Daemons to start for the node, zebra first (the others register with it): the list the
 * loader resolved (frr.daemons or its default), else what the config needs.
 */
export function daemonsFor(node: NodeModel): string[] {
  const listed = optionDaemons(node);
  const list = listed?.length ? listed : neededDaemons(node);
  return ["zebra", ...list.filter((d) => d !== "zebra")];
}

/** Protocols deploy waits for on the node: those whose daemon it starts (intent or raw config). */
export function protocolsFor(node: NodeModel): string[] {
  const d = daemonsFor(node);
  const out: string[] = [];
  if (d.includes("bgpd")) out.push("bgp");
  if (d.includes("ospfd") || d.includes("ospf6d")) out.push("ospf");
  if (d.includes("isisd")) out.push("isis");
  if (d.includes("bfdd")) out.push("bfd");
  // VTEPs wait for their VNIs' remote VTEPs (EVPN type-3 routes in zebra).
  if (d.includes("bgpd") && (node.intents.evpn?.vnis.length ?? 0) > 0) out.push("evpn");
  return out;
}
