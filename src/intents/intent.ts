// The intent seam: what the user means (bgp, static, ospf, …), independent of the software
// that does it. An intent module owns its schema fragment, its resolution from the topology
// (e.g. BGP neighbors from links), its checks and the protocol deploy waits for; each stack
// renders it. A new intent is a folder here plus one line in src/intents/index.ts (and its
// schema fragment spread into src/topology/schema.ts).
import type { z } from "zod";
import type { IntentModels, NodeModel, Role } from "../core/model.js";
import type { NodeDraft, ResolveContext } from "../topology/resolve/context.js";

export type IntentName = keyof IntentModels;

export interface IntentModule<K extends IntentName = IntentName> {
  /** Module name, also the key in NodeModel.intents. */
  name: K;
  /** Node-level keys this module adds to the topology schema (zod), e.g. { bgp: … }. */
  nodeSchema: Record<string, z.ZodType>;
  /** Roles whose nodes may carry the intent; a node of another role that sets one of its keys is refused. */
  appliesTo: readonly Role[];
  /** The refusal message for such a node (shown at the key). */
  refusal(node: { name: string; kind: string }, key: string): string;
  /**
   * The node's intent as the model holds it, or undefined when the node has none. Called for
   * nodes of `appliesTo` roles, in registry order, once every address (written or automatic)
   * is known; errors go through ctx.fail at the place in the file.
   */
  resolve(ctx: ResolveContext, node: NodeDraft): IntentModels[K];
  /**
   * Rules between nodes, once every node's intents are resolved (e.g. both ends of a BGP
   * session agree on BFD); errors through ctx.fail.
   */
  checkLab?(ctx: ResolveContext, nodes: readonly NodeModel[]): void;
  /** Protocol deploy waits for when a node has this intent (bgp), if any. */
  protocol?: string;
}

/** A module of the registry, typed by its own key. */
export type AnyIntentModule = { [K in IntentName]: IntentModule<K> }[IntentName];
