// The docker runtime's part of a plan: checks before anything is built, containers (create,
// start, attach their namespaces) and the port moves into an image's inner namespace.
import path from "node:path";
import { DeployError } from "../../core/executor.js";
import type { Lab, NodeModel } from "../../core/model.js";
import {
  containerName,
  frrDir,
  mgmtNetworkName,
  netnsPath,
  nodeDir,
  nodeLogDir,
  nsName,
  RUN_ROOT,
  utsFile,
} from "../../core/paths.js";
import { quoteArgv, type Step } from "../../core/plan.js";
import { ensureDirChain, mkdirFresh, mkdirOwn } from "../../util/safe-fs.js";
import type { PlanContext } from "../runtime.js";
import { hostCapPlan } from "./caps.js";
import { docker, LABEL_LAB, requireDocker, statusCode } from "./client.js";
import { ensureMgmtNetwork, labContainers, movePortsToInnerNamespace, startNodeContainer } from "./containers.js";

/** Pulls a missing image when a registry is reachable; explains what to do when not. */
async function ensureImage(image: string, nodes: string[]): Promise<void> {
  const d = docker();
  try {
    await d.getImage(image).inspect();
    return;
  } catch (e) {
    if (statusCode(e) !== 404) throw e;
  }
  try {
    const stream = await d.pull(image);
    await new Promise<void>((resolve, reject) => {
      d.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = out?.find((o) => o.error);
        if (err || failed) reject(err ?? new Error(failed?.error));
        else resolve();
      });
    });
  } catch (e) {
    throw new DeployError(
      `image ${image} (nodes ${nodes.join(", ")}) is not on this machine and pulling it failed: ${(e as Error).message.trim()}. Load or build it first (scripts/docker-setup.sh builds the wirelab-test/* images from Debian packages)`,
    );
  }
}

/** Checks made before anything is created: the daemon, images, and names nobody else holds. */
export async function dockerPreflight(lab: Lab, nodes: NodeModel[]): Promise<void> {
  await requireDocker().catch((e: Error) => {
    throw new DeployError(e.message);
  });
  const byImage = new Map<string, string[]>();
  for (const n of nodes) {
    const img = n.runtime.container?.image as string;
    byImage.set(img, [...(byImage.get(img) ?? []), n.name]);
  }
  for (const [image, names] of byImage) await ensureImage(image, names);

  // Leftovers of this lab (a crash that also lost the state file) or someone else's names.
  const ours = await labContainers(lab.name);
  if (ours.length) {
    throw new DeployError(
      `lab '${lab.name}' still has ${ours.length} container(s) from an earlier run (${ours.map((c) => c.Names[0]?.replace(/^\//, "")).join(", ")}); run 'wirelab destroy --lab ${lab.name}' first`,
    );
  }
  for (const n of nodes) {
    const name = containerName(lab.name, n.name);
    try {
      const info = await docker().getContainer(name).inspect();
      throw new DeployError(
        `node ${n.name}: a container named ${name} already exists (${info.Config?.Image}) and is not this lab's`,
      );
    } catch (e) {
      if (e instanceof DeployError) throw e;
      if (statusCode(e) !== 404) throw e;
    }
  }
  if (lab.management) {
    try {
      const info = await docker().getNetwork(mgmtNetworkName(lab.name)).inspect();
      if (info.Labels?.[LABEL_LAB] !== lab.name) {
        throw new DeployError(`a Docker network named ${mgmtNetworkName(lab.name)} exists and is not this lab's`);
      }
    } catch (e) {
      if (e instanceof DeployError) throw e;
      if (statusCode(e) !== 404) throw e;
    }
  }
}

/** Lab-wide once per deploy: the capability note and the management network. */
interface Shared {
  notedCaps: boolean;
  mgmt?: Promise<void>;
}
const shared = new WeakMap<Lab, Shared>();

export function containerGroups(lab: Lab, nodes: NodeModel[], opts: PlanContext): Step[][] {
  const once: Shared = shared.get(lab) ?? { notedCaps: false };
  shared.set(lab, once);
  return nodes
    .filter((n) => n.runtime.container)
    .map((n) => {
      const c = n.runtime.container as NonNullable<NodeModel["runtime"]["container"]>;
      const ns = nsName(lab.name, n.name);
      const dir = nodeDir(lab.name, n.name);
      return [
        {
          type: "call",
          describe: [
            `mkdir -p -m 0711 ${dir} && mkdir -m 0755 ${nodeLogDir(lab.name, n.name)}${n.stack?.name === "frr" ? ` ${frrDir(ns)}` : ""}`,
            `# Engine API: create container ${containerName(lab.name, n.name)} from ${c.image} (network ${lab.management ? mgmtNetworkName(lab.name) : "none"}, hostname ${n.name}, labels wirelab.lab=${lab.name} wirelab.node=${n.name}, node directory read-only and its log directory read-write${c.privileged ? ", PRIVILEGED" : ""}${c.cmd ? `, command ${quoteArgv(c.cmd)}` : n.stack && c.init === "wirelab" ? ", a keep-alive command" : ""}), then start it`,
            `ip netns attach ${ns} <PID of ${containerName(lab.name, n.name)}>`,
            `mount --bind /proc/<PID>/ns/uts ${utsFile(lab.name, n.name)}   # and ns/mnt, ns/pid under ${dir}/`,
          ],
          run: async () => {
            if (c.privileged) {
              // An explicit opt-in, said out loud: such a node can take over the host.
              opts.onNote?.(
                `node ${n.name} runs privileged (privileged: true): it has every capability and can take over this host`,
              );
              if (!once.notedCaps) {
                once.notedCaps = true;
                const caps = await hostCapPlan();
                if (caps.note) opts.onNote?.(caps.note);
              }
            }
            if (lab.management) {
              once.mgmt ??= ensureMgmtNetwork(lab);
              await once.mgmt;
            }
            // Root's, as for a namespace node: the container gets the node directory
            // read-only and only its log directory read-write (containers.ts). Its files
            // are root's 0600; the image's own users (whose ids mean nothing here) may
            // only pass through to the log directory.
            await ensureDirChain(RUN_ROOT, path.relative(RUN_ROOT, dir).split(path.sep), 0o711);
            await mkdirOwn(nodeLogDir(lab.name, n.name), 0o755);
            // FRR's socket directory, shared with the container (containers.ts binds it);
            // made fresh in /var/run/frr, which the frr user controls.
            if (n.stack?.name === "frr") await mkdirFresh(frrDir(ns), 0o755, { uid: 0, gid: 0 });
            await startNodeContainer(lab, n);
          },
        },
      ];
    });
}

export function portGroups(lab: Lab, nodes: NodeModel[], opts: PlanContext): Step[][] {
  return nodes
    .filter((n) => n.runtime.container?.portNamespace)
    .map((n) => {
      const pns = n.runtime.container?.portNamespace as string;
      const name = containerName(lab.name, n.name);
      const ports = n.ports.filter((p) => p.link !== undefined);
      return [
        {
          type: "call",
          describe: [
            `# wait until namespace ${pns} exists inside ${name}, then, inside it (exec API):`,
            ...ports.map((p) => `#   ip link set ${p.ifname} netns ${pns}`),
            `ip netns del ${nsName(lab.name, n.name)} && mount --bind /proc/<PID>/root/run/netns/${pns} ${netnsPath(nsName(lab.name, n.name))}`,
          ],
          run: () => movePortsToInnerNamespace(lab, n, { signal: opts.signal }),
        },
      ];
    });
}
