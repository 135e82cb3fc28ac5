// Polls a running lab while someone is looking, and tells listeners what changed. One poll
// at a time; a poll asked for while one runs waits for the next one to finish.
import { type LabState, readState } from "../core/state.js";
import { diffSnapshot, type GraphSnapshot, gatherSnapshot, type SnapshotDiff } from "./snapshot.js";

export interface Versioned {
  version: number;
  snapshot: GraphSnapshot;
}

export type WatchListener = (version: number, diff: SnapshotDiff) => void;

export class LabWatcher {
  private snap?: GraphSnapshot;
  private version = 0;
  private takenAt = 0;
  private lastState?: LabState;
  private inflight?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private readonly listeners = new Set<WatchListener>();
  private stopped = false;

  constructor(
    readonly lab: string,
    readonly intervalMs = 1000,
    private readonly onError: (e: Error) => void = () => {},
    /** The layout every snapshot asks the page for (`wirelab graph --layout`); automatic when unset. */
    private readonly layout?: "tiers" | "force",
  ) {}

  /** The lab's recorded state (the last one seen, once the lab has been destroyed). */
  async state(): Promise<{ state?: LabState; destroyed: boolean }> {
    const s = await readState(this.lab);
    if (s) this.lastState = s;
    return { state: s ?? this.lastState, destroyed: !s };
  }

  /** The latest snapshot; polls first when there is none or it is older than the interval. */
  async current(): Promise<Versioned> {
    if (!this.snap || Date.now() - this.takenAt > this.intervalMs) await this.poll();
    if (!this.snap) throw new Error(`lab '${this.lab}': no state to show`);
    return { version: this.version, snapshot: this.snap };
  }

  /** The last snapshot taken, however old (the stream brings the page up to date); polls when there is none. */
  async latest(): Promise<Versioned> {
    if (this.snap) return { version: this.version, snapshot: this.snap };
    return this.current();
  }

  /** Listens for diffs; polling runs while there is at least one listener. */
  subscribe(fn: WatchListener): () => void {
    this.listeners.add(fn);
    this.schedule(0);
    return () => {
      this.listeners.delete(fn);
      if (!this.listeners.size && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Reads the lab now (after an action), and again if a poll is already running. */
  poll(): Promise<void> {
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = this.pollOnce().finally(() => {
      this.inflight = undefined;
      if (this.again) {
        this.again = false;
        void this.poll();
      }
    });
    return this.inflight;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer || !this.listeners.size) return;
    this.timer = setTimeout(async () => {
      try {
        await this.poll();
      } finally {
        this.timer = undefined;
        this.schedule(this.intervalMs);
      }
    }, ms);
  }

  private async pollOnce(): Promise<void> {
    try {
      const { state, destroyed } = await this.state();
      if (!state) throw new Error(`no lab named '${this.lab}' is deployed`);
      const next = await gatherSnapshot(state, { destroyed, layout: this.layout });
      this.takenAt = Date.now();
      const prev = this.snap;
      this.snap = next;
      if (!prev) return;
      const diff = diffSnapshot(prev, next);
      if (!diff) return;
      this.version++;
      for (const fn of this.listeners) fn(this.version, diff);
    } catch (e) {
      this.onError(e as Error);
    }
  }
}
