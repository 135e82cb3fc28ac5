// Link impairments as written (`delay: 50ms, loss: 1%`) → the model's numbers. Shared by
// the topology loader (errors at file:line:col) and `wirelab link … set` (usage errors).

import type { Impairment, Lab } from "../core/model.js";
import type { ImpairmentInput } from "./checks-schema.js";
import { TopologyError } from "./errors.js";
import type { TopologyInput } from "./schema.js";
import type { SourceInfo } from "./source.js";
import { formatMs, formatPercent, formatRate, parseDuration, parsePercent, parseRate } from "./units.js";

export interface ImpairmentProblem {
  field: keyof ImpairmentInput;
  message: string;
}

/** Parses every field; the first problem names its field. An empty input gives {}. */
export function parseImpairment(input: ImpairmentInput): Impairment | ImpairmentProblem {
  const out: Impairment = {};
  const dur = (field: "delay" | "jitter", v: string | number) => {
    const ms = parseDuration(v, "ms");
    if (typeof ms === "string") return { field, message: `${field}: ${ms}` };
    if (ms > 60_000) return { field, message: `${field} ${v} is more than a minute` };
    return ms;
  };
  if (input.delay !== undefined) {
    const ms = dur("delay", input.delay);
    if (typeof ms !== "number") return ms;
    out.delayMs = ms;
  }
  if (input.jitter !== undefined) {
    const ms = dur("jitter", input.jitter);
    if (typeof ms !== "number") return ms;
    if (!out.delayMs) return { field: "jitter", message: "jitter needs a delay to vary (add delay: …)" };
    out.jitterMs = ms;
  }
  for (const [field, key] of [
    ["loss", "lossPct"],
    ["duplicate", "duplicatePct"],
    ["corrupt", "corruptPct"],
  ] as const) {
    const v = input[field];
    if (v === undefined) continue;
    const pct = parsePercent(v);
    if (typeof pct === "string") return { field, message: `${field}: ${pct}` };
    out[key] = pct;
  }
  if (input.rate !== undefined) {
    const bps = parseRate(input.rate);
    if (typeof bps === "string") return { field: "rate", message: bps };
    out.rateBps = bps;
  }
  return out;
}

export function isImpairmentProblem(x: Impairment | ImpairmentProblem): x is ImpairmentProblem {
  return "message" in x && "field" in x;
}

/** Whether anything is set (a `{}` impairment is no impairment). */
export function hasImpairment(i: Impairment | undefined): i is Impairment {
  return !!i && Object.values(i).some((v) => v !== undefined && v !== 0);
}

/** Needs the netem qdisc (anything but a bare rate, which tbf does). */
export function needsNetem(i: Impairment): boolean {
  return !!(i.delayMs || i.jitterMs || i.lossPct || i.duplicatePct || i.corruptPct);
}

/** `delay 50ms ±5ms, loss 1%, rate 10mbit` for tables. */
export function describeImpairment(i: Impairment): string {
  const parts: string[] = [];
  if (i.delayMs) parts.push(`delay ${formatMs(i.delayMs)}${i.jitterMs ? ` ±${formatMs(i.jitterMs)}` : ""}`);
  if (i.lossPct) parts.push(`loss ${formatPercent(i.lossPct)}`);
  if (i.duplicatePct) parts.push(`duplicate ${formatPercent(i.duplicatePct)}`);
  if (i.corruptPct) parts.push(`corrupt ${formatPercent(i.corruptPct)}`);
  if (i.rateBps) parts.push(`rate ${formatRate(i.rateBps)}`);
  return parts.join(", ");
}

/** Sets LinkModel.impairment from the file's `links[i].impairment`; errors at file:line:col. */
export function resolveImpairments(lab: Lab, input: TopologyInput, src: SourceInfo): void {
  (input.links ?? []).forEach((link, i) => {
    if (Array.isArray(link) || link.impairment === undefined) return;
    const parsed = parseImpairment(link.impairment);
    if (isImpairmentProblem(parsed)) {
      throw new TopologyError(
        `link #${i + 1} impairment ${parsed.message}`,
        src.pos(["links", i, "impairment", parsed.field]),
      );
    }
    const model = lab.links[i];
    if (model && hasImpairment(parsed)) model.impairment = parsed;
  });
}
