// The one schema of the topology file. It validates what users write and, through
// `npm run schema`, produces schema/topology.schema.json for editors. Network-level
// rules that need the whole file (unknown nodes, subnets, BGP peers) live in validate.ts.
import { z } from "zod";
import { LAB_NAME, NODE_NAME } from "./names.js";

export { LAB_NAME, NODE_NAME };

import { addressingSchema } from "./addressing.js";
import { checksSchema, impairmentSchema, scenariosSchema } from "./checks-schema.js";
import {
  cmdSchema,
  imageSchema,
  kindsSchema,
  managementSchema,
  portNamespaceSchema,
  privilegedSchema,
  runtimeSchema,
} from "./container-schema.js";

export const KINDS = ["frr", "linux", "bridge"] as const;
export type KindName = (typeof KINDS)[number];

/** Any string (validate.ts names unknown kinds); the examples give editors completions. */
const kindName = z.string().meta({ examples: [...KINDS, "openswitch"] });

const cidr = z
  .string()
  .describe("An interface address with its prefix length, IPv4 or IPv6, e.g. 192.168.101.1/24 or 2001:db8::1/64");
const addressList = z.union([cidr, z.array(cidr)]).describe("One address (CIDR) or a list of them, IPv4 and/or IPv6");

const interfaceSettings = z
  .object({
    ip: addressList.optional(),
    mtu: z.number().int().min(68).max(65535).optional().describe("Interface MTU in bytes"),
    description: z.string().optional().describe("Free text shown by inspect"),
  })
  .strict();

const route = z
  .object({
    to: z.string().describe("Destination prefix, e.g. 0.0.0.0/0 or 10.0.0.0/8"),
    via: z.string().describe("Next-hop address on a connected subnet of this node"),
  })
  .strict();

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
      .array(z.enum(["zebra", "staticd", "bgpd", "ospfd", "ospf6d", "ripd", "isisd", "bfdd"]))
      .optional()
      .describe("Daemons to run; by default those the configuration needs"),
  })
  .strict();

export const nodeSchema = z
  .object({
    kind: kindName.optional().describe(`Node kind: ${KINDS.join(", ")} (default from defaults.kind, else frr)`),
    interfaces: z
      .record(z.string(), interfaceSettings.nullable())
      .optional()
      .describe("Per-port settings keyed by the port name you use in links (also `lo` for loopback addresses)"),
    routes: z.array(route).optional().describe("Static routes (linux nodes: kernel routes; frr nodes: FRR `ip route`)"),
    forwarding: z.boolean().optional().describe("IP forwarding; on for frr nodes, off for linux hosts unless set"),
    bgp: bgp.optional(),
    config: z.string().optional().describe("Raw FRR configuration in vtysh syntax, e.g. the seed's own configs"),
    frr: frrOptions.optional(),
    subnet: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe("bridge nodes: the segment's subnet(s); addresses of attached ports must lie inside"),
    runtime: runtimeSchema.optional(),
    image: imageSchema.optional(),
    "port-namespace": portNamespaceSchema.optional(),
    cmd: cmdSchema.optional(),
    privileged: privilegedSchema.optional(),
  })
  .strict();

const endpointString = z.string().describe("node:port, e.g. ops1:1 (a bridge may be written without a port)");
const endpoint = z.union([
  endpointString,
  z
    .object({
      endpoint: endpointString,
      ip: addressList.optional().describe("Address(es) of this end of the link"),
      mtu: z.number().int().min(68).max(65535).optional().describe("MTU of this end"),
    })
    .strict(),
]);

export const linkSchema = z.union([
  z.array(endpoint).describe("Short form: [a:port, b:port]"),
  z
    .object({
      endpoints: z.array(endpoint),
      subnet: z.string().optional().describe("The link's subnet; endpoint addresses must lie inside"),
      mtu: z.number().int().min(68).max(65535).optional().describe("MTU of both ends"),
      impairment: impairmentSchema.optional(),
    })
    .strict()
    .describe("Long form: endpoints plus link settings"),
]);

export const topologySchema = z
  .object({
    name: z
      .string()
      .regex(LAB_NAME)
      .describe("Lab name: letters, digits and '-', at most 32; part of the namespace names wl_<lab>_<node>"),
    defaults: z
      .object({
        kind: kindName.optional().describe(`Kind of nodes that do not set one: ${KINDS.join(", ")} (default frr)`),
        frr: frrOptions.optional().describe("FRR options for every frr node; a node's own frr settings win"),
        addressing: addressingSchema.optional(),
        runtime: runtimeSchema.optional(),
        image: imageSchema.optional().describe("Docker image of container nodes that set none (nor their kind)"),
      })
      .strict()
      .optional()
      .describe("Settings that apply to every node"),
    nodes: z
      .record(z.string().regex(NODE_NAME), nodeSchema.nullable())
      .describe("Nodes keyed by name (letters, digits, '-' and '_'; at most 63)"),
    links: z.array(linkSchema).optional().describe("Cables: each joins exactly two ports"),
    checks: checksSchema.optional(),
    scenarios: scenariosSchema.optional(),
    runtime: runtimeSchema.optional(),
    kinds: kindsSchema.optional(),
    management: managementSchema.optional(),
  })
  .strict()
  .describe("A wirelab topology: nodes (FRR routers, Linux hosts, bridges) and the links between their ports");

export type TopologyInput = z.infer<typeof topologySchema>;
export type NodeInput = z.infer<typeof nodeSchema>;
export type LinkInput = z.infer<typeof linkSchema>;
