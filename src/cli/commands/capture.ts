import { spawn } from "node:child_process";
import { nodeExecArgv } from "../../core/exec.js";
import { nsName } from "../../core/paths.js";
import { portOrError } from "../../topology/endpoints.js";
import { listNetns } from "../../util/ip.js";
import { labState, UsageError } from "../resolve.js";

export interface CaptureFlags {
  topology?: string;
  lab?: string;
  write?: string;
  count?: string;
  duration?: string;
}

/**
 * tcpdump inside the node on one port: live to the terminal, or to a pcap file (-w) a user
 * opens in Wireshark. The filter words go to tcpdump as they are, as separate arguments.
 */
export async function captureCommand(endpoint: string, filter: string[], flags: CaptureFlags): Promise<number> {
  const state = await labState(flags);
  const p = portOrError(state.model, endpoint);
  if (typeof p === "string") throw new UsageError(p);
  if (!(await listNetns()).includes(nsName(state.name, p.node.name))) {
    throw new UsageError(`node ${p.node.name} is not running (its namespace is missing)`);
  }
  const args = ["-i", p.port.ifname, "-n"];
  // -U: each packet is written at once, so the file is complete whenever capture stops.
  if (flags.write) args.push("-U", "-w", flags.write);
  if (flags.count !== undefined) {
    if (!/^[1-9]\d*$/.test(flags.count)) throw new UsageError(`--count ${flags.count}: give a number of packets`);
    args.push("-c", flags.count);
  }
  let durationMs: number | undefined;
  if (flags.duration !== undefined) {
    durationMs = Number(flags.duration) * 1000;
    if (!(durationMs > 0)) throw new UsageError(`--duration ${flags.duration}: give a number of seconds`);
  }
  const words = filter[0] === "--" ? filter.slice(1) : filter;
  // Only the command is mapped by nodeExecArgv; filter words are tcpdump's, passed untouched.
  const argv = [...nodeExecArgv(state.name, p.node, ["tcpdump"]), ...args, ...words];
  if (!flags.write)
    process.stderr.write(`capturing on ${p.node.name}:${p.port.name} (${p.port.ifname}); Ctrl-C stops\n`);
  return new Promise((resolve, reject) => {
    const [cmd, ...rest] = argv;
    const child = spawn(cmd as string, rest, { stdio: ["ignore", "inherit", "inherit"] });
    // Ctrl-C reaches tcpdump too (same process group); SIGTERM to us is passed on as SIGINT,
    // on which tcpdump flushes its file and prints its counters.
    const stop = () => child.kill("SIGINT");
    const onInt = () => {};
    process.on("SIGINT", onInt);
    process.on("SIGTERM", stop);
    const timer = durationMs ? setTimeout(stop, durationMs) : undefined;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", onInt);
      process.off("SIGTERM", stop);
      // Stopped on purpose (Ctrl-C, SIGTERM, --duration): a capture that ended as asked.
      resolve(code ?? (signal === "SIGINT" ? 0 : 128));
    });
  });
}
