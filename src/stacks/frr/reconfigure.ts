// RoutingStack.reconfigureSteps for FRR (`deploy --reconfigure`): a running node gets only
// the difference between its running config and its new one (reload.ts), through vtysh, so
// its daemons keep running and its untouched BGP sessions stay up. Daemons the new config
// needs are started first (empty, the difference then configures them); daemons it no
// longer needs stop after their lines are gone. frr.conf is replaced last: `node restart`
// starts from it.
import { lstat, readFile } from "node:fs/promises";
import path from "node:path";
import type { Lab, NodeModel } from "../../core/model.js";
import { quoteArgv, type Step } from "../../core/plan.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { writeFileAtomic } from "../../util/safe-fs.js";
import { type PreparedConfig, StackError } from "../stack.js";
import { applyConfig } from "./apply.js";
import { vtyshErrors } from "./channel.js";
import { execCommand } from "./cli.js";
import { daemonsFor } from "./daemons.js";
import { stop } from "./node.js";
import { confPath } from "./paths.js";
import { frrConfigDiff } from "./reload.js";
import { cleanRunningConfig } from "./save.js";
import { daemonArgv } from "./start.js";
import { waitForDaemons } from "./state.js";

async function runningConfig(handle: NodeHandle): Promise<string> {
  const r = await handle.run(execCommand(handle, ["vtysh", "-c", "show running-config"]), { timeoutMs: 30_000 });
  if (r.code !== 0) {
    throw new StackError(
      `node ${handle.node.name}: cannot read its running config: ${vtyshErrors(r.stderr) || r.stdout.trim() || `exit ${r.code}`}`,
    );
  }
  return cleanRunningConfig(r.stdout);
}

/** Replaces the node's frr.conf atomically, keeping its owner and mode. */
async function replaceConf(file: string, text: string): Promise<void> {
  const st = await lstat(file);
  await writeFileAtomic(path.dirname(file), path.basename(file), text, {
    mode: st.mode & 0o777,
    uid: 0,
    gid: st.gid,
  });
}

export async function reconfigureSteps(
  _lab: Lab,
  node: NodeModel,
  config: PreparedConfig,
  handle: NodeHandle,
  daemons: string[],
): Promise<Step[] | undefined> {
  const file = confPath(handle.lab, node.name);
  const deployed = await readFile(file, "utf8").catch(() => undefined);
  const wanted = daemonsFor(node);
  const starting = wanted.filter((d) => !daemons.includes(d));
  const stopping = daemons.filter((d) => !wanted.includes(d));
  if (deployed === config.text && !starting.length && !stopping.length) return undefined;
  if ((starting.length || stopping.length) && !handle.hostFs) {
    throw new StackError(
      `node ${node.name}: its FRR daemons change (${[...starting.map((d) => `+${d}`), ...stopping.map((d) => `-${d}`)].join(" ")}), which reconfigure does for namespace nodes only; destroy and deploy the lab again`,
    );
  }
  const diff = frrConfigDiff(await runningConfig(handle), config.text);
  const steps: Step[] = [];
  if (starting.length) {
    // zebra first when it is among them: the others register with it.
    for (const d of starting) steps.push({ type: "exec", argv: daemonArgv(handle, d) });
    steps.push({
      type: "call",
      describe: [`# wait until ${starting.join(", ")} of ${node.name} answer vtysh`],
      run: async () => {
        const notUp = await waitForDaemons(handle.netns, wanted, { timeoutMs: 15_000 });
        if (notUp.length) throw new StackError(`node ${node.name}: ${notUp.join(", ")} did not come up`);
      },
    });
  }
  if (diff.text) {
    steps.push({
      type: "call",
      describe: [
        `# ${node.name}: the difference with its running config (removed lines in their no form)`,
        `vtysh ${handle.hostFs ? `-N ${handle.netns} ` : ""}-f /dev/stdin <<'EOF'`,
        diff.text.trimEnd(),
        "EOF",
      ],
      run: () => applyConfig(handle, diff.text),
    });
    if (diff.policyChanged && wanted.includes("bgpd")) {
      // A changed route-map or list takes effect when FRR's route-map delay timer fires (5 s)
      // or a session is refreshed: refresh them all now (route refresh: no session resets).
      const argv = execCommand(handle, ["vtysh", "-c", "clear bgp * soft"]);
      steps.push({
        type: "call",
        describe: [
          `# ${node.name}: the new policy applies now, not after FRR's route-map delay timer`,
          quoteArgv(argv),
        ],
        run: async () => {
          const r = await handle.run(argv, { timeoutMs: 30_000 });
          if (r.code !== 0) {
            throw new StackError(
              `node ${node.name}: clear bgp * soft: ${vtyshErrors(r.stderr) || r.stdout.trim() || `exit ${r.code}`}`,
            );
          }
        },
      });
    }
  }
  if (stopping.length) {
    steps.push({
      type: "call",
      describe: [`# stop ${stopping.join(", ")} of ${node.name} (its config no longer needs them)`],
      run: async () => {
        await stop(handle, stopping);
      },
    });
  }
  steps.push({
    type: "call",
    describe: [`# replace ${file} with the new config (what node restart loads)`],
    run: () => replaceConf(file, config.text),
  });
  return steps;
}
