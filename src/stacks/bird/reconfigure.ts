// RoutingStack.reconfigureSteps for BIRD (`deploy --reconfigure`): the new bird.conf
// replaces the old one atomically (same owner, group and mode), then `configure` on the
// node's control socket (what `birdc configure` sends): BIRD reloads it in place, restarting
// only the protocols whose configuration changed, so untouched sessions stay up.
import { lstat, readFile } from "node:fs/promises";
import path from "node:path";
import type { Lab, NodeModel } from "../../core/model.js";
import type { Step } from "../../core/plan.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { writeFileAtomic } from "../../util/safe-fs.js";
import { type PreparedConfig, StackError } from "../stack.js";
import { BirdControlError, birdCommand } from "./control.js";
import { confPath, socketPath } from "./paths.js";

/** Replaces the file and asks BIRD to load it; BIRD's refusal names the node. */
export async function configureBird(handle: NodeHandle, text: string): Promise<void> {
  const file = confPath(handle.lab, handle.node.name);
  const st = await lstat(file);
  await writeFileAtomic(path.dirname(file), path.basename(file), text, { mode: st.mode & 0o777, uid: 0, gid: st.gid });
  let reply: { code: number; text: string }[];
  try {
    reply = await birdCommand(socketPath(handle.lab, handle.node.name), "configure", 30_000);
  } catch (e) {
    if (e instanceof BirdControlError) throw new StackError(`node ${handle.node.name}: birdc configure: ${e.message}`);
    throw e;
  }
  // 0003 Reconfigured, 0004 Reconfiguration in progress, 0020 Configuration OK (unchanged).
  const last = reply[reply.length - 1];
  if (last && last.code >= 8000) throw new StackError(`node ${handle.node.name}: birdc configure: ${last.text}`);
}

export async function reconfigureSteps(
  _lab: Lab,
  node: NodeModel,
  config: PreparedConfig,
  handle: NodeHandle,
): Promise<Step[] | undefined> {
  const file = confPath(handle.lab, node.name);
  const deployed = await readFile(file, "utf8").catch(() => undefined);
  if (deployed === config.text) return undefined;
  return [
    {
      type: "call",
      describe: [
        `# ${node.name}: replace ${file} atomically with the new config, then reload it in place`,
        `cat > ${file}.new <<'EOF'`,
        config.text.trimEnd(),
        "EOF",
        `mv ${file}.new ${file}`,
        `birdc -s ${socketPath(handle.lab, node.name)} configure`,
      ],
      run: () => configureBird(handle, config.text),
    },
  ];
}
