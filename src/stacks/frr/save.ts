// `wirelab save` (RoutingStack.runningConfig): the node's running config as a loadable frr.conf.
import { RUN_ROOT } from "../../core/paths.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { runOk } from "../../util/exec.js";
import { ipJson } from "../../util/ip.js";
import { execCommand } from "./cli.js";

/**
 * `show running-config` as a loadable frr.conf: without vtysh's banner lines, and with one
 * hostname line (vtysh adds its own, which inside the node is the node's name again).
 */
export function cleanRunningConfig(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("frr version") || l === "!");
  const body = start >= 0 ? lines.slice(start) : lines;
  const seen = new Set<string>();
  return `${body
    .filter((l) => {
      // wirelab's own log line points into the lab's run directory, gone after destroy.
      if (l.startsWith(`log file ${RUN_ROOT}/`)) return false;
      if (!l.startsWith("hostname ")) return true;
      if (seen.has(l)) return false;
      seen.add(l);
      return true;
    })
    .join("\n")
    .trimEnd()}\n`;
}

interface IpAddr {
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

/**
 * The running config plus the interface addresses wirelab set in the kernel (FRR does not
 * list those: zebra did not configure them), as `ip address` / `ipv6 address` lines in each
 * interface's block: the saved file then loads back with `startup-config:` on a topology
 * without addresses, and zebra puts them on again.
 */
export function withKernelAddresses(config: string, kernel: readonly IpAddr[]): string {
  const lines = config.trimEnd().split("\n");
  const out: string[] = [];
  const blocks = new Map<string, string[]>();
  for (const i of kernel) {
    const extra = (i.addr_info ?? [])
      .filter((a) => a.scope !== "link" && a.scope !== "host")
      .map((a) => ` ${a.family === "inet6" ? "ipv6" : "ip"} address ${a.local}/${a.prefixlen}`)
      .filter((l) => !lines.includes(l));
    if (extra.length) blocks.set(i.ifname, extra);
  }
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    out.push(line);
    const m = /^interface (\S+)$/.exec(line);
    const extra = m ? blocks.get(m[1] as string) : undefined;
    if (extra) {
      out.push(...extra);
      blocks.delete(m?.[1] as string);
    }
  }
  // Interfaces without a block of their own: one each, before the first `router` section
  // (zebra's lines first, as FRR writes them) or at the end.
  const at = out.findIndex((l) => /^router /.test(l));
  const added = [...blocks].flatMap(([ifname, extra]) => [`interface ${ifname}`, ...extra, "exit", "!"]);
  if (added.length) out.splice(at >= 0 ? at : out.length, 0, ...added);
  return `${out.join("\n")}\n`;
}

export async function runningConfig(handle: NodeHandle): Promise<string> {
  // Inside the node (its hostname namespace), so vtysh's own hostname line is the node's.
  const [cmd, ...args] = handle.execArgv(execCommand(handle, ["vtysh", "-c", "show running-config"]));
  const config = cleanRunningConfig((await runOk(cmd as string, args)).stdout);
  const kernel = await ipJson<IpAddr[]>(["addr", "show"], handle.netns).catch(() => [] as IpAddr[]);
  return withKernelAddresses(config, kernel);
}
