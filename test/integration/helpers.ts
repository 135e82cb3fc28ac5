// Shared by the root integration tests: real labs, and a check that nothing is left behind.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { run } from "../../src/util/exec.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const EXAMPLES = path.join(ROOT, "examples");
export const isRoot = process.getuid?.() === 0;
export const skipUnlessRoot = isRoot ? false : "needs root (namespaces, FRR)";

/** Runs the built CLI (`bin/wirelab.js`) and collects its output. */
export function wirelab(args: string[], opts: { input?: string } = {}) {
  return run(process.execPath, [path.join(ROOT, "bin/wirelab.js"), ...args], { ...opts, timeoutMs: 180_000 });
}

/** `nsenter` into a node's namespace, as the tests' own window into the lab. */
export function inNode(lab: string, node: string, cmd: string[]) {
  return run("nsenter", [`--net=/run/netns/wl_${lab}_${node}`, "--", ...cmd]);
}

const FRR_DAEMONS = new Set(["zebra", "bgpd", "staticd", "ospfd", "ospf6d", "isisd", "watchfrr"]);

async function comm(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
}

async function processes(): Promise<{ pid: number; ppid: number; state: string; cmdline: string }[]> {
  const out = [];
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = await readFile(`/proc/${e}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = (await readFile(`/proc/${e}/cmdline`, "utf8")).split("\0").join(" ").trim();
      out.push({ pid: Number(e), state: rest[0] ?? "", ppid: Number(rest[1]), cmdline });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/**
 * Everything of lab `lab` still on the machine: namespaces, processes, run dirs, pid files,
 * and any veth in the host namespace (wirelab never makes one there) except `allowVeths`.
 */
export async function leftovers(lab: string, allowVeths: readonly string[] = []): Promise<string[]> {
  const prefix = `wl_${lab}_`;
  const found: string[] = [];
  const ns = await run("ip", ["netns", "list"]);
  for (const l of ns.stdout.split("\n")) if (l.startsWith(prefix)) found.push(`namespace ${l.split(" ")[0]}`);
  for (const d of await readdir("/var/run/frr").catch(() => [] as string[])) {
    if (d.startsWith(prefix)) found.push(`FRR run dir /var/run/frr/${d}`);
  }
  if (await readdir(`/run/wirelab/labs/${lab}`).catch(() => null)) found.push(`lab dir /run/wirelab/labs/${lab}`);
  for (const p of await processes()) {
    if (p.cmdline.includes(`-N ${prefix}`) && p.state !== "Z") found.push(`process ${p.pid}: ${p.cmdline}`);
    // Zombies of ours (we are their parent) are ours to reap. Ended FRR daemons are orphans
    // that PID 1 reaps (about every 2 s here): callers wait for that with waitNoLeftovers.
    if (p.state === "Z" && p.ppid === process.pid) found.push(`zombie ${p.pid} (child of the test)`);
    if (p.state === "Z" && FRR_DAEMONS.has(await comm(p.pid))) found.push(`zombie FRR daemon ${p.pid}`);
  }
  const mounts = await readFile("/proc/self/mountinfo", "utf8");
  if (mounts.includes(`/run/wirelab/labs/${lab}/`)) found.push("UTS bind mount still mounted");
  const veth = await run("ip", ["-j", "link", "show", "type", "veth"]);
  for (const l of JSON.parse(veth.stdout || "[]") as { ifname: string }[]) {
    if (!allowVeths.includes(l.ifname)) found.push(`host veth ${l.ifname}`);
  }
  return found;
}

/** Waits (polling real state) until the lab has left nothing behind, or returns what is left. */
export async function waitNoLeftovers(
  lab: string,
  timeoutMs = 5000,
  allowVeths: readonly string[] = [],
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await leftovers(lab, allowVeths);
    if (!left.length || Date.now() > deadline) return left;
    await delay(100);
  }
}

/** Sends one ping from a node; returns the TTL of the reply, or undefined when none came. */
export async function pingTtl(lab: string, node: string, address: string): Promise<number | undefined> {
  for (let i = 0; i < 5; i++) {
    const r = await inNode(lab, node, ["ping", "-c", "1", "-W", "1", address]);
    const ttl = /ttl=(\d+)/.exec(r.stdout)?.[1];
    if (r.code === 0 && ttl) return Number(ttl);
  }
  return undefined;
}

/** Processes whose command line names the lab's node directories (a bird of this lab), zombies aside. */
export async function birdProcesses(lab: string): Promise<string[]> {
  const r = await run("ps", ["-eo", "pid=,stat=,args="]);
  return r.stdout.split("\n").filter((l) => l.includes(`/labs/${lab}/nodes/`) && !/^\s*\d+\s+Z/.test(l));
}
