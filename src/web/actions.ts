// The page's only write action: cut or restore a cable (both ends' admin state), as
// `ip -n NS link set dev IF down|up` would. Argument arrays only.
import type { LabState } from "../runtime/state.js";
import { runOk } from "../util/exec.js";
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
  for (const ref of [link.a, link.b]) {
    const ns = state.nodes.find((n) => n.name === ref.node)?.netns;
    const ifname = lab.nodes.find((n) => n.name === ref.node)?.ports.find((p) => p.name === ref.port)?.ifname;
    if (!ns || !ifname) throw new ActionError(`cable '${id}': ${ref.node}:${ref.port} is not in the lab state`, 409);
    await runOk("ip", ["-n", ns, "link", "set", "dev", ifname, action]);
  }
}
