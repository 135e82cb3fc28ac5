// A scenario's faults, applied to a running lab and undone: a cable cut (both ends down)
// and a router stop (its routing daemons). Each record says what was done and how long it took.
import type { FaultModel } from "../core/model.js";
import { startNode, stopNode } from "../core/nodes.js";
import type { LabState } from "../core/state.js";
import { setLinkUp } from "../links/ops.js";
import { linkLabel } from "../topology/endpoints.js";

export interface FaultRecord {
  fault: FaultModel;
  /** `link r1:1 — r2:1 down`, `node r3 stopped`. */
  description: string;
  appliedAt: string;
  revertedAt?: string;
}

function linkOf(state: LabState, index: number) {
  const link = state.model.links[index];
  if (!link) throw new Error(`internal: link #${index + 1} is not in lab '${state.name}'`);
  return link;
}

export async function applyFault(state: LabState, fault: FaultModel): Promise<FaultRecord> {
  let description: string;
  if (fault.type === "link-down") {
    const link = linkOf(state, fault.link);
    await setLinkUp(state, link, false);
    description = `link ${linkLabel(link)} down`;
  } else {
    await stopNode(state, fault.node);
    description = `node ${fault.node} stopped`;
  }
  return { fault, description, appliedAt: new Date().toISOString() };
}

export async function revertFault(state: LabState, rec: FaultRecord): Promise<void> {
  const f = rec.fault;
  if (f.type === "link-down") await setLinkUp(state, linkOf(state, f.link), true);
  else await startNode(state, f.node);
  rec.revertedAt = new Date().toISOString();
}
