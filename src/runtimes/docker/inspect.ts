// What inspect adds for container nodes: the container as Docker reports it (state, pid,
// management address) and the node's FRR daemons found among the container's own processes
// (the Engine API's `top`, host pids), not from pid files, whose pids are the container's.
import type { LabInspect } from "../../core/inspect.js";
import { mgmtNetworkName } from "../../core/paths.js";
import type { LabState } from "../../core/state.js";
import { docker, dockerAvailable } from "./client.js";

interface Proc {
  pid: number;
  cmd: string;
}

async function processes(id: string): Promise<Proc[]> {
  const top = (await docker().getContainer(id).top()) as { Titles?: string[]; Processes?: string[][] };
  const titles = top.Titles ?? [];
  const pidCol = titles.indexOf("PID");
  const cmdCol = titles.findIndex((t) => t === "CMD" || t === "COMMAND");
  return (top.Processes ?? []).map((p) => ({ pid: Number(p[pidCol]), cmd: p[cmdCol] ?? "" }));
}

/** The daemon a command line runs: the base name of its program (`/usr/lib/frr/bgpd -d …` → bgpd). */
export function programOf(cmd: string): string {
  const first = cmd.trim().split(/\s+/)[0] ?? "";
  return first.slice(first.lastIndexOf("/") + 1);
}

export async function inspectContainers(state: LabState, info: LabInspect): Promise<void> {
  const up = await dockerAvailable();
  await Promise.all(
    state.nodes.map(async (n) => {
      const c = n.container;
      const node = info.nodes.find((x) => x.name === n.name);
      if (!c || !node) return;
      node.container = { name: c.name, image: c.image, state: up ? "missing" : "unknown (no Docker daemon)" };
      if (c.portNamespace) node.container.portNamespace = c.portNamespace;
      if (!up) return;
      let ci: Awaited<ReturnType<ReturnType<ReturnType<typeof docker>["getContainer"]>["inspect"]>>;
      try {
        ci = await docker().getContainer(c.name).inspect();
      } catch {
        node.status = "missing";
        node.daemons = node.daemons.map((d) => ({ name: d.name, alive: false }));
        return;
      }
      node.container.id = ci.Id.slice(0, 12);
      node.container.state = ci.State?.Status ?? "unknown";
      if (ci.State?.Running) node.container.pid = ci.State.Pid;
      const net = ci.NetworkSettings?.Networks?.[mgmtNetworkName(state.name)];
      if (net?.IPAddress) node.container.mgmt = `${net.IPAddress}/${net.IPPrefixLen}`;
      if (!ci.State?.Running) {
        node.status = "missing";
        node.daemons = node.daemons.map((d) => ({ name: d.name, alive: false }));
        return;
      }
      const procs = await processes(ci.Id).catch(() => [] as Proc[]);
      node.daemons = n.daemons.map((d) => {
        const p = procs.find((x) => programOf(x.cmd) === d);
        return p ? { name: d, pid: p.pid, alive: true } : { name: d, alive: false };
      });
      if (node.status !== "missing") node.status = node.daemons.every((d) => d.alive) ? "running" : "degraded";
    }),
  );
}
