// The parts of the topology format that describe what a lab must prove (checks), how it
// is broken on purpose (scenarios) and how its cables behave (impairment). Imported by
// schema.ts, the one schema; the rules that need the whole lab are in checks.ts.
import { z } from "zod";

const duration = z
  .union([z.number().nonnegative(), z.string()])
  .describe("A duration: text with a unit (500ms, 30s, 2m) or a bare number");

const percent = z
  .union([z.number().min(0).max(100), z.string()])
  .describe("A percentage: 1%, 0.5% or a bare number of percent");

export const impairmentSchema = z
  .object({
    delay: duration.optional().describe("Added one-way delay, each direction (50ms; a bare number is ms)"),
    jitter: duration.optional().describe("Random variation of the delay (5ms; needs delay)"),
    loss: percent.optional().describe("Packets dropped, each direction (1%)"),
    duplicate: percent.optional().describe("Packets duplicated (1%)"),
    corrupt: percent.optional().describe("Packets with a flipped bit (0.1%)"),
    rate: z.union([z.string(), z.number()]).optional().describe("Bandwidth limit, each direction (10mbit, 512kbit)"),
  })
  .strict()
  .describe("Link conditions made with tc (netem for delay/jitter/loss/duplicate/corrupt, tbf for rate alone)");

const endpoint = z.string().describe("node:port, with your port name");

const pingCheck = z
  .object({
    from: z.string().describe("Node that sends the pings"),
    to: z.string().describe("An address, a node (one of its addresses, loopback first) or node:port"),
    source: z.string().optional().describe("Source address (one of the from-node's addresses)"),
    expect: z.enum(["success", "failure"]).optional().describe("success (default) or failure: unreachable"),
  })
  .strict();

const bgpSessionCheck = z.union([
  z.string().describe("A router: all of its BGP neighbors are Established"),
  z
    .object({
      node: z.string(),
      neighbors: z
        .array(z.string())
        .optional()
        .describe("Peers by node name or address; default: every neighbor of the node"),
      expect: z.enum(["established", "down"]).optional().describe("established (default) or down"),
    })
    .strict(),
]);

const bfdSessionCheck = z.union([
  z.string().describe("A router: all of its BFD sessions are up"),
  z
    .object({
      node: z.string(),
      peers: z
        .array(z.union([z.string(), z.number().int().nonnegative()]))
        .optional()
        .describe("Peers by node name, address or this node's port; default: every BFD session of the node"),
      expect: z.enum(["up", "down"]).optional().describe("up (default) or down"),
    })
    .strict(),
]);

const asPath = z
  .union([z.string(), z.number().int(), z.array(z.number().int())])
  .describe("AS path as FRR shows it: '65002 65003' or [65002, 65003]; '' for a locally originated route");

const bgpRouteCheck = z
  .object({
    node: z.string(),
    prefix: z.string().describe("The prefix in the node's BGP table, e.g. 192.168.102.0/24"),
    nexthop: z.string().optional().describe("Next hop of the path"),
    "as-path": asPath.optional(),
    best: z.boolean().optional().describe("true (default): the best path must match; false: any valid path may match"),
    "valley-free": z
      .boolean()
      .optional()
      .describe(
        "The path's AS path must be valley-free by the lab's BGP relationships: up to providers, at most one peer link, down to customers",
      ),
    expect: z.enum(["present", "absent"]).optional().describe("present (default) or absent"),
  })
  .strict();

const routeCheck = z
  .object({
    node: z.string(),
    prefix: z.string().describe("Destination in the node's kernel routing table (FIB), e.g. 10.0.0.2/32"),
    via: z.string().optional().describe("A next hop the kernel route must have"),
    port: z.union([z.string(), z.number().int().nonnegative()]).optional().describe("The port it must leave by"),
    protocol: z
      .enum(["ospf", "isis", "bgp", "static", "connected"])
      .optional()
      .describe(
        "Where the route must come from: then checked in the router's RIB (selected) instead of the kernel's table",
      ),
    expect: z.enum(["present", "absent"]).optional().describe("present (default) or absent"),
  })
  .strict();

const ospfNeighborCheck = z
  .object({
    node: z.string(),
    neighbor: z.string().describe("The neighbor: a node name or its OSPF router-id"),
    port: z
      .union([z.string(), z.number().int().nonnegative()])
      .optional()
      .describe("Only the adjacency over this port of the node (when two routers are joined twice)"),
    expect: z.enum(["full", "down"]).optional().describe("full (default; 2-Way between two DROthers counts) or down"),
  })
  .strict();

const isisAdjacencyCheck = z
  .object({
    node: z.string(),
    neighbor: z.string().describe("The neighbor node"),
    expect: z.enum(["up", "down"]).optional().describe("up (default) or down"),
  })
  .strict();

const evpnVniCheck = z
  .object({
    node: z.string().describe("A VTEP (a leaf with vxlan:)"),
    vni: z.number().int().min(1).max(16777215).describe("One of the node's VNIs"),
    vteps: z
      .union([z.number().int().nonnegative(), z.array(z.string())])
      .optional()
      .describe(
        "Remote VTEPs the VNI floods to: how many, or which (node names or addresses); default: every other VTEP of the VNI in the lab",
      ),
    macs: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("At least this many MACs known in the VNI (local and remote; hosts' MACs appear once they send)"),
  })
  .strict();

const interfaceCheck = z.union([
  endpoint.describe("node:port must be up"),
  z
    .object({
      endpoint,
      expect: z.enum(["up", "down"]).optional().describe("up (default) or down"),
    })
    .strict(),
]);

export const checkSchema = z
  .object({
    name: z.string().optional().describe("Shown in reports; a description is made up when absent"),
    timeout: duration.optional().describe("How long the check may take to pass (default 30s; a bare number is s)"),
    ping: pingCheck.optional().describe("Reachability: ping from a node"),
    "bgp-session": bgpSessionCheck.optional().describe("BGP sessions of a router are Established (or down)"),
    "bgp-route": bgpRouteCheck.optional().describe("A prefix in a router's BGP table, with next hop / AS path"),
    route: routeCheck.optional().describe("A route in a node's kernel forwarding table (with protocol: in its RIB)"),
    "ospf-neighbor": ospfNeighborCheck.optional().describe("An OSPF adjacency of a router is Full (or down)"),
    "isis-adjacency": isisAdjacencyCheck.optional().describe("An IS-IS adjacency of a router is Up (or down)"),
    interface: interfaceCheck.optional().describe("Interface state of node:port (up or down)"),
    "bfd-session": bfdSessionCheck.optional().describe("BFD sessions of a router are up (or down)"),
    "evpn-vni": evpnVniCheck
      .optional()
      .describe("An EVPN VNI of a VTEP knows its remote VTEPs (type-3 routes), optionally a number of MACs"),
  })
  .strict()
  .describe(
    "One check: exactly one of ping, bgp-session, bgp-route, route, interface, ospf-neighbor, isis-adjacency, bfd-session, evpn-vni",
  );

const faultSchema = z
  .object({
    "link-down": z
      .union([endpoint, z.array(endpoint)])
      .optional()
      .describe("Cut a cable: one of its ends (r1:1) or both ([r1:1, r2:1])"),
    "node-stop": z
      .string()
      .optional()
      .describe("Stop a router's routing daemons, FRR's or bird (namespace and cables stay)"),
  })
  .strict()
  .describe("One fault: link-down or node-stop");

export const scenarioSchema = z
  .object({
    description: z.string().optional(),
    faults: z.array(faultSchema).describe("What is broken, in order; undone in reverse order afterwards"),
    checks: z.array(checkSchema).describe("What must hold while the faults are in place"),
  })
  .strict();

export const checksSchema = z.array(checkSchema).describe("What the lab must prove; run by `wirelab verify`");
export const scenariosSchema = z
  .record(z.string(), scenarioSchema)
  .describe("Named failures: `wirelab verify --scenario NAME` breaks the lab, checks, repairs, checks again");

export type ImpairmentInput = z.infer<typeof impairmentSchema>;
export type CheckInput = z.infer<typeof checkSchema>;
export type ScenarioInput = z.infer<typeof scenarioSchema>;
