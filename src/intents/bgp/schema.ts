// The `bgp:` key of a node: local AS, router-id, announced networks and neighbors, each
// neighbor by node name (address and AS derived from the cabling) or by address. Spread into
// the node schema by src/topology/schema.ts; resolve.ts gives it meaning.
import { z } from "zod";

const asn = z.number().int().min(1).max(4294967295);
/** Port names are strings; a bare number (`port: 1`) is taken as that port name. */
const portName = z.union([z.string(), z.number().int().nonnegative()]);

const bgpNeighbor = z.union([
  z.string().describe("A directly connected peer node: wirelab derives its address and AS from the link"),
  z
    .object({
      node: z.string().optional().describe("Peer node; address and remote-as derived when not given"),
      address: z.string().optional().describe("Peer address (IPv4 or IPv6)"),
      "remote-as": asn.optional().describe("Peer AS number; by default the peer node's bgp.asn"),
      port: portName.optional().describe("Which of this node's ports faces the peer, when several links join them"),
      "ebgp-multihop": z.number().int().min(1).max(255).optional().describe("Allow an eBGP peer this many hops away"),
      "update-source": portName.optional().describe("Source of the session: a port of this node, `lo`, or an address"),
      description: z.string().optional(),
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
    networks: z.array(z.string()).optional().describe("Prefixes to announce with `network`"),
    redistribute: z
      .array(z.enum(["connected", "static", "ospf"]))
      .optional()
      .describe("Route sources to redistribute into BGP"),
    neighbors: z
      .array(bgpNeighbor)
      .optional()
      .describe("BGP peers: a node name, or {node|address, remote-as, port, ebgp-multihop, update-source}"),
  })
  .strict();

/** Node-level keys of the BGP intent (a const object, so the inferred node type stays exact). */
export const bgpNodeSchema = {
  bgp: bgp.optional(),
} as const;

export type BgpInput = z.infer<typeof bgp>;
