// The `policy:` key of a router (and of `defaults`, for definitions every router may use):
// prefix lists, AS-path lists, community lists and route maps, defined once by name and
// referenced by BGP neighbors (`route-map: { in, out }`) and redistribution. Spread into the
// node schema and `defaults` by src/topology/schema.ts; resolve.ts gives it meaning.
import { z } from "zod";

/** A policy object's name: one word for FRR and a symbol for BIRD (wl_<kind>_<name>). */
export const POLICY_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const name = z.string().regex(POLICY_NAME, "a name of letters, digits, '_' and '-', starting with a letter");
const seq = z.number().int().min(1).max(4294967295).describe("Sequence number (default: 10, 20, … in order written)");
const action = z.enum(["permit", "deny"]).describe("permit (default) or deny");
const asn = z.number().int().min(1).max(4294967295);
/** A community: standard `ASN:VALUE` (16 bits each) or large `ASN:X:Y` (32 bits each). */
const community = z.string().describe("Standard community ASN:VALUE (e.g. 65001:100) or large ASN:X:Y (65001:1:2)");

const prefixEntry = z.union([
  z.string().describe("A prefix, permitted exactly (e.g. 10.1.0.0/16)"),
  z
    .object({
      seq: seq.optional(),
      action: action.optional(),
      prefix: z.string().describe("The prefix, IPv4 or IPv6 (one family per list)"),
      ge: z
        .number()
        .int()
        .min(0)
        .max(128)
        .optional()
        .describe("Match lengths from this one (greater than the prefix's)"),
      le: z.number().int().min(0).max(128).optional().describe("Match lengths up to this one"),
    })
    .strict(),
]);

const asPathEntry = z
  .object({
    seq: seq.optional(),
    action: action.optional(),
    origin: asn.optional().describe("The path ends with this AS (the route was originated there)"),
    first: asn.optional().describe("The path starts with this AS (the neighbor AS)"),
    contains: asn.optional().describe("This AS is anywhere in the path"),
    regex: z.string().optional().describe("An FRR AS-path regular expression (FRR only; BIRD has path masks)"),
  })
  .strict();

const communityEntry = z.union([
  community,
  z
    .object({
      seq: seq.optional(),
      action: action.optional(),
      community,
    })
    .strict(),
]);

const routeMapEntry = z
  .object({
    seq: seq.optional(),
    action: action.optional(),
    match: z
      .object({
        "prefix-list": name.optional().describe("The route's prefix is permitted by this prefix list"),
        "as-path": name.optional().describe("The route's AS path is permitted by this AS-path list"),
        community: name.optional().describe("The route carries a community permitted by this community list"),
      })
      .strict()
      .optional()
      .describe("Conditions, all of which must hold (none: every route)"),
    set: z
      .object({
        "local-preference": z.number().int().min(0).max(4294967295).optional(),
        med: z.number().int().min(0).max(4294967295).optional().describe("Multi-exit discriminator (FRR: metric)"),
        community: z
          .object({
            add: z.array(community).optional().describe("Communities added to the route's"),
            replace: z.array(community).optional().describe("Communities that replace the route's (of their kind)"),
          })
          .strict()
          .optional(),
        "as-path-prepend": z
          .union([asn, z.array(asn).min(1)])
          .optional()
          .describe("AS numbers put in front of the path, leftmost first (e.g. [65001, 65001])"),
        weight: z.number().int().min(0).max(65535).optional().describe("Local weight (FRR only)"),
      })
      .strict()
      .optional()
      .describe("What a permitted route gets"),
  })
  .strict();

export const policySchema = z
  .object({
    "prefix-lists": z
      .record(name, z.array(prefixEntry).min(1))
      .optional()
      .describe("Prefix lists by name: entries in sequence, first match decides, no match denies"),
    "as-path-lists": z
      .record(name, z.array(asPathEntry).min(1))
      .optional()
      .describe("AS-path lists by name: entries of origin, first, contains (or an FRR regex)"),
    "community-lists": z
      .record(name, z.array(communityEntry).min(1))
      .optional()
      .describe("Community lists by name: standard (ASN:VALUE) or large (ASN:X:Y), one kind per list"),
    "route-maps": z
      .record(name, z.array(routeMapEntry).min(1))
      .optional()
      .describe(
        "Route maps by name: entries in sequence; the first whose match holds permits (with its set) or denies",
      ),
  })
  .strict();

/** Node-level keys of the policy intent (a const object, so the inferred node type stays exact). */
export const policyNodeSchema = {
  policy: policySchema
    .optional()
    .describe("Routing policy of this router: prefix, AS-path and community lists, route maps (over defaults.policy)"),
} as const;

/** `defaults.policy`: definitions every router may reference; a router's own of the same name win. */
export const policyDefaultsSchema = {
  policy: policySchema
    .optional()
    .describe("Routing policy every router may reference by name; each router gets what it uses"),
} as const;

/** A route-map reference: `route-map: { in: NAME, out: NAME }` on a BGP neighbor. */
export const routeMapRefSchema = z
  .object({
    in: name.optional().describe("Route map for routes received from the neighbor"),
    out: name.optional().describe("Route map for routes sent to the neighbor"),
  })
  .strict();

export type PolicyInput = z.infer<typeof policySchema>;
