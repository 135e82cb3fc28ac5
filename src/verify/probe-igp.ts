// Looks for the IGP checks and for `route` with `protocol:`: OSPF neighbors and IS-IS
// adjacencies through the node's stack (ospfNeighbors, isisAdjacencies), routes in the
// stack's RIB (ribRoutes). Never throws for a lab that misbehaves: a failed observation.
import type { CheckSpec, Lab, NodeModel } from "../core/model.js";
import type { IsisAdjacency } from "../intents/isis/state.js";
import type { OspfNeighbor } from "../intents/ospf/state.js";
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { RibRoute } from "../stacks/stack.js";
import type { Observation } from "./probe.js";

type Spec<T extends CheckSpec["type"]> = Extract<CheckSpec, { type: T }>;

function nodeOf(lab: Lab, name: string): NodeModel {
  const n = lab.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`node ${name} is not in lab '${lab.name}'`);
  return n;
}

function firstLine(s: string): string {
  return (
    s
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? ""
  );
}

/** The daemon that runs `protocol` on the node, by its stack's own names (ospfd; bird). */
function daemonOf(node: NodeModel, prefix: string, fallback: string): string {
  const daemons = stackOf(node)?.daemons(node) ?? [];
  return daemons.find((d) => d.startsWith(prefix)) ?? (daemons.length === 1 ? (daemons[0] as string) : fallback);
}

/** A daemon that does not answer: for a check, its adjacencies are down. */
function notRunning(e: unknown, daemon: string): string {
  const m = (e as Error).message;
  return /not reachable|not running|failed to connect|closed the vty/i.test(m)
    ? `${daemon} is not running`
    : firstLine(m);
}

const famText = (f: 4 | 6) => (f === 4 ? "OSPFv2" : "OSPFv3");

export async function probeOspfNeighbor(lab: Lab, s: Spec<"ospf-neighbor">): Promise<Observation> {
  const node = nodeOf(lab, s.node);
  const expected = `${s.neighbor.label} ${s.expect === "full" ? "Full" : "not Full"}${s.families.length ? ` (${s.families.map(famText).join(", ")})` : ""}`;
  const stack = stackOf(node);
  let all: OspfNeighbor[];
  try {
    if (!stack?.ospfNeighbors) throw new Error(`${node.name} runs no OSPF`);
    all = await stack.ospfNeighbors(nodeHandle(lab.name, node));
  } catch (e) {
    return { pass: s.expect === "down", expected, seen: notRunning(e, daemonOf(node, "ospf", "ospfd")) };
  }
  const mine = all.filter(
    (n) =>
      (s.ifname === undefined || n.ifname === s.ifname) &&
      (s.neighbor.ids.includes(n.routerId) || (n.address !== undefined && s.neighbor.addresses.includes(n.address))),
  );
  const port = (ifname: string) => node.ports.find((p) => p.ifname === ifname)?.name ?? ifname;
  const seen = mine.length
    ? mine
        .map(
          (n) =>
            `${famText(n.family)} ${n.routerId} on ${port(n.ifname)}: ${n.state}${n.role ? `/${n.role}` : ""}${n.up && n.state !== "Full" ? " (both DROther: as far as it goes)" : ""}`,
        )
        .join("; ")
    : `${s.neighbor.label} is not an OSPF neighbor of ${node.name}${s.port ? ` on ${s.port}` : ""} now`;
  const families = s.families.length ? s.families : [...new Set(mine.map((n) => n.family))];
  const full = mine.length > 0 && families.every((f) => mine.some((n) => n.family === f && n.up));
  const pass = s.expect === "full" ? full : !mine.some((n) => n.up);
  return { pass, expected, seen };
}

export async function probeIsisAdjacency(lab: Lab, s: Spec<"isis-adjacency">): Promise<Observation> {
  const node = nodeOf(lab, s.node);
  const expected = `adjacency to ${s.neighbor.label} ${s.expect === "up" ? "Up" : "not Up"}`;
  const stack = stackOf(node);
  let all: IsisAdjacency[];
  try {
    if (!stack?.isisAdjacencies) throw new Error(`${node.name} runs no IS-IS`);
    all = await stack.isisAdjacencies(nodeHandle(lab.name, node));
  } catch (e) {
    return { pass: s.expect === "down", expected, seen: notRunning(e, daemonOf(node, "isis", "isisd")) };
  }
  const mine = all.filter((a) => s.neighbor.ids.includes(a.systemId));
  const port = (ifname: string) => node.ports.find((p) => p.ifname === ifname)?.name ?? ifname;
  const seen = mine.length
    ? mine.map((a) => `${a.systemId} on ${port(a.ifname)} level ${a.level}: ${a.state}`).join("; ")
    : `no adjacency to ${s.neighbor.label}${all.length ? ` (adjacencies: ${all.map((a) => a.systemId).join(", ")})` : ""}`;
  const up = mine.some((a) => a.up);
  return { pass: s.expect === "up" ? up : !up, expected, seen };
}

/** FRR's protocol names for a check's `protocol:` (OSPFv3 routes are `ospf6`). */
function protocolMatches(want: string, rib: string): boolean {
  return rib === want || (want === "ospf" && rib === "ospf6");
}

export async function probeRib(lab: Lab, s: Spec<"route">): Promise<Observation> {
  const node = nodeOf(lab, s.node);
  const protocol = s.protocol as string;
  const port = (dev?: string) => node.ports.find((p) => p.ifname === dev)?.name ?? dev;
  const want = [s.via ? `via ${s.via}` : "", s.port ? `dev ${s.port}` : ""].filter(Boolean).join(" ");
  const expected = `${s.expect === "present" ? "" : "no "}${protocol} route ${s.prefix}${want ? ` ${want}` : ""} selected in the RIB`;
  let routes: RibRoute[];
  try {
    const stack = stackOf(node);
    if (!stack?.ribRoutes) throw new Error(`${node.name}'s routing stack has no RIB to ask`);
    routes = (await stack.ribRoutes(nodeHandle(lab.name, node), s.afi))[s.prefix] ?? [];
  } catch (e) {
    return { pass: false, expected, seen: firstLine((e as Error).message) };
  }
  const match = routes.some(
    (r) =>
      r.selected &&
      protocolMatches(protocol, r.protocol) &&
      r.nexthops.some(
        (h) => (s.via === undefined || h.ip === s.via) && (s.ifname === undefined || h.interfaceName === s.ifname),
      ),
  );
  const seen = routes.length
    ? routes
        .map((r) => {
          const hops = r.nexthops
            .map((h) =>
              [h.ip ? `via ${h.ip}` : "", h.interfaceName ? `dev ${port(h.interfaceName)}` : ""]
                .filter(Boolean)
                .join(" "),
            )
            .join(", ");
          return `${r.protocol} ${s.prefix}${hops ? ` ${hops}` : ""}${r.selected ? " (selected)" : ""}`;
        })
        .join("; ")
    : `${s.prefix} is not in ${s.node}'s RIB`;
  return { pass: s.expect === "present" ? match : !match, expected, seen };
}
