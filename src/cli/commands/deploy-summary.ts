// The table deploy prints: one row per node. A large lab's cable lists would make rows
// hundreds of characters wide (36 routers of a Clos: ~550), so above the terminal's width
// the cables column becomes a count; `--json` and `wirelab inspect` keep every cable.
import type { Lab } from "../../core/model.js";
import { nsName } from "../../core/paths.js";
import { stackOf } from "../../stacks/index.js";
import type { RunningProtocol } from "../../stacks/stack.js";
import { table } from "../output.js";

/**
 * What a node routes with: what its daemons run (read back after deploy: raw config
 * included, with AS, areas or level), else its stack's protocols from the model.
 */
function routing(n: Lab["nodes"][number], running?: Map<string, RunningProtocol[]>): string {
  const read = running?.get(n.name);
  if (read) return read.map((p) => (p.detail ? `${p.name} ${p.detail}` : p.name)).join(", ");
  const protocols = stackOf(n)?.protocols(n) ?? [];
  return protocols.map((p) => (p === "bgp" && n.intents.bgp ? `bgp AS${n.intents.bgp.asn}` : p)).join(", ");
}

export function deploySummary(lab: Lab, width: number, running?: Map<string, RunningProtocol[]>): string {
  const cables = (n: Lab["nodes"][number]) =>
    n.ports.filter((p) => p.peer).map((p) => `${p.name}→${p.peer?.node}:${p.peer?.port}`);
  const rows = (full: boolean) =>
    lab.nodes.map((n) => {
      const list = cables(n);
      return [
        n.name,
        n.runtime.name === "netns" ? n.kind : `${n.kind} (${n.runtime.name})`,
        nsName(lab.name, n.name),
        full ? list.join(" ") : `${list.length} cable${list.length === 1 ? "" : "s"}`,
        routing(n, running),
      ];
    });
  const head = ["node", "kind", "namespace", "cables", "routing"];
  const full = table(head, rows(true));
  const widest = Math.max(...full.split("\n").map((l) => l.length));
  if (widest <= width) return full;
  return `${table(head, rows(false))}\n(cables counted to fit ${width} columns; every cable: wirelab inspect --lab ${lab.name}, or --json)`;
}
