// FRR's per-node options (`frr:` in the topology, merged with `defaults.frr`), as the model
// holds them in node.stack.options.
import type { NodeModel } from "../../core/model.js";

export interface FrrOptionsModel {
  profile: "datacenter" | "traditional";
  ebgpRequiresPolicy: boolean;
  /** Daemons to start, zebra first. */
  daemons: string[];
  /** false: no lab timers in the rendered BGP config (frr.lab-timers); absent means on. */
  labTimers?: boolean;
}

/** The node's FRR options, when it runs FRR. */
export function frrOptions(node: NodeModel): FrrOptionsModel | undefined {
  return node.stack?.name === "frr" ? (node.stack.options as unknown as FrrOptionsModel) : undefined;
}
