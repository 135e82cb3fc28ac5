// What a BIRD router runs, read back from the running bird (RoutingStack.igpState and
// runningProtocols): the routing pane, inspect and deploy's routing column show BIRD routers
// as they show FRR ones, raw bird.conf included. BIRD 2 has no IS-IS, so only OSPF here.
import type { NodeHandle } from "../../runtimes/runtime.js";
import type { IgpState, QueryOptions, RunningProtocol } from "../stack.js";
import { birdCommand } from "./control.js";
import { ospfState } from "./ospf.js";
import { type BirdProtocol, parseProtocols } from "./parse.js";
import { socketPath } from "./paths.js";

export async function igpState(
  handle: NodeHandle,
  protocols: readonly string[],
  opts: QueryOptions = {},
): Promise<IgpState> {
  const out: IgpState = { errors: [] };
  if (protocols.includes("ospf")) {
    try {
      const s = await ospfState(handle, opts.timeoutMs);
      out.ospf = { interfaces: s.ifaces, neighbors: s.neighbors };
    } catch (e) {
      out.errors.push(`OSPF: ${((e as Error).message ?? String(e)).split("\n")[0]}`);
    }
  }
  if (protocols.includes("isis")) out.errors.push("IS-IS: BIRD 2 has no IS-IS");
  return out;
}

/** Protocols of `show protocols all` in the summary's words (BGP with its AS, OSPF with its areas). */
export function summarizeProtocols(protos: readonly BirdProtocol[], ospfAreas: readonly string[]): RunningProtocol[] {
  const out: RunningProtocol[] = [];
  const ases = [...new Set(protos.flatMap((p) => (p.bgp ? [p.bgp.localAs] : [])))].sort((a, b) => a - b);
  if (ases.length) out.push({ name: "bgp", detail: ases.map((a) => `AS${a}`).join(", ") });
  if (protos.some((p) => p.proto === "OSPF")) {
    const areas = [...new Set(ospfAreas)].sort();
    out.push(areas.length ? { name: "ospf", detail: `area ${areas.join(", ")}` } : { name: "ospf" });
  }
  // wirelab's own helper statics (default-originate, originate) are statics too: BIRD has no other kind.
  if (protos.some((p) => p.proto === "Static")) out.push({ name: "static" });
  if (protos.some((p) => p.proto === "BFD")) out.push({ name: "bfd" });
  return out;
}

export async function runningProtocols(handle: NodeHandle, opts: QueryOptions = {}): Promise<RunningProtocol[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const sock = socketPath(handle.lab, handle.node.name);
  const protos = parseProtocols(await birdCommand(sock, "show protocols all", timeoutMs));
  let areas: string[] = [];
  if (protos.some((p) => p.proto === "OSPF")) {
    const s = await ospfState(handle, timeoutMs).catch(() => undefined);
    areas = (s?.ifaces ?? []).flatMap((i) => (i.area === undefined ? [] : [i.area]));
  }
  return summarizeProtocols(protos, areas);
}
