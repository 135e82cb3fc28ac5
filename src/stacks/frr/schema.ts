// The FRR stack's keys in the topology file: raw `config:` text and `frr:` options, on a node
// and (options only) under `defaults`. Spread into the schema by src/topology/schema.ts;
// options.ts turns them into node.stack.options.
import { z } from "zod";

/** Every daemon frr.daemons may name, in the order FRR starts them (zebra first). */
export const FRR_DAEMONS = ["zebra", "staticd", "bgpd", "ospfd", "ospf6d", "ripd", "isisd", "bfdd"] as const;

const frrOptions = z
  .object({
    profile: z
      .enum(["datacenter", "traditional"])
      .optional()
      .describe(
        "FRR defaults profile (`frr defaults ...`). datacenter (wirelab's default) has fast BGP timers suited to labs",
      ),
    "ebgp-requires-policy": z
      .boolean()
      .optional()
      .describe(
        "Keep FRR 8's rule that eBGP routes need a policy. wirelab turns it off by default, as a lab user expects",
      ),
    "lab-timers": z
      .boolean()
      .optional()
      .describe(
        "BGP timers for a lab that comes up all at once (default true): coalesce-time 100 and connect-retry 1 s per neighbor; false keeps FRR's",
      ),
    daemons: z
      .array(z.enum(FRR_DAEMONS))
      .optional()
      .describe("Daemons to run; by default those the configuration needs"),
  })
  .strict();

export type FrrOptionsInput = z.infer<typeof frrOptions>;

/** One daemon's part of a per-daemon config: inline text or a file beside the topology. */
const daemonConfig = z.union([
  z.string().describe("The daemon's configuration lines (vtysh syntax)"),
  z.object({ file: z.string().describe("A file relative to the topology file's directory (and inside it)") }).strict(),
]);

/** Node-level keys of the FRR stack (a const object, so the inferred node type stays exact). */
export const frrNodeSchema = {
  config: z
    .union([
      z.string(),
      // Keys are checked by the loader (resolve/config.ts), which names the valid daemons.
      z
        .record(z.string(), daemonConfig)
        .describe(
          "FRR only: one config per daemon, as FRR's own test suites split them, e.g. { zebra: …, bgpd: { file: r1/bgpd.conf } }",
        ),
    ])
    .optional()
    .describe(
      "Raw configuration in the node's stack's syntax: FRR's vtysh lines (e.g. the seed's configs), or a bird.conf; FRR also takes a map of daemon name to text or { file }",
    ),
  frr: frrOptions.optional(),
} as const;

/** The FRR stack's key under `defaults`. */
export const frrDefaultsSchema = {
  frr: frrOptions.optional().describe("FRR options for every frr node; a node's own frr settings win"),
} as const;
