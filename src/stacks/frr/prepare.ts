// RoutingStack.prepare for FRR: every router's frr.conf rendered and checked with FRR's own
// parser before anything is built, so a bad line stops deploy with nothing to roll back.
import os from "node:os";
import pLimit from "p-limit";
import type { Lab, NodeModel } from "../../core/model.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { type PreparedConfig, type PrepareOptions, StackError } from "../stack.js";
import { checkFrrConfig, type FrrConfigError, formatConfigError, isBenign } from "./check.js";
import { checkFrrConfigsBatched } from "./check-many.js";
import { confPath, logPath } from "./paths.js";
import { renderFrrConfigDetailed } from "./render.js";

function render(lab: Lab, node: NodeModel): PreparedConfig {
  const r = renderFrrConfigDetailed(node, { logFile: logPath(lab.name, node.name) });
  return { node: node.name, text: r.text, warnings: r.warnings, file: confPath(lab.name, node.name) };
}

/** Renders and checks the nodes' configs; throws StackError listing every bad line of a node. */
export async function prepareConfigs(
  lab: Lab,
  nodes: readonly NodeModel[],
  handles: readonly NodeHandle[],
  opts: PrepareOptions = {},
): Promise<Map<string, PreparedConfig>> {
  const handleOf = new Map(handles.map((h) => [h.node.name, h]));
  const hostFs = (n: NodeModel) => handleOf.get(n.name)?.hostFs ?? true;
  const configs = new Map<string, PreparedConfig>();
  const fail = (n: NodeModel, errors: FrrConfigError[]) =>
    new StackError(errors.map((e) => formatConfigError(n, e, lab.file)).join("\n"), true);
  /**
   * FRR logs and skips navigation-only lines (a stray `exit-address-family`), and FRR's own
   * test configs have them: a warning, with the line commented out so the daemons and
   * `vtysh -f` load the rest as FRR would; `--strict` refuses them.
   */
  const settle = (n: NodeModel, r: PreparedConfig, errors: FrrConfigError[]): PreparedConfig => {
    const benign = opts.strict ? [] : errors.filter(isBenign);
    const real = errors.filter((e) => !benign.includes(e));
    if (real.length) throw fail(n, real);
    if (!benign.length) return r;
    const lines = r.text.split("\n");
    for (const e of benign) lines[e.line - 1] = `! wirelab: skipped, as FRR would: ${e.text.trim()}`;
    return {
      ...r,
      text: lines.join("\n"),
      warnings: [
        ...r.warnings,
        ...benign.map(
          (e) => `${formatConfigError(n, e, lab.file)}: a navigation-only line FRR skips (--strict refuses it)`,
        ),
      ],
    };
  };

  // Configs rendered from intent alone are checked together by one vtysh process
  // (check-many.ts); those with raw config text, and container routers, one by one.
  const batchable = (n: NodeModel) => n.stack?.config === undefined && hostFs(n);
  const intentOnly = nodes.filter(batchable);
  const rendered = intentOnly.map((n) => render(lab, n));
  const batched = await checkFrrConfigsBatched(rendered.map((r) => r.text));
  intentOnly.forEach((n, i) => {
    configs.set(n.name, settle(n, rendered[i] as PreparedConfig, batched[i] ?? []));
  });

  const limit = pLimit(os.availableParallelism());
  await Promise.all(
    nodes
      .filter((n) => !batchable(n))
      .map((n) =>
        limit(async () => {
          const r = render(lab, n);
          // A container router's config is checked by the host's FRR when there is one (the
          // image's vtysh checks it again when it is loaded).
          const errors = await checkFrrConfig(r.text).catch((e: Error) => {
            if (!hostFs(n)) return [];
            throw e;
          });
          configs.set(n.name, settle(n, r, errors));
        }),
      ),
  );
  // In the order of `nodes`, whatever order the checks finished in.
  return new Map(nodes.filter((n) => configs.has(n.name)).map((n) => [n.name, configs.get(n.name) as PreparedConfig]));
}
