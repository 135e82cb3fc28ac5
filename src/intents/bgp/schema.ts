// The `bgp:` key of a node: local AS, router-id, announced networks and neighbors, each
// neighbor by node name (address and AS derived from the cabling), by address, or by port
// (an interface neighbor: BGP unnumbered). Spread into the node schema by
// src/topology/schema.ts; resolve.ts gives it meaning. The link keys (`bgp: { unnumbered }`,
// `bfd`) are spread into the long-form link by the same file.
import { z } from "zod";
import { routeMapRefSchema } from "../policy/schema.js";

const asn = z.number().int().min(1).max(4294967295);
/** Port names are strings; a bare number (`port: 1`) is taken as that port name. */
const portName = z.union([z.string(), z.number().int().nonnegative()]);

/**
 * Per-neighbor session and policy options. Each is optional and rendered only when given;
 * the address-family ones (next-hop-self, …) apply to every family the session carries.
 */
const neighborOptions = {
  "route-reflector-client": z
    .boolean()
    .optional()
    .describe("This iBGP neighbor is a route-reflector client of this node (default: true when bgp.rr is set)"),
  "next-hop-self": z
    .boolean()
    .optional()
    .describe("Send this node's own address as next hop (iBGP: routes learned from eBGP peers); default off"),
  bfd: z.boolean().optional().describe("Watch the session with BFD (bfdd), for sub-second failure detection"),
  "local-as": asn.optional().describe("Present this AS to the neighbor instead of bgp.asn (no-prepend replace-as)"),
  passive: z.boolean().optional().describe("Never open the session, only accept it"),
  password: z.string().optional().describe("TCP MD5 password of the session (both ends must set the same)"),
  timers: z
    .object({
      keepalive: z.number().int().min(0).max(65535).describe("Seconds between keepalives"),
      hold: z.number().int().min(0).max(65535).describe("Seconds without a message before the session drops"),
    })
    .strict()
    .optional()
    .describe("Keepalive and hold time of this session (default: the profile's, 3 s / 9 s)"),
  "default-originate": z.boolean().optional().describe("Send this neighbor a default route"),
  "send-community": z
    .enum(["standard", "large", "extended", "all"])
    .optional()
    .describe("Which BGP communities to send (FRR sends all by default in the datacenter profile)"),
  "allowas-in": z
    .union([z.boolean(), z.number().int().min(1).max(10)])
    .optional()
    .describe("Accept routes with this node's own AS in the path (true, or how many times)"),
  "remove-private-as": z.boolean().optional().describe("Strip private AS numbers from paths sent to this neighbor"),
  "as-override": z.boolean().optional().describe("Replace the neighbor's AS in paths sent to it with this node's"),
  weight: z.number().int().min(0).max(65535).optional().describe("Local weight of routes from this neighbor"),
  relationship: z
    .enum(["customer", "provider", "peer"])
    .optional()
    .describe(
      "What the neighbor is to this node (eBGP): `customer` (it pays this node for transit), `provider` (this node is its customer) or `peer`; rendered as Gao-Rexford policy. The neighbor's end must say the converse (provider/customer, peer/peer)",
    ),
  evpn: z
    .boolean()
    .optional()
    .describe("The session carries EVPN routes (address-family l2vpn evpn); default: bgp.evpn"),
  "route-map": routeMapRefSchema
    .optional()
    .describe(
      "Route maps (policy.route-maps) for routes received (in) and sent (out), in every family; with a relationship they run after its tags (in: a local-preference they set wins) and after its valley-free filter (out)",
    ),
} as const;

const redistSource = z.enum(["connected", "static", "ospf"]);

const bgpNeighbor = z.union([
  z.string().describe("A peer node: wirelab derives its address and AS (iBGP: over loopbacks)"),
  z
    .object({
      node: z.string().optional().describe("Peer node; address and remote-as derived when not given"),
      address: z.string().optional().describe("Peer address (IPv4 or IPv6)"),
      "remote-as": asn.optional().describe("Peer AS number; by default the peer node's bgp.asn"),
      port: portName
        .optional()
        .describe("Which of this node's ports faces the peer; alone, an interface neighbor (BGP unnumbered)"),
      "ebgp-multihop": z.number().int().min(1).max(255).optional().describe("Allow an eBGP peer this many hops away"),
      "update-source": portName
        .optional()
        .describe("Source of the session: `lo` (then the peer's loopback is the address), a port, or an address"),
      description: z.string().optional(),
      ...neighborOptions,
    })
    .strict(),
]);

const bgp = z
  .object({
    asn: asn.describe("Local AS number (1-4294967295)"),
    "router-id": z
      .string()
      .optional()
      .describe("BGP router-id; defaults to the lowest loopback or interface IPv4 address"),
    networks: z.array(z.string()).optional().describe("Prefixes to announce with `network` (IPv4 and IPv6)"),
    "advertise-loopbacks": z
      .boolean()
      .optional()
      .describe("Announce this node's loopback addresses (IPv4 /32, IPv6 /128) as networks (default false)"),
    originate: z
      .array(z.string())
      .optional()
      .describe("Prefixes to announce with a discard route behind them (`ip route P blackhole`), e.g. an aggregate"),
    redistribute: z
      .array(
        z.union([
          redistSource,
          z
            .object({
              source: redistSource,
              "route-map": z.string().describe("Route map (policy.route-maps) the redistributed routes go through"),
            })
            .strict(),
        ]),
      )
      .optional()
      .describe("Route sources to redistribute into BGP: a source, or { source, route-map }"),
    rr: z.boolean().optional().describe("This node is a route reflector: its iBGP neighbors are its clients"),
    "cluster-id": z.string().optional().describe("Route-reflector cluster id (an IPv4 address); default the router-id"),
    bfd: z.boolean().optional().describe("BFD on every neighbor (a neighbor's own bfd wins)"),
    evpn: z
      .boolean()
      .optional()
      .describe(
        "EVPN on every neighbor (address-family l2vpn evpn; a neighbor's own evpn wins); with vxlan: the node advertises its VNIs",
      ),
    neighbors: z
      .array(bgpNeighbor)
      .optional()
      .describe("BGP peers: a node name, or {node|address|port, remote-as, update-source, …options}"),
  })
  .strict();

/** Node-level keys of the BGP intent (a const object, so the inferred node type stays exact). */
export const bgpNodeSchema = {
  bgp: bgp.optional(),
} as const;

/** Long-form link keys the BGP intent reads: unnumbered sessions and BFD over the link. */
export const bgpLinkSchema = {
  bgp: z
    .object({
      unnumbered: z
        .boolean()
        .optional()
        .describe(
          "The two routers peer over this link's IPv6 link-local addresses (BGP unnumbered); no addresses needed",
        ),
    })
    .strict()
    .optional()
    .describe("BGP over this link"),
  bfd: z.boolean().optional().describe("BFD on the BGP sessions that run over this link"),
} as const;

export type BgpInput = z.infer<typeof bgp>;
export type BgpNeighborInput = Exclude<NonNullable<BgpInput["neighbors"]>[number], string>;
