// The BIRD stack's keys in the topology file: `bird:` options on a node and under `defaults`.
// Raw `config:` text is the node key FRR's fragment already declares (one key whatever the
// stack: its text is in the node's stack's own syntax, here a bird.conf). Spread into the
// schema by src/topology/schema.ts; options.ts turns them into node.stack.options.
import { z } from "zod";

const birdOptions = z
  .object({
    "lab-timers": z
      .boolean()
      .optional()
      .describe(
        "BGP timers for a lab that comes up all at once (default true): hold 9 s / keepalive 3 s, connect delay 1 s, connect retry 5 s, error wait 1-10 s; false keeps BIRD's (5 s delay, 60-300 s error wait)",
      ),
  })
  .strict();

export type BirdOptionsInput = z.infer<typeof birdOptions>;

/** Node-level keys of the BIRD stack (a const object, so the inferred node type stays exact). */
export const birdNodeSchema = {
  bird: birdOptions.optional(),
} as const;

/** The BIRD stack's key under `defaults`. */
export const birdDefaultsSchema = {
  bird: birdOptions.optional().describe("BIRD options for every bird node; a node's own bird settings win"),
} as const;
