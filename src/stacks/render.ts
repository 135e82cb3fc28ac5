// What every stack's config rendering shares (FRR, BIRD): one renderer per intent module it
// supports, in the order its blocks are written, and where each rendered line came from (so
// a bad line maps back to the line the user wrote).
import type { IntentModels, NodeModel } from "../core/model.js";

/** Where a line of a rendered config came from. */
export type LineOrigin =
  | { kind: "header" }
  | { kind: "comment" }
  | { kind: "intent" }
  /** A line of the node's raw `config:` text; `line` is 1-based within that text. */
  | { kind: "config"; line: number }
  /** A line wirelab added inside the raw config, right after config line `after`. */
  | { kind: "added"; after: number };

export interface RenderedConfig {
  text: string;
  /** origins[i] describes line i+1 of `text`. */
  origins: LineOrigin[];
  /** Things worth telling the user (e.g. a daemon the config needs is not started). */
  warnings: string[];
}

/** A renderer for one intent module: its value in node.intents to config lines. */
export type IntentRenderer = {
  [K in keyof IntentModels]-?: {
    intent: K;
    render: (node: NodeModel, value: NonNullable<IntentModels[K]>) => string[];
  };
}[keyof IntentModels];

/** The lines of every intent the node has, renderer by renderer. */
export function renderIntents(renderers: readonly IntentRenderer[], node: NodeModel): string[] {
  const out: string[] = [];
  for (const r of renderers) {
    const value = node.intents[r.intent];
    if (value === undefined) continue;
    // The union of renderers loses the link between `intent` and its value type.
    out.push(...(r.render as (n: NodeModel, v: unknown) => string[])(node, value));
  }
  return out;
}
