// What a node's FRR runs, read back from its running configuration (`show running-config`
// of all its daemons): the routing column of deploy's summary, raw-config nodes included.
import type { NodeHandle } from "../../runtimes/runtime.js";
import type { QueryOptions, RunningProtocol } from "../stack.js";
import { vtyshInside } from "./channel.js";
import { daemonsFor } from "./daemons.js";
import { vtyShow } from "./vty.js";

/** `router <name>` sections FRR knows, in the words the summary uses. */
const ROUTERS: Record<string, string> = { ospf6: "ospf", openfabric: "openfabric", rip: "rip", ripng: "ripng" };

/** The protocols a running config configures, with their AS, areas or levels. */
export function parseRunningProtocols(text: string): RunningProtocol[] {
  const found = new Map<string, Set<string>>();
  const add = (name: string, detail?: string) => {
    const set = found.get(name) ?? new Set<string>();
    if (detail) set.add(detail);
    found.set(name, set);
  };
  let section = "";
  let isisLevel: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (!line.startsWith(" ")) section = line;
    const t = line.trim();
    const bgp = /^router bgp (\d+)/.exec(line);
    const other = /^router (\S+)/.exec(line);
    if (bgp) add("bgp", `AS${bgp[1]}`);
    else if (/^router ospf(\s|$)/.test(line)) add("ospf");
    else if (/^router isis\s/.test(line)) {
      add("isis");
      isisLevel ??= "level-1-2";
    } else if (other) add(ROUTERS[other[1] as string] ?? (other[1] as string));
    else if (/^ip(v6)? route\s/.test(line)) add("static");
    else if (line === "bfd") add("bfd");
    if (!line.startsWith(" ")) continue;
    const area = /^(?:network \S+ area|ip ospf area|ipv6 ospf6 area) (\S+)/.exec(t);
    if (area) add("ospf", area[1]);
    const type = section.startsWith("router isis") ? /^is-type (\S+)/.exec(t) : null;
    if (type) isisLevel = (type[1] as string).replace(/-only$/, "");
  }
  if (isisLevel && found.has("isis")) found.get("isis")?.add(isisLevel);
  const order = ["bgp", "ospf", "isis", "static", "bfd"];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...found]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, details]) => {
      if (!details.size) return { name };
      const list = [...details].sort().join(", ");
      return { name, detail: name === "ospf" ? `area ${list}` : list };
    });
}

export async function runningProtocols(handle: NodeHandle, opts: QueryOptions = {}): Promise<RunningProtocol[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (!handle.hostFs || handle.remote) {
    return parseRunningProtocols(await vtyshInside(handle, ["show running-config"], timeoutMs));
  }
  // Pathspace nodes: each daemon's own vty socket (vtysh takes ~0.5 s per node, this ~20 ms).
  const parts = await Promise.all(
    daemonsFor(handle.node).map((d) => vtyShow(handle.netns, d, "show running-config", timeoutMs, ["enable"])),
  );
  return parseRunningProtocols(parts.join("\n"));
}
