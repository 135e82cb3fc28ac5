// The one schema of the topology file. It validates what users write and, through
// `npm run schema`, produces schema/topology.schema.json for editors. Network-level
// rules that need the whole file (unknown nodes, subnets, BGP peers) live in resolve/.
//
// A node's keys come from their owners: each intent module (src/intents/<name>/schema.ts),
// the routing stack (src/stacks/frr/schema.ts) and the docker runtime. The fragments are
// const objects spread here by name, not taken from the intent registry: that keeps the
// inferred NodeInput exact, keeps the keys in the order the JSON Schema has always listed
// them, and keeps the schema from loading the resolvers (which import modules that import
// this file).
import { z } from "zod";
import { LAB_NAME, NODE_NAME } from "./names.js";

export { LAB_NAME, NODE_NAME };

import { bgpLinkSchema, bgpNodeSchema } from "../intents/bgp/schema.js";
import { evpnNodeSchema } from "../intents/evpn/schema.js";
import { isisLinkSchema, isisNodeSchema } from "../intents/isis/schema.js";
import { ospfLinkSchema, ospfNodeSchema } from "../intents/ospf/schema.js";
import { policyDefaultsSchema, policyNodeSchema } from "../intents/policy/schema.js";
import { staticNodeSchema } from "../intents/static/schema.js";
import {
  cmdSchema,
  imageSchema,
  kindsSchema,
  managementSchema,
  portNamespaceSchema,
  privilegedSchema,
  runtimeSchema,
} from "../runtimes/docker/schema.js";
import { kubernetesLabSchema, kubernetesNodeSchema } from "../runtimes/kubernetes/schema.js";
import { birdDefaultsSchema, birdNodeSchema } from "../stacks/bird/schema.js";
import { frrDefaultsSchema, frrNodeSchema } from "../stacks/frr/schema.js";
import { checksSchema, impairmentSchema, scenariosSchema } from "./checks-schema.js";
import { addressingSchema } from "./resolve/addressing.js";

export const KINDS = ["frr", "bird", "linux", "bridge"] as const;
export type KindName = (typeof KINDS)[number];

/** Any string (resolve/nodes.ts names unknown kinds); the examples give editors completions. */
const kindName = z.string().meta({ examples: [...KINDS, "openswitch"] });

/** Any string (resolve/nodes.ts names unknown stacks, from the stack registry's loaders). */
const stackName = z.string().meta({ examples: ["frr", "bird"] });

const cidr = z
  .string()
  .describe("An interface address with its prefix length, IPv4 or IPv6, e.g. 192.168.101.1/24 or 2001:db8::1/64");
const addressList = z.union([cidr, z.array(cidr)]).describe("One address (CIDR) or a list of them, IPv4 and/or IPv6");

const interfaceSettings = z
  .object({
    ip: addressList.optional(),
    mtu: z.number().int().min(68).max(65535).optional().describe("Interface MTU in bytes"),
    description: z.string().optional().describe("Free text shown by inspect"),
    mac: z
      .string()
      .optional()
      .describe("MAC address (default: derived from lab, node and port, the same on every deploy)"),
    stub: z
      .boolean()
      .optional()
      .describe("A port with addresses and no cable (a stub network); without it an uncabled port is an error"),
    shutdown: z.boolean().optional().describe("Administratively down from the start"),
    bandwidth: z
      .union([z.number().int().positive(), z.string()])
      .optional()
      .describe("Bandwidth for routing metrics: kbit/s, or with a unit (100mbit, 10gbit)"),
    ipv6: z
      .object({
        ra: z
          .boolean()
          .optional()
          .describe("Send router advertisements (hosts on the port get a default route and SLAAC addresses)"),
      })
      .strict()
      .optional(),
  })
  .strict();

export const nodeSchema = z
  .object({
    kind: kindName.optional().describe(`Node kind: ${KINDS.join(", ")} (default from defaults.kind, else frr)`),
    interfaces: z
      .record(z.string(), interfaceSettings.nullable())
      .optional()
      .describe("Per-port settings keyed by the port name you use in links (also `lo` for loopback addresses)"),
    ...staticNodeSchema,
    "startup-config": z
      .string()
      .optional()
      .describe(
        "The routing stack's configuration from a file (FRR: an frr.conf, as `wirelab save` writes), relative to the topology file",
      ),
    forwarding: z.boolean().optional().describe("IP forwarding; on for frr nodes, off for linux hosts unless set"),
    ...bgpNodeSchema,
    ...policyNodeSchema,
    ...ospfNodeSchema,
    ...isisNodeSchema,
    ...evpnNodeSchema,
    stack: stackName
      .optional()
      .describe("Routing stack of a router: frr or bird (default from defaults.stack, else the kind's: frr)"),
    ...frrNodeSchema,
    ...birdNodeSchema,
    subnet: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe("bridge nodes: the segment's subnet(s); addresses of attached ports must lie inside"),
    runtime: runtimeSchema.optional(),
    image: imageSchema.optional(),
    "port-namespace": portNamespaceSchema.optional(),
    cmd: cmdSchema.optional(),
    privileged: privilegedSchema.optional(),
    ...kubernetesNodeSchema,
    graph: z
      .object({
        tier: z
          .number()
          .int()
          .min(0)
          .max(99)
          .optional()
          .describe("Row of the graph page's tiers layout, 0 on top (a Clos: spines 0, leaves 1, hosts 2)"),
      })
      .strict()
      .optional()
      .describe("How `wirelab graph` draws the node; any node with a tier makes the page lay the lab out in tiers"),
  })
  .strict();

const endpointString = z.string().describe("node:port, e.g. ops1:1 (a bridge may be written without a port)");
const endpoint = z.union([
  endpointString,
  z
    .object({
      endpoint: endpointString,
      ip: addressList
        .optional()
        .describe(
          "Address(es) of this end of the link, or `unnumbered`: borrow the node's loopback IPv4 /32 (OSPF and IS-IS point-to-point)",
        ),
      mtu: z.number().int().min(68).max(65535).optional().describe("MTU of this end"),
      mac: z.string().optional().describe("MAC address of this end (default: derived from lab, node and port)"),
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
      ip: z
        .literal("unnumbered")
        .optional()
        .describe("IPv4 unnumbered: both ends borrow their node's loopback /32 (OSPF and IS-IS point-to-point)"),
      impairment: impairmentSchema.optional(),
      ...ospfLinkSchema,
      ...isisLinkSchema,
      ...bgpLinkSchema,
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
        stack: stackName
          .optional()
          .describe("Routing stack of routers that set none: frr or bird (default: the kind's)"),
        ...frrDefaultsSchema,
        ...birdDefaultsSchema,
        addressing: addressingSchema.optional(),
        ...policyDefaultsSchema,
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
    kubernetes: kubernetesLabSchema.optional(),
  })
  .strict()
  .describe("A wirelab topology: nodes (FRR routers, Linux hosts, bridges) and the links between their ports");

export type TopologyInput = z.infer<typeof topologySchema>;
export type NodeInput = z.infer<typeof nodeSchema>;
export type LinkInput = z.infer<typeof linkSchema>;
