// The machine a benchmark ran on, and how busy it was: ratios from a shared, noisy machine
// mean little without the load next to them.
import { readFile } from "node:fs/promises";
import os from "node:os";
import { run } from "../src/util/exec.js";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  distro: string;
  frr: string;
  mininet: string;
  node: string;
}

async function firstLine(cmd: string, args: string[], pattern?: RegExp): Promise<string> {
  const r = await run(cmd, args).catch(() => ({ stdout: "", stderr: "", code: 1 }));
  const text = `${r.stdout}\n${r.stderr}`;
  const line = text.split("\n").find((l) => (pattern ? pattern.test(l) : l.trim())) ?? "";
  return line.trim() || "unknown";
}

export async function machine(): Promise<Machine> {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  const osRelease = await readFile("/etc/os-release", "utf8").catch(() => "");
  return {
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    distro: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? "unknown",
    frr: (await firstLine("/usr/lib/frr/zebra", ["--version"], /version/i)).replace(/^zebra version /i, ""),
    mininet: await firstLine("mn", ["--version"]),
    node: process.version,
  };
}

/** Load averages (1, 5, 15 min) and how many processes are runnable right now. */
export async function load(): Promise<{ avg: number[]; running: number }> {
  const text = await readFile("/proc/loadavg", "utf8").catch(() => "0 0 0 0/0 0");
  const [a, b, c, procs] = text.split(" ");
  return { avg: [Number(a), Number(b), Number(c)], running: Number(procs?.split("/")[0] ?? 0) };
}
