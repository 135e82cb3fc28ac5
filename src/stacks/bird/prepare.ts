// RoutingStack.prepare for BIRD: every router's bird.conf rendered and checked with BIRD's
// own parser before anything is built, so a bad line stops deploy with nothing to roll back.
import os from "node:os";
import pLimit from "p-limit";
import type { Lab, NodeModel } from "../../core/model.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { type PreparedConfig, StackError } from "../stack.js";
import { checkBirdConfig, formatBirdError, mapToConfig } from "./check.js";
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

/** Renders and checks the nodes' configs (one `bird -p` each, in parallel); throws StackError. */
export async function prepareConfigs(
  lab: Lab,
  nodes: readonly NodeModel[],
  _handles: readonly NodeHandle[],
): Promise<Map<string, PreparedConfig>> {
  const configs = new Map<string, PreparedConfig>();
  const limit = pLimit(os.availableParallelism());
  await Promise.all(
    nodes.map((n) =>
      limit(async () => {
        // The control socket's path must fit a unix socket address (long lab and node names).
        const sock = socketPath(lab.name, n.name);
        if (Buffer.byteLength(sock) > MAX_SOCKET_PATH) {
          throw new StackError(
            `${n.name}: BIRD's control socket ${sock} is longer than a unix socket path may be (${MAX_SOCKET_PATH} bytes): use a shorter lab or node name`,
          );
        }
        const r = render(lab, n);
        const errors = mapToConfig(await checkBirdConfig(r.text), r.origins);
        if (errors.length) throw new StackError(errors.map((e) => formatBirdError(n, e, lab.file)).join("\n"));
        configs.set(n.name, { node: n.name, text: r.text, warnings: r.warnings });
      }),
    ),
  );
  // In the order of `nodes`, whatever order the checks finished in.
  return new Map(nodes.filter((n) => configs.has(n.name)).map((n) => [n.name, configs.get(n.name) as PreparedConfig]));
}
