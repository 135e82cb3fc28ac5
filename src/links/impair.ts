// Link conditions with tc, on the egress of each end of a cable (so both directions):
// netem for delay, jitter, loss, duplicate, corrupt (and rate alongside them), tbf for a
// bare rate. Read back from the kernel with `tc -j qdisc show` for inspect.

import type { Impairment, Lab, LinkModel, NodeModel, PortModel } from "../core/model.js";
import { nsName } from "../core/paths.js";
import type { Step } from "../core/plan.js";
import { hasImpairment, needsNetem } from "../topology/impairment.js";
import { formatMs, formatPercent, formatRate } from "../topology/units.js";
import { CommandError, run } from "../util/exec.js";
import type { LinkType } from "./link.js";

export class ImpairmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImpairmentError";
  }
}

/** tc's arguments (after `tc -n NS`) that put `imp` on a device's egress, replacing any root qdisc. */
export function tcQdiscArgs(ifname: string, imp: Impairment, mtu = 1500): string[] {
  const base = ["qdisc", "replace", "dev", ifname, "root"];
  if (needsNetem(imp)) {
    // 10000 packets: netem's default of 1000 drops packets of a fast flow held for a long delay.
    const args = [...base, "netem", "limit", "10000"];
    if (imp.delayMs) args.push("delay", formatMs(imp.delayMs), ...(imp.jitterMs ? [formatMs(imp.jitterMs)] : []));
    if (imp.lossPct) args.push("loss", formatPercent(imp.lossPct));
    if (imp.duplicatePct) args.push("duplicate", formatPercent(imp.duplicatePct));
    if (imp.corruptPct) args.push("corrupt", formatPercent(imp.corruptPct));
    if (imp.rateBps) args.push("rate", formatRate(imp.rateBps));
    return args;
  }
  const rate = imp.rateBps ?? 0;
  const bytesPerSec = rate / 8;
  // The bucket holds 10 ms of traffic and at least two full frames (a frame larger than the
  // bucket could never leave); the queue about 200 ms more, at least 64 KiB.
  const burst = Math.max(Math.ceil(bytesPerSec / 100), 2 * (mtu + 14));
  const limit = burst + Math.max(Math.ceil(bytesPerSec * 0.2), 65536);
  return [...base, "tbf", "rate", formatRate(rate), "burst", String(burst), "limit", String(limit)];
}

/** tc conditions on cables, in the interfaces phase once ports are up. */
export const impairments: LinkType = {
  name: "impairment",
  afterInterfaces: (lab, node) => impairmentSteps(lab, node),
};

/** Plan steps for a node's cabled ports whose link carries an impairment (interfaces phase). */
export function impairmentSteps(lab: Lab, node: NodeModel): Step[] {
  const ns = nsName(lab.name, node.name);
  const steps: Step[] = [];
  for (const p of node.ports) {
    const imp = p.link === undefined ? undefined : lab.links[p.link]?.impairment;
    if (!hasImpairment(imp)) continue;
    steps.push({ type: "exec", argv: ["tc", "-n", ns, ...tcQdiscArgs(p.ifname, imp, p.mtu)] });
  }
  return steps;
}

/** `deploy --reconfigure`: tc on one port that gets a new cable (as deploy would put it). */
export function portImpairmentSteps(lab: Lab, node: NodeModel, port: PortModel): Step[] {
  const imp = port.link === undefined ? undefined : lab.links[port.link]?.impairment;
  if (!hasImpairment(imp)) return [];
  return [
    { type: "exec", argv: ["tc", "-n", nsName(lab.name, node.name), ...tcQdiscArgs(port.ifname, imp, port.mtu)] },
  ];
}

/**
 * `deploy --reconfigure`: new conditions on both ends of a cable that stays, or, with none,
 * wirelab's root qdisc removed (the old model had one there: it is ours).
 */
export function impairmentChangeSteps(lab: Lab, link: LinkModel, imp: Impairment | undefined): Step[] {
  return [link.a, link.b].map((end): Step => {
    const port = lab.nodes.find((n) => n.name === end.node)?.ports.find((p) => p.name === end.port);
    if (!port) throw new Error(`internal: port ${end.node}:${end.port} missing from the model`);
    const ns = nsName(lab.name, end.node);
    return hasImpairment(imp)
      ? { type: "exec", argv: ["tc", "-n", ns, ...tcQdiscArgs(port.ifname, imp, port.mtu)] }
      : { type: "exec", argv: ["tc", "-n", ns, "qdisc", "del", "dev", port.ifname, "root"] };
  });
}

// ---- reading back: `tc -j qdisc show` ---------------------------------------------------
// iproute2 6.1, netem: options { limit, delay: { delay: s, jitter: s, correlation },
//   "loss-random": { loss: fraction, … }, duplicate: { duplicate: fraction, … },
//   corrupt: { corrupt: fraction, … }, rate: { rate: bytes/s, … }, ecn, gap }
// tbf: options { rate: bytes/s, burst: bytes, lat: µs }.

interface RawQdisc {
  kind?: string;
  dev?: string;
  root?: boolean;
  options?: Record<string, unknown>;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function frac(o: unknown, key: string): number | undefined {
  const v = (o as Record<string, unknown> | undefined)?.[key];
  return typeof v === "number" && v > 0 ? round(v * 100, 4) : undefined;
}

/** Impairments by device from `tc -j qdisc show` (root netem or tbf qdiscs only). */
export function parseQdiscs(json: unknown): Map<string, Impairment> {
  const out = new Map<string, Impairment>();
  if (!Array.isArray(json)) return out;
  for (const q of json as RawQdisc[]) {
    if (!q.root || !q.dev || !q.options) continue;
    const o = q.options;
    const imp: Impairment = {};
    if (q.kind === "netem") {
      const delay = o.delay as { delay?: number; jitter?: number } | undefined;
      if (delay?.delay) imp.delayMs = round(delay.delay * 1000, 3);
      if (delay?.jitter) imp.jitterMs = round(delay.jitter * 1000, 3);
      const loss = frac(o["loss-random"], "loss");
      if (loss) imp.lossPct = loss;
      const dup = frac(o.duplicate, "duplicate");
      if (dup) imp.duplicatePct = dup;
      const corrupt = frac(o.corrupt, "corrupt");
      if (corrupt) imp.corruptPct = corrupt;
      const rate = (o.rate as { rate?: number } | undefined)?.rate;
      if (rate) imp.rateBps = rate * 8;
    } else if (q.kind === "tbf") {
      if (typeof o.rate === "number") imp.rateBps = o.rate * 8;
    } else {
      continue;
    }
    out.set(q.dev, imp);
  }
  return out;
}

/** The impairments in force in a namespace, by kernel device name. */
export async function readImpairments(ns: string): Promise<Map<string, Impairment>> {
  const r = await run("tc", ["-n", ns, "-j", "qdisc", "show"]);
  if (r.code !== 0) return new Map();
  return parseQdiscs(r.stdout.trim() ? JSON.parse(r.stdout) : []);
}

/** Whether this kernel has the netem qdisc, tried in a throwaway network namespace. */
let netemProbe: Promise<boolean> | undefined;
export function netemAvailable(): Promise<boolean> {
  netemProbe ??= run("unshare", ["--net", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"]).then(
    (r) => r.code === 0,
  );
  return netemProbe;
}

const NO_NETEM =
  "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM), which delay, jitter, loss, duplicate and corrupt need; rate alone works (tbf)";

/** Refuses, before anything is built, impairments this kernel cannot make. */
export async function checkImpairmentSupport(lab: Lab): Promise<void> {
  const link = lab.links.find((l) => hasImpairment(l.impairment) && needsNetem(l.impairment));
  if (link && !(await netemAvailable())) {
    throw new ImpairmentError(`link ${link.a.node}:${link.a.port} — ${link.b.node}:${link.b.port}: ${NO_NETEM}`);
  }
}

/** Puts `imp` on one device (or removes wirelab's qdisc when undefined or empty). */
export async function applyImpairment(ns: string, ifname: string, imp: Impairment | undefined, mtu?: number) {
  if (hasImpairment(imp)) {
    if (needsNetem(imp) && !(await netemAvailable())) throw new ImpairmentError(NO_NETEM);
    const args = ["-n", ns, ...tcQdiscArgs(ifname, imp, mtu)];
    const r = await run("tc", args);
    if (r.code !== 0) throw new CommandError("tc", args, r);
    return;
  }
  // Only a root netem/tbf is ours to remove; "no qdisc" is already the wanted state.
  if (!(await readImpairments(ns)).has(ifname)) return;
  const args = ["-n", ns, "qdisc", "del", "dev", ifname, "root"];
  const r = await run("tc", args);
  if (r.code !== 0) throw new CommandError("tc", args, r);
}
