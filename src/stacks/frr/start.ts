// RoutingStack.startSteps for FRR: the routing phase's steps for one node.
// - Nodes on the host's file system (netns): the host's FRR, one instance per node through
//   its pathspace (`-N <netns>`), started with argv steps that `deploy --dry-run` prints.
// - Container nodes: the image's FRR, through the runtime's exec channel (`call` steps),
//   started by wirelab or, with `init: image`, by the image itself and then configured.

import type { Lab, NodeModel } from "../../core/model.js";
import { FRR_BIN, FRR_RUN, frrDir, vtyshConfigDir } from "../../core/paths.js";
import { quoteArgv, type Step } from "../../core/plan.js";
import type { NodeHandle, PlanContext } from "../../runtimes/runtime.js";
import { writeFileNoFollow } from "../../util/safe-fs.js";
import { type PreparedConfig, StackError } from "../stack.js";
import { vtyshErrors } from "./channel.js";
import { parseVtyshErrors } from "./check.js";
import { vtyshWrapper } from "./cli.js";
import { daemonsFor } from "./daemons.js";
import { isisPreConfig } from "./isis-pre.js";
import { binDir, confPath, daemonConfPath, logDir, vtyshPathspaceDir } from "./paths.js";
import { splitByDaemon } from "./split.js";

export const FRR_USER = "frr";

/**
 * Starts one FRR daemon of a host-FS node, inside the node (handle.execArgv: its network
 * and UTS namespaces). Intent-only configs give each daemon its own file (split.ts); raw
 * configs boot it empty, and vtysh then hands each daemon only its own lines (a daemon
 * reading the whole file itself drops everything after a foreign block's `exit`).
 */
export function daemonArgv(handle: NodeHandle, daemon: string, conf = "/dev/null"): string[] {
  // -P 0: no TCP vty port; vtysh talks over the pathspace's unix sockets.
  // --limit-fds: FRR sizes its per-fd tables by the fd limit (20000 here): 1024 is plenty
  // for a lab router (one fd per BGP peer and a few more) and saves about 4 MB of RSS per
  // router (zebra 11.0 -> 8.4 MB, bgpd 11.7 -> 10.1 MB), constant whatever the host's limit.
  return handle.execArgv([
    `${FRR_BIN}/${daemon}`,
    "-d",
    "-N",
    handle.netns,
    "-f",
    conf,
    "-P",
    "0",
    "--limit-fds",
    "1024",
  ]);
}

/** Pushes the node's frr.conf into its running daemons (errors come back per line). */
export function vtyshApplyArgv(handle: NodeHandle, conf: string): string[] {
  return ["vtysh", "-N", handle.netns, "--config_dir", vtyshConfigDir(handle.lab), "-f", conf];
}

/** A daemon started by wirelab inside a container: the image's binary, no pathspace. */
export function containerDaemonArgv(node: NodeModel, daemon: string): string[] {
  // The seed's images keep their data ports in an inner namespace: the daemons live there.
  const pns = node.runtime.container?.portNamespace;
  return [...(pns ? ["ip", "netns", "exec", pns] : []), `${FRR_BIN}/${daemon}`, "-d", "-f", "/dev/null", "-P", "0"];
}

function hostFsSteps(lab: Lab, node: NodeModel, content: string, handle: NodeHandle): Step[] {
  const ns = handle.netns;
  const conf = confPath(lab.name, node.name);
  const daemons = daemonsFor(node);
  // Root's files, readable by group frr (configs carry secrets: never world-readable);
  // frr writes only its fresh pathspace directory (sockets, pid files) and its log directory.
  const prepare: Step[] = [
    { type: "mkdir", path: frrDir(ns), owner: FRR_USER },
    { type: "mkdir", path: logDir(lab.name, node.name), owner: FRR_USER },
    { type: "mkdir", path: vtyshPathspaceDir(lab.name, ns), mode: 0o755 },
    { type: "write", path: `${vtyshPathspaceDir(lab.name, ns)}/vtysh.conf`, content: "", mode: 0o644 },
    { type: "write", path: conf, content, group: FRR_USER },
    // vtysh for `wirelab exec NODE -- sh -c "vtysh …"` (cli.ts).
    { type: "mkdir", path: binDir(lab.name, node.name), mode: 0o755 },
    { type: "write", path: `${binDir(lab.name, node.name)}/vtysh`, content: vtyshWrapper(handle), mode: 0o755 },
  ];
  // Intent-only configs: each daemon reads its own part at start, no vtysh process.
  // Raw configs: daemons boot empty and vtysh -f hands each one its lines.
  const parts = node.stack?.config === undefined ? splitByDaemon(content, daemons) : undefined;
  if (parts) {
    return [
      ...prepare,
      ...daemons.map(
        (d): Step => ({
          type: "write",
          path: daemonConfPath(lab.name, node.name, d),
          content: parts.get(d) ?? "",
          group: FRR_USER,
        }),
      ),
      // zebra first: the other daemons register with it.
      ...daemons.map(
        (d): Step => ({ type: "exec", argv: daemonArgv(handle, d, daemonConfPath(lab.name, node.name, d)) }),
      ),
    ];
  }
  // IS-IS LSP timers first, in their own transaction (isis-pre.ts).
  const pre = isisPreConfig(content);
  const prePath = daemonConfPath(lab.name, node.name, "isis-timers");
  return [
    ...prepare,
    ...(pre === undefined ? [] : [{ type: "write", path: prePath, content: pre, group: FRR_USER } as Step]),
    // zebra first: the other daemons register with it.
    ...daemons.map((d): Step => ({ type: "exec", argv: daemonArgv(handle, d) })),
    ...(pre === undefined ? [] : [{ type: "exec", argv: vtyshApplyArgv(handle, prePath) } as Step]),
    { type: "exec", argv: vtyshApplyArgv(handle, conf) },
  ];
}

/** Config lines for an image's own vtysh, as typed after `configure terminal` (no FRR header). */
export function configLines(conf: string): string[] {
  return conf
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !/^\s*[!#]/.test(l))
    .filter((l) => !/^(frr defaults|log (file|syslog|stdout))\b/.test(l.trim()));
}

async function runOk(handle: NodeHandle, argv: string[], what: string, timeoutMs = 30_000): Promise<string> {
  const r = await handle.run(argv, { timeoutMs });
  if (r.code !== 0) {
    throw new StackError(
      `${what}: ${quoteArgv(argv)} failed in ${handle.label} (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
  return r.stdout;
}

/** FRR started by wirelab inside a container: daemons booted empty, then `vtysh -f frr.conf`. */
async function startContainerFrr(lab: Lab, node: NodeModel, conf: string, handle: NodeHandle): Promise<void> {
  const file = confPath(lab.name, node.name);
  // The runtime binds the node directory into the container at the same path (read-only);
  // root inside the container reads this file for vtysh -f, nobody else needs it.
  await writeFileNoFollow(file, conf, { mode: 0o600, uid: 0, exclusive: true });
  // The socket directory and the log directory belong to the container's frr user.
  await runOk(
    handle,
    ["install", "-d", "-o", FRR_USER, "-g", FRR_USER, "-m", "0755", FRR_RUN, logDir(lab.name, node.name)],
    `node ${node.name}`,
  );
  for (const d of daemonsFor(node)) {
    await runOk(handle, containerDaemonArgv(node, d), `node ${node.name}: starting ${d}`);
  }
  const pre = isisPreConfig(conf);
  if (pre !== undefined) {
    // IS-IS LSP timers first, in their own transaction (isis-pre.ts).
    const preFile = daemonConfPath(lab.name, node.name, "isis-timers");
    await writeFileNoFollow(preFile, pre, { mode: 0o600, uid: 0, exclusive: true });
    await runOk(handle, ["vtysh", "-f", preFile], `node ${node.name}: IS-IS LSP timers`, 60_000);
  }
  const r = await handle.run(["vtysh", "-f", file], { timeoutMs: 60_000 });
  if (r.code !== 0) {
    const errors = parseVtyshErrors(r.stderr, conf);
    const detail = errors.length
      ? errors.map((e) => `frr.conf line ${e.line}: ${e.message}${e.text ? `: ${e.text}` : ""}`).join("; ")
      : vtyshErrors(r.stderr) || r.stdout.trim();
    throw new StackError(`node ${node.name}: the container's vtysh refused the config: ${detail}`);
  }
}

/**
 * A routing stack started by the image's own init (OpenSwitch-style): wait until its vtysh
 * answers with every daemon the config needs, then type the config as the seed did.
 */
async function configureImageFrr(
  lab: Lab,
  node: NodeModel,
  conf: string,
  handle: NodeHandle,
  signal?: AbortSignal,
): Promise<void> {
  await writeFileNoFollow(confPath(lab.name, node.name), conf, { mode: 0o600, uid: 0, exclusive: true });
  const need = daemonsFor(node);
  const deadline = Date.now() + 120_000;
  let last = "";
  for (;;) {
    const r = await handle.run(["vtysh", "-c", "show daemons"], { timeoutMs: 10_000 });
    if (r.code === 0) {
      const up = r.stdout.split(/\s+/).filter(Boolean);
      if (need.every((d) => up.includes(d))) break;
      last = `daemons up: ${up.join(" ") || "none"}`;
    } else if (/Unknown command/.test(r.stdout + r.stderr)) {
      // Not FRR's vtysh (OpenSwitch): answering at all is the best sign there is.
      break;
    } else {
      last = vtyshErrors(r.stderr) || r.stdout.trim();
    }
    if (signal?.aborted) throw new StackError("deploy interrupted");
    if (Date.now() > deadline) {
      throw new StackError(`node ${node.name}: the image's routing stack did not answer vtysh within 120 s (${last})`);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  const lines = configLines(conf);
  const argv = ["vtysh", "-c", "configure terminal", ...lines.flatMap((l) => ["-c", l])];
  const r = await handle.run(argv, { timeoutMs: 60_000 });
  const out = `${r.stdout}\n${vtyshErrors(r.stderr)}`.trim();
  if (r.code !== 0 || /^% /m.test(out)) {
    throw new StackError(
      `node ${node.name}: the image's vtysh refused the config: ${out.split("\n").slice(0, 6).join("; ")}`,
    );
  }
}

function containerSteps(lab: Lab, node: NodeModel, conf: string, handle: NodeHandle, ctx: PlanContext): Step[] {
  const name = handle.label;
  const file = confPath(lab.name, node.name);
  if (node.runtime.container?.init === "image") {
    return [
      {
        type: "call",
        describe: [
          `# wait until the image's own routing stack answers: docker exec ${name} vtysh -c 'show daemons'`,
          `cat > ${file} <<'EOF'`,
          conf.trimEnd(),
          "EOF",
          `# exec API: ${name} vtysh -c 'configure terminal' -c LINE … (each line of ${file} without comments and FRR header)`,
        ],
        run: () => configureImageFrr(lab, node, conf, handle, ctx.signal),
      },
    ];
  }
  return [
    {
      type: "call",
      describe: [
        `cat > ${file} <<'EOF'`,
        conf.trimEnd(),
        "EOF",
        `# exec API, inside ${name}:`,
        `#   install -d -o ${FRR_USER} -g ${FRR_USER} -m 0755 ${FRR_RUN} ${logDir(lab.name, node.name)}`,
        ...daemonsFor(node).map((d) => `#   ${quoteArgv(containerDaemonArgv(node, d))}`),
        `#   vtysh -f ${file}`,
      ],
      run: () => startContainerFrr(lab, node, conf, handle),
    },
  ];
}

/** The node's routing-phase group (RoutingStack.startSteps). */
export function startSteps(
  lab: Lab,
  node: NodeModel,
  config: PreparedConfig,
  handle: NodeHandle,
  ctx: PlanContext = {},
): Step[] {
  return handle.hostFs
    ? hostFsSteps(lab, node, config.text, handle)
    : containerSteps(lab, node, config.text, handle, ctx);
}
