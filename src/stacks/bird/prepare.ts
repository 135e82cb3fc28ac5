// RoutingStack.prepare for BIRD: every router's bird.conf rendered and checked with BIRD's
// own parser before anything is built, so a bad line stops deploy with nothing to roll back.
import type { Lab, NodeModel } from "../../core/model.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { type PreparedConfig, StackError } from "../stack.js";
import { checkBirdConfigs, formatBirdError, mapToConfig } from "./check.js";
import { logPath, MAX_SOCKET_PATH, socketPath } from "./paths.js";
import { BirdRenderError, renderBirdConfigDetailed } from "./render.js";

/** Renders one node's bird.conf; a setting BIRD cannot take is the node's refusal. */
function render(lab: Lab, node: NodeModel) {
  try {
    return renderBirdConfigDetailed(node, { logFile: logPath(lab.name, node.name) });
  } catch (e) {
    if (e instanceof BirdRenderError)
      throw new StackError(`${lab.file ? `${lab.file}: ` : ""}${node.name}: ${e.message}`);
    throw e;
  }
}

/** Renders and checks the nodes' configs (`bird -p` each, a few at a time); throws StackError. */
export async function prepareConfigs(
  lab: Lab,
  nodes: readonly NodeModel[],
  _handles: readonly NodeHandle[],
): Promise<Map<string, PreparedConfig>> {
  const rendered = nodes.map((n) => {
    // The control socket's path must fit a unix socket address (long lab and node names).
    const sock = socketPath(lab.name, n.name);
    if (Buffer.byteLength(sock) > MAX_SOCKET_PATH) {
      throw new StackError(
        `${n.name}: BIRD's control socket ${sock} is longer than a unix socket path may be (${MAX_SOCKET_PATH} bytes): use a shorter lab or node name`,
      );
    }
    return render(lab, n);
  });
  const checked = await checkBirdConfigs(rendered.map((r) => r.text));
  // Every router BIRD refused, in the file's order, each with its lines.
  const refusals = nodes.flatMap((n, i) => {
    const errors = mapToConfig(checked[i] ?? [], rendered[i]?.origins ?? []);
    return errors.length ? [errors.map((e) => formatBirdError(n, e, lab.file)).join("\n")] : [];
  });
  if (refusals.length) throw new StackError(refusals.join("\n"));
  return new Map(
    nodes.map((n, i) => {
      const r = rendered[i] as (typeof rendered)[number];
      return [n.name, { node: n.name, text: r.text, warnings: r.warnings }];
    }),
  );
}
