// Container nodes: create and start one container per node with no Docker networking on the
// data plane, then make its namespaces reachable by the lab's names, so that cabling,
// addressing, inspect and exec work for container and namespace nodes alike:
//   - `ip netns attach wl_<lab>_<node> PID`: the container's network namespace under the
//     node's namespace name (veth ends are created straight into it, as for netns nodes);
//   - its UTS, mount and PID namespaces bind-mounted under the node's run directory, so
//     `nsenter --net=… --uts=… --mount=… --pid=…` runs a command inside the container (exec,
//     cli, save) without a pid that could be reused.
import { readFile } from "node:fs/promises";
import type Dockerode from "dockerode";
import type { Lab, NodeModel } from "../../core/model.js";
import {
  containerName,
  frrDir,
  mgmtNetworkName,
  mntNsFile,
  netnsPath,
  nodeDir,
  nodeLogDir,
  nsName,
  pidNsFile,
  utsFile,
} from "../../core/paths.js";
import { runOk } from "../../util/exec.js";
import { writeFileNoFollow } from "../../util/safe-fs.js";
import { type CapPlan, hostCapPlan, NO_MOUNT_SECCOMP, needsMounts, nodeCapabilities } from "./caps.js";
import { containerExec, docker, LABEL_KIND, LABEL_LAB, LABEL_NODE, statusCode } from "./client.js";

/** Keeps a router container alive while wirelab runs FRR in it; a constant, no user input. */
export const KEEPALIVE = ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

/** Capabilities Docker itself does not know (older engines): dropped from the list when refused. */
const unknownCaps = new Set<string>();

export function labels(lab: string, node: NodeModel): Record<string, string> {
  return { [LABEL_LAB]: lab, [LABEL_NODE]: node.name, [LABEL_KIND]: node.kind };
}

async function apparmorEnabled(): Promise<boolean> {
  const v = await readFile("/sys/module/apparmor/parameters/enabled", "utf8").catch(() => "N");
  return v.trim() === "Y";
}

/** What containerSpec reads from the host (given by tests): its capability plan, whether AppArmor is on. */
export interface SpecHost {
  caps: CapPlan;
  apparmor: boolean;
}

/**
 * The container's create options: no data-plane networking, labels, capabilities, binds.
 * A node is confined (see caps.ts): its kind's capabilities only, Docker's masked and
 * read-only paths (/proc/sys among them: the host sets a node's sysctls from outside, with
 * `nsenter --net` into its namespace, see netns/ip.ts), AppArmor's default profile, no new
 * privileges through setuid files. Only `privileged: true` removes all of that.
 */
export async function containerSpec(
  lab: Lab,
  node: NodeModel,
  hostInfo?: SpecHost,
): Promise<Dockerode.ContainerCreateOptions> {
  const c = node.runtime.container;
  if (!c) throw new Error(`internal: ${node.name} is not a container node`);
  const caps = hostInfo?.caps ?? (await hostCapPlan());
  const apparmor = hostInfo?.apparmor ?? (await apparmorEnabled());
  // The node directory (its configs) read-only; only its log directory read-write.
  const dir = nodeDir(lab.name, node.name);
  const logs = nodeLogDir(lab.name, node.name);
  const binds = [`${dir}:${dir}:ro`, `${logs}:${logs}`];
  // FRR's socket directory is shared with the host's pathspace directory, so the host's
  // `vtysh -N wl_<lab>_<node>` reaches the container's daemons as it does a netns node's.
  if (node.stack?.name === "frr") binds.push(`${frrDir(nsName(lab.name, node.name))}:/var/run/frr`);
  const host: Dockerode.HostConfig = {
    NetworkMode: lab.management ? mgmtNetworkName(lab.name) : "none",
    Binds: binds,
    // tini as PID 1 reaps FRR's daemonized processes; an image's own init must be PID 1.
    Init: c.init === "wirelab" ? true : undefined,
  };
  if (c.privileged) {
    // Asked for in the topology: root on the host, as the seed's --privileged containers were.
    if (caps.privileged) {
      host.Privileged = true;
    } else {
      host.CapAdd = caps.capAdd.filter((x) => !unknownCaps.has(x));
      host.ReadonlyPaths = [];
      host.MaskedPaths = [];
      if (apparmor) host.SecurityOpt = ["apparmor=unconfined"];
    }
  } else {
    const want = nodeCapabilities(node);
    const lacking = want.filter((x) => !caps.have.includes(x));
    if (lacking.length) {
      throw new Error(
        `node ${node.name}: this host's capability bounding set lacks ${lacking.map((x) => `CAP_${x}`).join(", ")}, which the node's container needs`,
      );
    }
    host.CapDrop = ["ALL"];
    host.CapAdd = want;
    host.SecurityOpt = ["no-new-privileges:true"];
    // AppArmor's docker-default profile denies mount; without it, seccomp must (caps.ts).
    if (!apparmor && want.includes("SYS_ADMIN") && !needsMounts(node)) {
      host.SecurityOpt.push(`seccomp=${NO_MOUNT_SECCOMP}`);
    }
  }
  const spec: Dockerode.ContainerCreateOptions = {
    name: containerName(lab.name, node.name),
    Image: c.image,
    Hostname: node.name,
    Labels: labels(lab.name, node),
    HostConfig: host,
  };
  if (c.cmd) {
    spec.Entrypoint = c.cmd;
    spec.Cmd = [];
  } else if (node.stack?.name === "frr" && c.init === "wirelab") {
    spec.Entrypoint = KEEPALIVE;
    spec.Cmd = [];
  }
  return spec;
}

/** Creates the lab's management network (labelled) unless it exists. */
export async function ensureMgmtNetwork(lab: Lab): Promise<void> {
  if (!lab.management) return;
  const name = mgmtNetworkName(lab.name);
  try {
    const info = await docker().getNetwork(name).inspect();
    if (info.Labels?.[LABEL_LAB] !== lab.name)
      throw new Error(`a Docker network named ${name} exists and is not this lab's`);
    return;
  } catch (e) {
    if (statusCode(e) !== 404) throw e;
  }
  await docker().createNetwork({
    Name: name,
    Driver: "bridge",
    Labels: { [LABEL_LAB]: lab.name },
    IPAM: lab.management.subnet ? { Driver: "default", Config: [{ Subnet: lab.management.subnet }] } : undefined,
  });
}

async function createWithCaps(spec: Dockerode.ContainerCreateOptions): Promise<Dockerode.Container> {
  for (let i = 0; ; i++) {
    try {
      return await docker().createContainer(spec);
    } catch (e) {
      // Docker 20.10 refuses capabilities newer than itself (PERFMON, BPF, CHECKPOINT_RESTORE).
      const m = /unknown capability: "?(?:CAP_)?([A-Z_]+)"?/.exec((e as Error).message);
      const list = spec.HostConfig?.CapAdd;
      if (!m?.[1] || !list || i > 10) throw e;
      unknownCaps.add(m[1]);
      spec.HostConfig = { ...spec.HostConfig, CapAdd: list.filter((x: string) => x !== m[1]) };
    }
  }
}

async function bindNs(source: string, target: string): Promise<void> {
  await writeFileNoFollow(target, "", { mode: 0o600, uid: 0, exclusive: true });
  await runOk("mount", ["--bind", source, target]);
}

/**
 * Creates and starts a node's container, attaches its network namespace as the node's
 * namespace, and binds its other namespaces for exec. Returns the container's PID 1 (host pid).
 */
export async function startNodeContainer(lab: Lab, node: NodeModel): Promise<number> {
  const spec = await containerSpec(lab, node);
  const container = await createWithCaps(spec);
  await container.start();
  const info = await container.inspect();
  const pid = info.State?.Pid;
  if (!info.State?.Running || !pid) {
    const logs = await containerLogs(container);
    throw new Error(
      `container ${spec.name} (${node.runtime.container?.image}) exited right after start (exit ${info.State?.ExitCode})${logs ? `: ${logs}` : ""}; its command must keep running (give the node a cmd:)`,
    );
  }
  const ns = nsName(lab.name, node.name);
  await runOk("ip", ["netns", "attach", ns, String(pid)]);
  await bindNs(`/proc/${pid}/ns/uts`, utsFile(lab.name, node.name));
  await bindNs(`/proc/${pid}/ns/mnt`, mntNsFile(lab.name, node.name));
  await bindNs(`/proc/${pid}/ns/pid`, pidNsFile(lab.name, node.name));
  return pid;
}

async function containerLogs(container: Dockerode.Container): Promise<string> {
  try {
    const buf = (await container.logs({ stdout: true, stderr: true, tail: 5 })) as unknown as Buffer;
    // Non-TTY logs are multiplexed: drop the 8-byte frame headers.
    let out = "";
    let b = Buffer.from(buf);
    while (b.length >= 8) {
      const len = b.readUInt32BE(4);
      out += b.subarray(8, 8 + len).toString("utf8");
      b = b.subarray(8 + len);
    }
    return out.trim().split("\n").slice(-3).join(" | ");
  } catch {
    return "";
  }
}

/** The host pid of a running container's PID 1, or undefined. */
export async function containerPid(name: string): Promise<number | undefined> {
  try {
    const info = await docker().getContainer(name).inspect();
    return info.State?.Running ? info.State.Pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the inner namespace `name` is mounted inside the container (e.g. /run/netns/swns),
 * from its PID 1's mountinfo; undefined while it does not exist yet.
 */
export async function innerNamespaceMount(pid: number, name: string): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/mountinfo`, "utf8");
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    const mountPoint = (f[4] ?? "").replace(/\\040/g, " ");
    const sep = f.indexOf("-");
    const fstype = sep > 0 ? f[sep + 1] : undefined;
    if (fstype === "nsfs" && /^(\/var)?\/run\/netns\/[^/]+$/.test(mountPoint) && mountPoint.endsWith(`/${name}`)) {
      return mountPoint;
    }
  }
  return undefined;
}

/**
 * The seed's plumbing for an image with a port namespace: wait until the namespace exists
 * inside the container, move each cabled port into it there (`ip link set PORT netns swns`,
 * through the exec API), then point the node's namespace name at the inner namespace, where
 * the ports now are (addresses, inspect and exec then work there).
 */
export async function movePortsToInnerNamespace(
  lab: Lab,
  node: NodeModel,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const pns = node.runtime.container?.portNamespace;
  if (!pns) return;
  const name = containerName(lab.name, node.name);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let mountPoint: string | undefined;
  let pid: number | undefined;
  for (;;) {
    pid = await containerPid(name);
    if (!pid) throw new Error(`container ${name} stopped while wirelab waited for its namespace '${pns}'`);
    mountPoint = await innerNamespaceMount(pid, pns);
    if (mountPoint) break;
    if (opts.signal?.aborted) throw new Error("deploy interrupted");
    if (Date.now() > deadline) {
      throw new Error(
        `node ${node.name}: the namespace '${pns}' did not appear inside container ${name} within ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s (port-namespace: ${pns}; does the image create it?)`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const lines = node.ports.filter((p) => p.link !== undefined).map((p) => `link set dev ${p.ifname} netns ${pns}`);
  if (lines.length) {
    const r = await containerExec(name, ["ip", "-batch", "-"], { input: `${lines.join("\n")}\n`, timeoutMs: 30_000 });
    if (r.code !== 0) {
      throw new Error(`node ${node.name}: moving its ports into '${pns}' failed: ${(r.stderr || r.stdout).trim()}`);
    }
  }
  // The node's namespace name now means the inner namespace (a bind mount of its nsfs file).
  const ns = nsName(lab.name, node.name);
  await runOk("ip", ["netns", "del", ns]);
  await bindNs(`/proc/${pid}/root${mountPoint}`, netnsPath(ns));
}

/** The container's FRR daemons started by wirelab: booted empty, as in the netns runtime. */
export function frrDaemonArgv(node: NodeModel, daemon: string): string[] {
  const pns = node.runtime.container?.portNamespace;
  return [...(pns ? ["ip", "netns", "exec", pns] : []), `/usr/lib/frr/${daemon}`, "-d", "-f", "/dev/null", "-P", "0"];
}

/** Every container and network of the lab, found by label (never by name alone). */
export async function labContainers(lab: string): Promise<Dockerode.ContainerInfo[]> {
  return docker().listContainers({ all: true, filters: { label: [`${LABEL_LAB}=${lab}`] } });
}

export async function labNetworks(lab: string): Promise<Dockerode.NetworkInspectInfo[]> {
  return docker().listNetworks({ filters: { label: [`${LABEL_LAB}=${lab}`] } });
}
