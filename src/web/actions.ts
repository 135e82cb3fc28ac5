// The page's only write action: cut or restore a cable (both ends' admin state), the same
// operation as `wirelab link A:P B:P down|up` (src/links/ops.ts).
import type { LabState } from "../core/state.js";
import { LinkError, setLinkUp } from "../links/ops.js";
import { cableId } from "./snapshot.js";

export type LinkAction = "up" | "down";

export class ActionError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "ActionError";
  }
}

/** Sets both ends of cable `id` administratively up or down. */
export async function setCableState(state: LabState, id: string, action: LinkAction): Promise<void> {
  if (action !== "up" && action !== "down") throw new ActionError(`state must be "up" or "down"`);
  const lab = state.model;
  const link = lab.links.find((l) => cableId(lab, l.index) === id);
  if (!link) throw new ActionError(`no cable '${id}' in lab '${lab.name}'`, 404);
  try {
    await setLinkUp(state, link, action === "up");
  } catch (e) {
    if (e instanceof LinkError) throw new ActionError(e.message, 409);
    throw e;
  }
}
