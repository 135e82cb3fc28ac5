// Readiness of OSPF on BIRD routers (RoutingStack.waitReady "ospf"), from real state through
// each router's control socket, as FRR's is judged (frr/ready-igp.ts):
//  1. every adjacency the intent expects is up (`show ospf neighbors`: Full, or 2-Way between
//     two DROthers), and no neighbor is stuck half-way; a raw `protocol ospf` (no intent)
//     asks only the latter, with at least one neighbor seen per router;
//  2. then every prefix the other routers of its domain carry into OSPF (FRR's or BIRD's:
//     the domain spans stacks) is in the router's routing table (master4/master6).
// Polled every 200 ms by the shared loop; the tables only once the adjacencies are up.
import pLimit from "p-limit";
import type { NodeModel } from "../../core/model.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { chanOf, countRoutesDone, wantedFromIntent, wantedPrefixes } from "../igp-want.js";
import { pollUntilReady } from "../poll.js";
import type { ReadyOptions, ReadyProgress } from "../stack.js";
import { birdOptions } from "./options.js";
import { ospfState } from "./ospf.js";
import { ribRoutes } from "./query.js";

interface Nbr {
  chan: string;
  ifname: string;
  id: string;
  state: string;
  up: boolean;
}

function portName(node: NodeModel, ifname: string): string {
  return node.ports.find((p) => p.ifname === ifname)?.name ?? ifname;
}

async function neighborsOf(h: NodeHandle): Promise<Nbr[] | null> {
  try {
    const s = await ospfState(h, 5000);
    return s.neighbors.map((n) => ({
      chan: chanOf(n.family),
      ifname: n.ifname,
      id: n.routerId,
      state: n.state,
      up: n.up,
    }));
  } catch {
    return null;
  }
}

async function ribOf(h: NodeHandle): Promise<Set<string> | null> {
  try {
    const [v4, v6] = await Promise.all([
      ribRoutes(h, "ipv4", { timeoutMs: 5000 }),
      ribRoutes(h, "ipv6", { timeoutMs: 5000 }),
    ]);
    // A prefix counts once a route to it is the table's choice (OSPF's or a better one's).
    const chosen = (t: typeof v4) => Object.keys(t).filter((p) => t[p]?.some((r) => r.selected));
    return new Set([...chosen(v4), ...chosen(v6)]);
  } catch {
    return null;
  }
}

/** Polls the BIRD routers that run OSPF until converged (see the header) or the time runs out. */
export async function waitForOspf(handles: readonly NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  const routers = handles.filter((h) => birdOptions(h.node)?.protocols.includes("ospf"));
  const prefixes = wantedPrefixes("ospf", opts.labNodes ?? routers.map((h) => h.node));
  const limit = pLimit(32);
  return pollUntilReady(opts, async () => {
    const polls = await Promise.all(routers.map((h) => limit(() => neighborsOf(h))));
    const down: string[] = [];
    let up = 0;
    let total = 0;
    let answering = 0;
    routers.forEach((h, k) => {
      const nbrs = polls[k];
      if (!nbrs) {
        down.push(`${h.node.name}: bird's OSPF not answering`);
        return;
      }
      answering++;
      const wants = wantedFromIntent("ospf", h.node);
      const matched = new Set<Nbr>();
      for (const w of wants ?? []) {
        total++;
        const n = nbrs.find((x) => x.chan === w.chan && x.ifname === w.ifname && w.ids.includes(x.id));
        if (n) matched.add(n);
        if (n?.up) up++;
        else
          down.push(`${h.node.name}:${portName(h.node, w.ifname)} → ${w.label} ${w.chan} ${n ? n.state : "not seen"}`);
      }
      if (wants === undefined && nbrs.length === 0) down.push(`${h.node.name}: no OSPF neighbor yet`);
      for (const n of nbrs) {
        if (!matched.has(n) && !n.up)
          down.push(`${h.node.name}:${portName(h.node, n.ifname)} → ${n.id} ${n.chan} ${n.state}`);
      }
    });
    let routesDone = 0;
    const adjacent = answering === routers.length && down.length === 0;
    if (adjacent) {
      const ribs = await Promise.all(routers.map((h) => limit(() => ribOf(h))));
      routesDone = countRoutesDone(
        routers.map((h) => h.node.name),
        ribs,
        prefixes,
        "bird",
        down,
      );
    }
    return {
      protocol: "ospf",
      done: adjacent && routesDone === routers.length,
      summary: `OSPF (BIRD): ${answering}/${routers.length} routers answering, ${up}/${total} adjacencies up, ${adjacent ? `${routesDone}/${routers.length} with every route` : "routes next"}`,
      down,
      detail: { up, total, answering, routers: routers.length, routesDone },
    };
  });
}
