// The intent seam: what the user means (bgp, static, ospf, …), independent of the software
// that does it. An intent module owns its schema fragment, its resolution from the topology
// (e.g. BGP neighbors from links), its checks and the protocol deploy waits for; each stack
// renders it. A new intent is a folder here plus one line in src/intents/index.ts.
import type { z } from "zod";

export interface IntentModule {
  /** Module name, also the key in NodeModel.intents. */
  name: string;
  /** Node-level keys this module adds to the topology schema (zod), e.g. { bgp: … }. */
  nodeSchema: Record<string, z.ZodType>;
  /** Protocol deploy waits for when a node has this intent (bgp), if any. */
  protocol?: string;
}
