// A kubelet for the fake API server (k8s-fake-api.ts) that runs pods for real on this host,
// so the kubernetes runtime's own deploy (its exec, cables, addresses, FRR, readiness) runs
// against a real data plane. A pod is what a container runtime makes of it, minus the
// image: its own network namespace plugged into one of the machines (k8s-machines.ts),
// the sysctls of its spec, and its own mount namespace where /run/wirelab, /var/run/frr and
// /var/tmp are fresh (so each pod's FRR has its own sockets, pid files and logs, as in a
// container) and its ConfigMaps are mounted where the spec says. Commands run in it with
// nsenter; it runs the host's programs, so the image's name is not used.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { netnsPath } from "../../src/core/paths.js";
import type { Step } from "../../src/core/plan.js";
import { run, runOk } from "../../src/util/exec.js";
import { ipBatch } from "../../src/util/ip.js";
import { nsInode, pidsByNetns, terminate } from "../../src/util/procs.js";
import type { ExecAnswer, Kubelet, Obj } from "./k8s-fake-types.js";
import type { Machines } from "./k8s-machines.js";

/** Directories a pod gets fresh in its mount namespace (a container has its own). */
const PRIVATE_DIRS = ["/run/wirelab", "/var/run/frr", "/var/tmp"];

export class NamespaceKubelet implements Kubelet {
  private next = 20;
  /** The private mount for the namespace files, made once (pods start in parallel). */
  private mounted?: Promise<void>;

  /**
   * `dir` holds the pods' mount namespace files; `place` says which machine runs a pod.
   */
  constructor(
    private readonly machines: Machines,
    private readonly dir: string,
    private readonly place: (pod: string) => 0 | 1,
  ) {}

  private netns(pod: Obj): string {
    return `${this.machines.prefix}-${pod.metadata.name}`;
  }

  private mntFile(pod: Obj): string {
    return path.join(this.dir, `${pod.metadata.name}.mnt`);
  }

  /** The argv that runs `argv` in the pod: its network and mount namespaces. */
  private inside(pod: Obj, argv: readonly string[]): string[] {
    return [`--net=${netnsPath(this.netns(pod))}`, `--mount=${this.mntFile(pod)}`, "--", ...argv];
  }

  async start(pod: Obj, configMap: (name: string) => Obj | undefined): Promise<string> {
    // A mount namespace is kept by binding it on a file, which must sit on a private mount.
    this.mounted ??= mkdir(this.dir, { recursive: true }).then(async () => {
      await runOk("mount", ["--bind", "--make-private", this.dir, this.dir]);
    });
    await this.mounted;
    const name = pod.metadata.name as string;
    const machine = this.place(name);
    const ip = `10.244.${machine + 1}.${this.next++}`;
    const ns = this.netns(pod);
    await runOk("ip", ["netns", "add", ns]);
    for (const s of this.machines.plugSteps(ns, machine, ip, `p${name}`) as Extract<Step, { type: "ip" }>[]) {
      await ipBatch(s.lines, { ns: s.ns });
    }
    for (const { name: key, value } of pod.spec.securityContext?.sysctls ?? []) {
      await runOk("ip", ["netns", "exec", ns, "sysctl", "-qw", `${key}=${value}`]);
    }
    await runOk("touch", [this.mntFile(pod)]);
    await runOk("unshare", [`--mount=${this.mntFile(pod)}`, "--propagation", "private", "true"]);
    for (const d of PRIVATE_DIRS) {
      await runOk("nsenter", this.inside(pod, ["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", d]));
    }
    // The ConfigMap volumes, at their mount paths (subPath: one key as one file).
    const c = pod.spec.containers[0];
    for (const m of c.volumeMounts ?? []) {
      const vol = (pod.spec.volumes ?? []).find((v: Obj) => v.name === m.name);
      const data = configMap(vol?.configMap?.name)?.data ?? {};
      await runOk("nsenter", this.inside(pod, ["mkdir", "-p", path.dirname(m.mountPath)]));
      await runOk("nsenter", this.inside(pod, ["tee", m.mountPath]), { input: data[m.subPath] ?? "" });
    }
    return ip;
  }

  async exec(pod: Obj, argv: string[]): Promise<ExecAnswer> {
    return run("nsenter", this.inside(pod, argv), { timeoutMs: 30_000 });
  }

  /** Kills the pod's processes, then its namespaces go; nothing of it is left. */
  async stop(pod: Obj): Promise<void> {
    const ns = this.netns(pod);
    const ino = await nsInode(netnsPath(ns));
    if (ino !== undefined) {
      const pids = (await pidsByNetns(new Set([ino]))).get(ino) ?? [];
      await terminate(pids, 0);
    }
    await run("ip", ["netns", "del", ns]);
    await run("umount", [this.mntFile(pod)]);
    await rm(this.mntFile(pod), { force: true });
  }

  /** After every pod is stopped: the private mount holding their namespace files. */
  async close(): Promise<void> {
    if (this.mounted) await run("umount", [this.dir]);
    await rm(this.dir, { recursive: true, force: true });
  }
}
