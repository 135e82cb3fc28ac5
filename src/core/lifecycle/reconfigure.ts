// `wirelab deploy --reconfigure` (and `wirelab apply`): change a running lab to what its
// file now says, touching only what differs. The model the lab runs (its state) against the
// file's (diff.ts) gives the host's changes; each stack says which of its routers' configs
// changed and how to push the change into running daemons (RoutingStack.reconfigureSteps).
// The result is an ordinary plan (core/plan.ts): printed with --dry-run, run by the
// executor. Nodes that do not change are not restarted; cables they keep stay up.
//
// On failure half-way the state records every node old and new (destroy removes them all)
// with phase `failed`, and the error names the step; see docs/reliability.md.
import { checkImpairmentSupport, impairmentChangeSteps, portImpairmentSteps } from "../../links/impair.js";
import { LINK_TYPES } from "../../links/index.js";
import { nodeHandle, runtimeOf } from "../../runtimes/index.js";
import type { PlanContext } from "../../runtimes/runtime.js";
import { stackOf } from "../../stacks/index.js";
import { type PreparedConfig, type ReadyProgress, StackError } from "../../stacks/stack.js";
import { isBatchSafe, listNetns } from "../../util/ip.js";
import { checkAbort, DeployError, executePlan, type ProgressEvent } from "../executor.js";
import { withLabLock } from "../lock.js";
import type { Lab, NodeModel } from "../model.js";
import { nsName, stateFile } from "../paths.js";
import { type Phase, type PhaseName, type Plan, RECONFIGURE_PHASES, type Step } from "../plan.js";
import { waitForProtocols } from "../ready.js";
import { routerStartOrder } from "../start-order.js";
import { type LabState, type NodeState, readState, writeState } from "../state.js";
import { prepareConfigs, rememberStarted } from "./deploy.js";
import { teardownNodes } from "./destroy.js";
import { diffLabs, hostUnchanged, type LabDiff, linkKey, touchedNodes } from "./diff.js";
import { addrLine, interfaceSteps, portSetup } from "./interfaces.js";
import { nodeStates } from "./plan.js";
import { hasIpv6, needsLinkLocal } from "./sysctls.js";

export interface ReconfigureOptions {
  strict?: boolean;
  /** Wait for the protocols of the changed routers (default true). */
  wait?: boolean;
  timeoutMs?: number;
  concurrency?: number;
  onProgress?: (e: ProgressEvent) => void;
  /** The plan, before anything is changed: one line per change. */
  onPlan?: (changes: string[]) => void;
  signal?: AbortSignal;
  lockWaitMs?: number;
  onLockWait?: (holder: { op: string; pid: number }) => void;
}

export interface ReconfigurePlan {
  lab: Lab;
  state: LabState;
  diff: LabDiff;
  plan: Plan;
  /** One line per change, for people ("+ node r4", "~ r1:1 addresses …"). */
  changes: string[];
  /** Routers whose routing config changes in place. */
  reconfigured: string[];
  /** Nothing on the host and no config differs (checks may still have changed). */
  unchanged: boolean;
}

export interface ReconfigureResult {
  lab: string;
  changes: string[];
  unchanged: boolean;
  phases: { name: string; ms: number }[];
  ready: ReadyProgress[];
  ms: number;
}

function fail(message: string): never {
  throw new DeployError(message);
}

/** The running lab's state, refusing what reconfigure cannot act on. */
async function runningState(lab: Lab): Promise<LabState> {
  const state = await readState(lab.name);
  if (!state) fail(`lab '${lab.name}' is not deployed; deploy it first (without --reconfigure)`);
  if (state.file && lab.file && state.file !== lab.file) {
    fail(
      `lab '${lab.name}' was deployed from another file, ${state.file} (this one is ${lab.file}); reconfigure it from its own file, or give this one another name with --lab NAME`,
    );
  }
  if (state.phase !== "running") {
    fail(
      `lab '${lab.name}' is ${state.phase} (state ${stateFile(lab.name)}), not running; destroy it ('wirelab destroy --lab ${lab.name}') and deploy it again`,
    );
  }
  return state;
}

/** What reconfigure cannot do in place: refused before anything changes, naming the node. */
function checkSupported(state: LabState, lab: Lab, diff: LabDiff): void {
  for (const n of [...state.model.nodes, ...lab.nodes]) {
    if (runtimeOf(n).remote) {
      fail(
        `node ${n.name} runs on ${runtimeOf(n).name}, whose nodes may sit on other machines: reconfigure changes labs on this host only; destroy and deploy again`,
      );
    }
  }
  for (const n of [...diff.addNodes, ...diff.removeNodes]) {
    if (!nodeHandle(lab.name, n).hostFs) {
      fail(
        `node ${n.name} is a container node: reconfigure adds and removes namespace nodes only; destroy and deploy the lab again`,
      );
    }
  }
  for (const n of diff.addNodes) {
    const stub = n.ports.find((p) => p.stub);
    if (stub) {
      fail(
        `${n.name}:${stub.name}: a stub port on a new or replaced node is not made by reconfigure; destroy and deploy`,
      );
    }
  }
}

/** The lines that tell people what will change. */
function describe(diff: LabDiff, reconfigured: { node: string; stack: string }[]): string[] {
  const out: string[] = [];
  const replaced = new Map(diff.replaced.map((r) => [r.node, r.why]));
  for (const n of diff.removeNodes) if (!replaced.has(n.name)) out.push(`- node ${n.name}`);
  for (const [name, why] of replaced) out.push(`~ node ${name} replaced (${why})`);
  for (const n of diff.addNodes) {
    if (!replaced.has(n.name)) out.push(`+ node ${n.name} (${n.kind})`);
  }
  for (const l of diff.removeLinks) out.push(`- link ${linkKey(l)}`);
  for (const l of diff.addLinks) out.push(`+ link ${linkKey(l)}`);
  for (const p of diff.ports) {
    const parts = [
      ...p.addrDel.map((a) => `-${a}`),
      ...p.addrAdd.map((a) => `+${a}`),
      ...(p.mtu !== undefined ? [`mtu ${p.mtu}`] : []),
      ...(p.up !== undefined ? [p.up ? "up" : "shutdown"] : []),
    ];
    out.push(`~ ${p.node}:${p.port} ${parts.join(" ")}`);
  }
  for (const l of diff.loopback) {
    out.push(`~ ${l.node}:lo ${[...l.del.map((a) => `-${a}`), ...l.add.map((a) => `+${a}`)].join(" ")}`);
  }
  for (const s of diff.sysctls) out.push(`~ ${s.node} sysctl ${s.set.join(" ")}`);
  for (const r of diff.routes) {
    out.push(`~ ${r.node} routes ${[...r.del.map((x) => `-${x}`), ...r.add.map((x) => `+${x}`)].join(", ")}`);
  }
  for (const i of diff.impairments)
    out.push(`~ link ${linkKey(i.link)} impairment ${i.impairment ? "changed" : "removed"}`);
  for (const r of reconfigured) out.push(`~ ${r.node} ${r.stack.toUpperCase()} config`);
  for (const o of diff.other) out.push(`~ ${o} (recorded; nothing changes on the host)`);
  return out;
}

/** One node's in-place kernel changes: one ip-batch process, plus argv steps around it. */
function keptNodeSteps(lab: Lab, node: NodeModel, diff: LabDiff): Step[] {
  const ns = nsName(lab.name, node.name);
  const lines: string[] = [];
  const before: Step[] = [];
  const after: Step[] = [];
  const routes = diff.routes.filter((x) => x.node === node.name);
  // Old routes first: once their gateway's address is gone the kernel has dropped them.
  for (const r of routes) for (const x of r.del) lines.push(`route del ${x}`);
  for (const l of diff.loopback.filter((x) => x.node === node.name)) {
    for (const a of l.del) lines.push(`addr del ${a} dev lo`);
    for (const a of l.add) lines.push(addrLine(a, "lo"));
  }
  for (const p of diff.ports.filter((x) => x.node === node.name)) {
    for (const a of p.addrDel) lines.push(`addr del ${a} dev ${p.ifname}`);
    if (p.mtu !== undefined) lines.push(`link set dev ${p.ifname} mtu ${p.mtu}`);
    for (const a of p.addrAdd) lines.push(addrLine(a, p.ifname));
    if (p.up !== undefined) lines.push(`link set dev ${p.ifname} ${p.up ? "up" : "down"}`);
  }
  const fresh = diff.newPorts
    .filter((x) => x.node === node.name)
    .map((x) => node.ports.find((p) => p.name === x.port))
    .filter((p) => p !== undefined);
  if (fresh.length && (hasIpv6(node) || needsLinkLocal(node))) {
    const dad = fresh.filter((p) => isBatchSafe(p.ifname)).map((p) => `net/ipv6/conf/${p.ifname}/accept_dad=0`);
    if (dad.length) before.push({ type: "exec", argv: ["ip", "netns", "exec", ns, "sysctl", "-qw", ...dad] });
  }
  for (const p of fresh) {
    const s = portSetup(lab, node, p);
    lines.push(...s.lines);
    after.push(...s.extra, ...portImpairmentSteps(lab, node, p));
  }
  for (const r of routes) for (const x of r.add) lines.push(`route add ${x}`);
  const sysctl = diff.sysctls.find((x) => x.node === node.name)?.set ?? [];
  if (sysctl.length) after.push({ type: "exec", argv: ["ip", "netns", "exec", ns, "sysctl", "-qw", ...sysctl] });
  const steps = [...before, ...(lines.length ? [{ type: "ip", ns, lines } as Step] : []), ...after];
  return runtimeOf(node).nodeSteps?.(lab, node, steps) ?? steps;
}

/**
 * The plan that turns the running lab into `lab`, with what it changes. Reads the running
 * routers' configs (a dry run shows the exact lines); changes nothing.
 */
export async function planReconfigure(
  lab: Lab,
  state: LabState,
  opts: { strict?: boolean; ctx?: PlanContext } = {},
): Promise<ReconfigurePlan> {
  const diff = diffLabs(state.model, lab);
  checkSupported(state, lab, diff);
  // Every router's config is rendered and checked first: a bad line stops here, nothing changed.
  const configs = await prepareConfigs(lab, { strict: opts.strict });
  const ctx = opts.ctx ?? {};
  const phases = new Map<PhaseName, Phase>(RECONFIGURE_PHASES.map((p) => [p.name, { ...p, groups: [] as Step[][] }]));
  const add = (name: PhaseName, groups: Step[][] | undefined) => {
    if (groups?.length) phases.get(name)?.groups.push(...groups.filter((g) => g.length));
  };
  const recs = new Map(state.nodes.map((n) => [n.name, n]));

  // 1. What goes away: removed (and replaced) nodes, then cables between nodes that stay.
  for (const n of diff.removeNodes) {
    const daemons = recs.get(n.name)?.daemons ?? [];
    add("remove", [
      [
        {
          type: "call",
          describe: [
            `# remove node ${n.name}: its processes, namespace (its cables go with it) and files`,
            `ip netns del ${nsName(lab.name, n.name)}`,
          ],
          run: () => teardownNodes(lab.name, [{ node: n, daemons }]),
        },
      ],
    ]);
  }
  for (const l of diff.removeLinks) add("remove", [LINK_TYPES.flatMap((t) => t.uncable?.(state.model, l) ?? [])]);

  // 2. New nodes, as deploy makes them (their runtime's own phases).
  const addedNames = new Set(diff.addNodes.map((n) => n.name));
  for (const rt of new Set(diff.addNodes.map((n) => runtimeOf(n)))) {
    const mine = diff.addNodes.filter((n) => runtimeOf(n) === rt);
    const part = rt.plan(lab, mine, { ...ctx, configs });
    for (const name of ["namespaces", "containers", "hostnames", "ports"] as const) add(name, part[name]);
  }
  for (const t of LINK_TYPES) add("cables", t.cablesFor?.(lab, diff.addLinks));

  // 3. Kernel setup: new nodes whole, the others only what differs.
  const touched = touchedNodes(diff);
  for (const n of lab.nodes) {
    if (addedNames.has(n.name)) add("interfaces", [interfaceSteps(lab, n)]);
    else if (touched.has(n.name)) add("interfaces", [keptNodeSteps(lab, n, diff)]);
  }
  for (const i of diff.impairments) add("interfaces", [impairmentChangeSteps(lab, i.link, i.impairment)]);

  // 4. Routing: new routers start (edge first, as deploy); kept ones get their config change.
  const byName = new Map(lab.nodes.map((n) => [n.name, n]));
  const configOf = (name: string): PreparedConfig => {
    const c = configs.get(name);
    if (!c) throw new Error(`internal: no config prepared for ${name}`);
    return c;
  };
  for (const name of routerStartOrder(lab)) {
    const node = byName.get(name);
    const stack = node && addedNames.has(name) ? stackOf(node) : undefined;
    if (!node || !stack) continue;
    add("routing", [stack.startSteps(lab, node, configOf(name), nodeHandle(lab.name, node), ctx)]);
  }
  const reconfigured: { node: string; stack: string }[] = [];
  const kept = new Set(diff.kept);
  for (const node of lab.nodes) {
    const stack = stackOf(node);
    if (!kept.has(node.name) || !stack?.reconfigureSteps) continue;
    let steps: Step[] | undefined;
    try {
      steps = await stack.reconfigureSteps(
        lab,
        node,
        configOf(node.name),
        nodeHandle(lab.name, node),
        recs.get(node.name)?.daemons ?? [],
      );
    } catch (e) {
      if (e instanceof StackError) fail(e.message);
      throw e;
    }
    if (!steps) continue;
    reconfigured.push({ node: node.name, stack: stack.name });
    add("reconfigure", [steps]);
  }

  const plan: Plan = {
    lab: lab.name,
    runtime: state.runtime,
    phases: [...phases.values()],
    nodes: nodeStates(lab),
  };
  const changes = describe(diff, reconfigured);
  return {
    lab,
    state,
    diff,
    plan,
    changes,
    reconfigured: reconfigured.map((r) => r.node),
    unchanged: hostUnchanged(diff) && !reconfigured.length,
  };
}

/** The plan of a reconfigure without running it (`--dry-run`): reads state, holds no lock. */
export async function dryRunReconfigure(lab: Lab, opts: { strict?: boolean } = {}): Promise<ReconfigurePlan> {
  if (process.getuid?.() !== 0) fail("wirelab needs root to read a running lab (run with sudo)");
  return planReconfigure(lab, await runningState(lab), { strict: opts.strict, ctx: { dryRun: true } });
}

/** Nodes old and new, so a destroy after a failure half-way finds everything. */
function unionState(state: LabState, lab: Lab, diff: LabDiff): LabState {
  const fresh = nodeStates(lab);
  const old = new Map(state.nodes.map((n) => [n.name, n]));
  const nodes: NodeState[] = fresh.map((n) => {
    const o = old.get(n.name);
    return o ? { ...n, daemons: [...new Set([...o.daemons, ...n.daemons])] } : n;
  });
  const names = new Set(lab.nodes.map((n) => n.name));
  const gone = diff.removeNodes.filter((n) => !names.has(n.name));
  for (const n of gone) {
    const o = old.get(n.name);
    if (o) nodes.push(o);
  }
  return {
    ...state,
    phase: "reconfiguring",
    pid: process.pid,
    nodes,
    model: { ...lab, nodes: [...lab.nodes, ...gone] },
  };
}

/** Changes the running lab to `lab`, holding its lock. */
export async function reconfigureLab(lab: Lab, opts: ReconfigureOptions = {}): Promise<ReconfigureResult> {
  return withLabLock(lab.name, { op: "reconfigure", waitMs: opts.lockWaitMs, onWait: opts.onLockWait }, () =>
    reconfigureLocked(lab, opts),
  );
}

async function reconfigureLocked(lab: Lab, opts: ReconfigureOptions): Promise<ReconfigureResult> {
  const t0 = performance.now();
  if (process.getuid?.() !== 0) fail("wirelab needs root to change a lab (run with sudo)");
  const state = await runningState(lab);
  await checkImpairmentSupport(lab).catch((e: Error) => fail(e.message));
  const ctx: PlanContext = {
    signal: opts.signal,
    onNote: (message: string) => opts.onProgress?.({ type: "note", message }),
  };
  const rp = await planReconfigure(lab, state, { strict: opts.strict, ctx });
  const { diff } = rp;
  opts.onPlan?.(rp.changes);
  if (rp.unchanged) {
    // Checks or scenarios may differ: the recorded model follows the file.
    if (diff.other.length) await writeState({ ...state, model: lab });
    return { lab: lab.name, changes: rp.changes, unchanged: true, phases: [], ready: [], ms: performance.now() - t0 };
  }

  // New nodes: their runtime's own checks, and namespaces that must not be someone else's.
  for (const rt of new Set(diff.addNodes.map((n) => runtimeOf(n)))) {
    await rt
      .preflight(
        lab,
        diff.addNodes.filter((n) => runtimeOf(n) === rt),
        ctx,
      )
      .catch((e: Error) => fail(e.message));
  }
  const taken = new Set(await listNetns());
  const removed = new Set(diff.removeNodes.map((n) => n.name));
  const clash = diff.addNodes.find((n) => !removed.has(n.name) && taken.has(nsName(lab.name, n.name)));
  if (clash)
    fail(`node ${clash.name}: network namespace ${nsName(lab.name, clash.name)} already exists and is not this lab's`);

  // Lab-wide facts a stack keeps for destroy (FRR: shared OSPF files this lab may now make),
  // taken before its new daemons start; what the deploy recorded stands.
  const stacks: Record<string, unknown> = { ...state.stacks };
  for (const stack of new Set(lab.nodes.map((n) => stackOf(n)))) {
    if (!stack?.beforeDeploy) continue;
    const fresh = await stack.beforeDeploy(lab.nodes.filter((n) => stackOf(n) === stack));
    if (fresh === undefined) continue;
    const saved = stacks[stack.name];
    stacks[stack.name] =
      saved && typeof saved === "object" && typeof fresh === "object" ? { ...fresh, ...saved } : (saved ?? fresh);
  }
  state.stacks = Object.keys(stacks).length ? stacks : undefined;
  // Recorded before anything changes: a crash half-way leaves a state destroy can act on.
  const during = unionState(state, lab, diff);
  await writeState(during);
  // The phase a failure happened in, for the message.
  let phase = "";
  const onProgress = (e: ProgressEvent) => {
    if (e.type === "phase") phase = e.label;
    opts.onProgress?.(e);
  };
  try {
    const phases = await executePlan(rp.plan, { ...opts, onProgress });
    const done: LabState = {
      ...state,
      phase: "running",
      file: lab.file,
      pid: process.pid,
      nodes: nodeStates(lab),
      model: lab,
    };
    await writeState(done);
    const byName = new Map(lab.nodes.map((n) => [n.name, n]));
    const started = [...diff.addNodes.map((n) => n.name), ...rp.reconfigured]
      .map((n) => byName.get(n))
      .filter((n): n is NodeModel => n !== undefined);
    await rememberStarted(lab, done, started);
    let ready: ReadyProgress[] = [];
    // Readiness of what changed: new routers, routers with a new config, and routers whose
    // ports or cables changed (their sessions may have moved).
    const touched = touchedNodes(diff);
    const changed = lab.nodes.filter((n) => stackOf(n) && (started.includes(n) || touched.has(n.name)));
    if (opts.wait !== false && changed.length) {
      ready = await waitForProtocols(
        { ...lab, nodes: changed },
        {
          timeoutMs: opts.timeoutMs ?? 60_000,
          signal: opts.signal,
          onProgress: (p) => opts.onProgress?.({ type: "ready", progress: p }),
        },
      );
      for (const r of ready) phases.push({ name: r.protocol, ms: r.ms });
    }
    checkAbort(opts.signal);
    return { lab: lab.name, changes: rp.changes, unchanged: false, phases, ready, ms: performance.now() - t0 };
  } catch (e) {
    const current = await readState(lab.name).catch(() => undefined);
    // Still the union (the failure came before the final record): keep it, marked failed.
    if (!current || current.phase === "reconfiguring") {
      await writeState({ ...during, phase: "failed" }).catch(() => {});
      throw new DeployError(
        `reconfigure of lab '${lab.name}' stopped half-way${phase ? ` (${phase})` : ""}: ${(e as Error).message}. Part of the change is made; the lab state (phase failed) lists every node old and new, so 'wirelab destroy --lab ${lab.name}' removes all of it`,
      );
    }
    throw e;
  }
}
