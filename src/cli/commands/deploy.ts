import { writeFile } from "node:fs/promises";
import { runningRouting } from "../../core/igp.js";
import { deployLab, prepareConfigs } from "../../core/lifecycle/deploy.js";
import { buildLabPlan } from "../../core/lifecycle/plan.js";
import { renderPlan } from "../../core/plan.js";
import { applyRuntimeOptions, runtimeManifests } from "../../runtimes/index.js";
import { progressPrinter, seconds } from "../output.js";
import { loadLab, UsageError } from "../resolve.js";
import { deploySummary } from "./deploy-summary.js";
import { renderReport, verifyDeployed } from "./verify.js";

export interface DeployFlags {
  topology?: string;
  lab?: string;
  dryRun?: boolean;
  json?: boolean;
  wait?: boolean;
  timeout?: string;
  keepOnFailure?: boolean;
  verify?: boolean;
  runtime?: string;
  strict?: boolean;
  context?: string;
  namespace?: string;
  output?: string;
  /** Change the running lab to what the file says (`wirelab apply`). */
  reconfigure?: boolean;
}

export async function deployCommand(flags: DeployFlags): Promise<number> {
  if (flags.reconfigure) return (await import("./reconfigure.js")).reconfigureCommand(flags);
  const lab = await loadLab(flags);
  const options = { context: flags.context, namespace: flags.namespace };
  if (options.context !== undefined || options.namespace !== undefined) {
    let taken: boolean;
    try {
      taken = applyRuntimeOptions(lab, options);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (!taken) {
      throw new UsageError(
        `--context and --namespace apply to nodes on a cluster (runtime kubernetes); lab '${lab.name}' has none`,
      );
    }
  }
  if (flags.output !== undefined && !flags.dryRun) throw new UsageError("--output writes manifests of a --dry-run");
  if (flags.dryRun) {
    // Configs are rendered and checked by the stacks' own parsers even in a dry run; the plan
    // is the one deploy would run.
    const configs = await prepareConfigs(lab, { strict: flags.strict });
    for (const c of configs.values()) for (const w of c.warnings) process.stderr.write(`note: ${w}\n`);
    const plan = renderPlan(buildLabPlan(lab, configs, { dryRun: true }));
    const manifests = flags.output === undefined ? undefined : runtimeManifests(lab, { dryRun: true, configs });
    if (flags.output !== undefined && manifests === undefined) {
      throw new UsageError(`--output: lab '${lab.name}' runs on no runtime with manifests (kubernetes has them)`);
    }
    process.stdout.write(plan);
    if (flags.output !== undefined && manifests !== undefined) {
      // 0600: the ConfigMaps hold the routers' configs, BGP passwords included.
      await writeFile(flags.output, manifests, { mode: 0o600 });
      process.stderr.write(`Manifests written to ${flags.output}\n`);
    }
    return 0;
  }
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130); // second Ctrl-C: leave now; destroy cleans up
    process.stderr.write(`\n${sig}: stopping deploy and removing what was built…\n`);
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (!flags.json)
      process.stderr.write(`Deploying lab '${lab.name}' (${lab.nodes.length} nodes, ${lab.links.length} links)\n`);
    const result = await deployLab(lab, {
      wait: flags.wait !== false,
      timeoutMs: flags.timeout ? Number(flags.timeout) * 1000 : undefined,
      onProgress: progressPrinter(Boolean(flags.json)),
      signal: abort.signal,
      keepOnFailure: flags.keepOnFailure,
      strict: flags.strict,
      onLockWait: (h) => process.stderr.write(`  waiting: lab '${lab.name}' is busy (${h.op} by pid ${h.pid})…\n`),
    });
    // --verify: the topology's checks right after deploy (JSON: one document with both).
    const verifiedJson = flags.verify && flags.json ? await verifyDeployed(lab, true) : undefined;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(verifiedJson ? { ...result, verify: verifiedJson } : result, null, 2)}\n`);
    } else {
      // The routing column as the daemons run it (raw config included), not as the file says.
      const running = await runningRouting(lab.name, lab);
      process.stdout.write(`${deploySummary(lab, process.stdout.columns || 120, running)}\n`);
      const bgp = result.bgp;
      if (bgp && bgp.total > 0) {
        process.stdout.write(
          `BGP: ${bgp.established}/${bgp.total} neighbors Established${bgp.timedOut ? ` (gave up after ${seconds(bgp.ms)}; down: ${bgp.down.join(", ")})` : ""}\n`,
        );
      }
      // Other protocols (OSPF, IS-IS): what is still down when the wait gave up.
      for (const r of result.ready.filter((x) => x.timedOut && x.protocol !== "bgp")) {
        process.stdout.write(`${r.summary} (gave up after ${seconds(r.ms)}; down: ${r.down.join(", ")})\n`);
      }
      process.stdout.write(
        `Lab '${lab.name}' deployed: ${result.nodes} nodes, ${result.links} links in ${seconds(result.ms)}.\nNext: wirelab cli --lab ${lab.name} NODE (its routing stack's CLI: vtysh for FRR, birdc for BIRD)\n`,
      );
    }
    const verified = flags.verify && !flags.json ? await verifyDeployed(lab, false) : undefined;
    if (verified) process.stdout.write(renderReport(verified));
    if (result.ready.some((r) => r.timedOut)) return 3;
    return (verifiedJson ?? verified)?.pass === false ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
