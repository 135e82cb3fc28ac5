// The loop every stack's readiness shares: look at the nodes, report, and stop when the look
// says done, when the deploy is interrupted, or when the time is up. Each protocol keeps only
// its own look (what it asks and how it counts); no fixed sleep stands in for real state.
import { setTimeout as delay } from "node:timers/promises";
import type { ReadyOptions, ReadyProgress } from "./stack.js";

/** One look's verdict: a ReadyProgress without the timing the loop adds. */
export type Look = Omit<ReadyProgress, "ms" | "timedOut">;

/** Calls `look` every `pollMs` until it is done or `opts.timeoutMs` has passed (then timedOut). */
export async function pollUntilReady(
  opts: ReadyOptions,
  look: () => Promise<Look>,
  pollMs = 200,
): Promise<ReadyProgress> {
  const t0 = performance.now();
  for (;;) {
    const seen = await look();
    const p: ReadyProgress = {
      protocol: seen.protocol,
      done: seen.done,
      timedOut: false,
      ms: performance.now() - t0,
      summary: seen.summary,
      down: seen.down,
    };
    if (seen.detail) p.detail = seen.detail;
    opts.onProgress?.(p);
    if (p.done) return p;
    if (opts.signal?.aborted) throw new Error("deploy interrupted");
    if (p.ms > opts.timeoutMs) return { ...p, timedOut: true };
    await delay(pollMs);
  }
}
