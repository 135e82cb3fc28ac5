// What a node's FRR runs, read back from its running configuration (`show running-config`
// of all its daemons): the routing column of deploy's summary, raw-config nodes included.
import type { NodeHandle } from "../../runtimes/runtime.js";
import type { QueryOptions, RunningProtocol } from "../stack.js";
import { vtyshInside } from "./channel.js";

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
    let m: RegExpExecArray | null;
    if ((m = /^router bgp (\d+)/.exec(line))) add("bgp", `AS${m[1]}`);
    else if (/^router ospf(\s|$)/.test(line)) add("ospf");
    else if (/^router isis\s/.test(line)) {
      add("isis");
      isisLevel ??= "level-1-2";
    } else if ((m = /^router (\S+)/.exec(line))) add(ROUTERS[m[1] as string] ?? (m[1] as string));
    else if (/^ipv6? route\s/.test(line)) add("static");
    else if (line === "bfd") add("bfd");
    if (!line.startsWith(" ")) continue;
    if ((m = /^(?:network \S+ area|ip ospf area|ipv6 ospf6 area) (\S+)/.exec(t))) add("ospf", `area ${m[1]}`);
    if (section.startsWith("router isis") && (m = /^is-type (\S+)/.exec(t))) {
      isisLevel = (m[1] as string).replace(/-only$/, "");
    }
  }
  if (isisLevel && found.has("isis")) found.get("isis")?.add(isisLevel);
  const order = ["bgp", "ospf", "isis", "static", "bfd"];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...found]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, details]) => (details.size ? { name, detail: [...details].sort().join(" ") } : { name }));
}

export async function runningProtocols(handle: NodeHandle, opts: QueryOptions = {}): Promise<RunningProtocol[]> {
  return parseRunningProtocols(await vtyshInside(handle, ["show running-config"], opts.timeoutMs ?? 10_000));
}
