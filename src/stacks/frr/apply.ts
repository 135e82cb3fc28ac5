// `wirelab config NODE FILE` (RoutingStack.applyConfig): a snippet of vtysh configuration
// pushed into a running node, as `vtysh -f` would from a router's shell. Like typing on a
// router, it changes the running config only: `wirelab save` keeps it, `node restart`
// starts again from the deployed config.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { nodeDir } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { run } from "../../util/exec.js";
import { removeTree, writeFileNoFollow } from "../../util/safe-fs.js";
import { StackError } from "../stack.js";
import { vtyshErrors } from "./channel.js";
import { parseVtyshErrors } from "./check.js";
import { vtyshApplyArgv } from "./start.js";

export async function applyConfig(handle: NodeHandle, text: string): Promise<void> {
  // In the node's own (root's) directory: a container sees it there too (bound read-only).
  const file = path.join(nodeDir(handle.lab, handle.node.name), `snippet-${randomBytes(4).toString("hex")}.conf`);
  await writeFileNoFollow(file, text, { mode: 0o600, uid: 0, exclusive: true });
  try {
    const argv = handle.hostFs ? vtyshApplyArgv(handle, file) : ["vtysh", "-f", file];
    const r = handle.hostFs
      ? await run(argv[0] as string, argv.slice(1), { timeoutMs: 60_000 })
      : await handle.run(argv, { timeoutMs: 60_000 });
    if (r.code !== 0) {
      const errors = parseVtyshErrors(r.stderr, text);
      const detail = errors.length
        ? errors.map((e) => `line ${e.line}: ${e.message}${e.text ? `: ${e.text}` : ""}`).join("; ")
        : vtyshErrors(r.stderr) || r.stdout.trim() || `exit ${r.code}`;
      throw new StackError(`node ${handle.node.name}: vtysh refused the snippet: ${detail}`);
    }
  } finally {
    await removeTree(file).catch(() => {});
  }
}
