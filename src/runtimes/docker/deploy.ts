// The docker runtime inside the one deploy: a lab with container nodes gets the netns plan
// (built for every node) with its container nodes' namespace and daemon steps replaced by
// container steps. Cabling and addressing stay exactly as they are: each container's network
// namespace is attached under the node's namespace name first, so a veth end goes straight
// into a container as it goes into a namespace, and links between the two kinds are free.
//
// Phases for a lab with container nodes:
//   namespaces   netns nodes: `ip netns add` (unchanged)
//   containers   container nodes: create + start (Engine API), `ip netns attach`, namespace binds
//   hostnames    netns nodes (containers have their own hostname)
//   cables       every link, one `ip -batch` (unchanged)
//   ports        port-namespace nodes: wait for the inner namespace, move ports there
//   interfaces   every node, through its namespace name (unchanged)
//   routing      netns routers: as before; container routers: FRR through the exec API
import { mkdir, writeFile } from "node:fs/promises";
import { parseVtyshErrors } from "../../stacks/frr/check.js";
import { type BgpNeighbor, parseBgpNeighbors } from "../../stacks/frr/neighbors.js";
import type { Lab, NodeModel } from "../../core/model.js";
import { run } from "../../util/exec.js";
import { DeployError } from "../../core/lifecycle/deploy.js";
import { nodeExecArgv } from "../netns/exec.js";
import type { Phase, Plan, Step } from "../../core/plan.js";
import { confPath } from "../../core/plan.js";
import {
  containerName,
  frrDir,
  mgmtNetworkName,
  netnsPath,
  nodeDir,
  nsName,
  utsFile,
  vtyshConfigDir,
} from "../../core/paths.js";
import { hostCapPlan } from "./caps.js";
import { containerExec, docker, LABEL_LAB, requireDocker, statusCode } from "./client.js";
import {
  containerSpec,
  ensureMgmtNetwork,
  frrDaemonArgv,
  labContainers,
  movePortsToInnerNamespace,
  startNodeContainer,
} from "./containers.js";
import { frrOptions } from "../../stacks/frr/options.js";

export interface DockerPlanOptions {
  /** Print-only: no daemon or image checks. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Told once, e.g. that the host refuses --privileged and explicit capabilities are used. */
  onNote?: (message: string) => void;
}

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
export async function dockerPreflight(lab: Lab): Promise<void> {
  await requireDocker().catch((e: Error) => {
    throw new DeployError(e.message);
  });
  const nodes = lab.nodes.filter((n) => n.runtime.container);
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

/** The node a netns-plan group works on, found by the names and paths its steps use. */
export function groupOwner(lab: Lab, group: Step[]): string | undefined {
  for (const n of lab.nodes) {
    const ns = nsName(lab.name, n.name);
    const dirs = [nodeDir(lab.name, n.name), frrDir(ns), `${vtyshConfigDir(lab.name)}/${ns}`];
    const under = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}/`));
    const mine = group.some((s) => {
      switch (s.type) {
        case "ip":
          return s.ns === ns;
        case "mkdir":
        case "write":
          return under(s.path);
        case "exec":
          return s.argv.some(
            (a) => a === ns || a === `--net=${netnsPath(ns)}` || a === `--uts=${utsFile(lab.name, n.name)}` || under(a),
          );
        case "call":
          return false;
      }
      return false;
    });
    if (mine) return n.name;
  }
  return undefined;
}

function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(" ");
}

/** Config lines for an image's own vtysh, as typed after `configure terminal` (no FRR header). */
export function configLines(conf: string): string[] {
  return conf
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !/^\s*[!#]/.test(l))
    .filter((l) => !/^(frr defaults|log (file|syslog|stdout))\b/.test(l.trim()));
}

async function execOk(container: string, argv: string[], what: string, timeoutMs = 30_000): Promise<string> {
  const r = await containerExec(container, argv, { timeoutMs });
  if (r.code !== 0) {
    throw new DeployError(
      `${what}: ${quoteArgv(argv)} failed in ${container} (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
  return r.stdout;
}

/** vtysh output without its harmless complaint about a missing vtysh.conf. */
function vtyshErrors(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.trim() && !/Can't open configuration file .*vtysh\.conf/.test(l))
    .join("\n")
    .trim();
}

/** FRR started by wirelab inside a container: daemons booted empty, then `vtysh -f frr.conf`. */
async function startContainerFrr(lab: Lab, node: NodeModel, conf: string): Promise<void> {
  const name = containerName(lab.name, node.name);
  const file = confPath(lab.name, node.name);
  await writeFile(file, conf, { mode: 0o644 });
  // The socket directory and the node directory (frr.log) belong to the container's frr user.
  await execOk(
    name,
    ["install", "-d", "-o", "frr", "-g", "frr", "-m", "0755", "/var/run/frr", nodeDir(lab.name, node.name)],
    `node ${node.name}`,
  );
  for (const d of frrOptions(node)?.daemons ?? []) {
    await execOk(name, frrDaemonArgv(node, d), `node ${node.name}: starting ${d}`);
  }
  const r = await containerExec(name, ["vtysh", "-f", file], { timeoutMs: 60_000 });
  if (r.code !== 0) {
    const errors = parseVtyshErrors(r.stderr, conf);
    const detail = errors.length
      ? errors.map((e) => `frr.conf line ${e.line}: ${e.message}${e.text ? `: ${e.text}` : ""}`).join("; ")
      : vtyshErrors(r.stderr) || r.stdout.trim();
    throw new DeployError(`node ${node.name}: the container's vtysh refused the config: ${detail}`);
  }
}

/**
 * A routing stack started by the image's own init (OpenSwitch-style): wait until its vtysh
 * answers with every daemon the config needs, then type the config as the seed did.
 */
async function configureImageFrr(lab: Lab, node: NodeModel, conf: string, signal?: AbortSignal): Promise<void> {
  const name = containerName(lab.name, node.name);
  await writeFile(confPath(lab.name, node.name), conf, { mode: 0o644 });
  const need = frrOptions(node)?.daemons ?? ["zebra"];
  const deadline = Date.now() + 120_000;
  let last = "";
  for (;;) {
    const r = await containerExec(name, ["vtysh", "-c", "show daemons"], { timeoutMs: 10_000 });
    if (r.code === 0) {
      const up = r.stdout.split(/\s+/).filter(Boolean);
      if (need.every((d) => up.includes(d))) break;
      last = `daemons up: ${up.join(" ") || "none"}`;
    } else if (/Unknown command/.test(r.stdout + r.stderr)) {
      // Not FRR's vtysh (OpenSwitch): answering at all is the best sign there is.
      break;
    } else {
      last = vtyshErrors(r.stderr) || r.stdout.trim();
    }
    if (signal?.aborted) throw new DeployError("deploy interrupted");
    if (Date.now() > deadline) {
      throw new DeployError(`node ${node.name}: the image's routing stack did not answer vtysh within 120 s (${last})`);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  const lines = configLines(conf);
  const argv = ["vtysh", "-c", "configure terminal", ...lines.flatMap((l) => ["-c", l])];
  const r = await containerExec(name, argv, { timeoutMs: 60_000 });
  const out = `${r.stdout}\n${vtyshErrors(r.stderr)}`.trim();
  if (r.code !== 0 || /^% /m.test(out)) {
    throw new DeployError(
      `node ${node.name}: the image's vtysh refused the config: ${out.split("\n").slice(0, 6).join("; ")}`,
    );
  }
}

/**
 * Turns the netns plan into the plan for a lab with container nodes (see the top of this
 * file). `configs` are the rendered frr.conf texts of every frr node.
 */
export function dockerizePlan(
  lab: Lab,
  plan: Plan,
  configs: ReadonlyMap<string, string>,
  opts: DockerPlanOptions = {},
): Plan {
  const ctr = new Set(lab.nodes.filter((n) => n.runtime.container).map((n) => n.name));
  const isCtr = (name: string | undefined) => name !== undefined && ctr.has(name);
  const keepGroups = (phase: Phase): Step[][] => phase.groups.filter((g) => !isCtr(groupOwner(lab, g)));
  let notedCaps = false;
  let mgmt: Promise<void> | undefined;

  const containerGroups: Step[][] = lab.nodes
    .filter((n) => n.runtime.container)
    .map((n) => {
      const c = n.runtime.container as NonNullable<NodeModel["runtime"]["container"]>;
      const ns = nsName(lab.name, n.name);
      const dir = nodeDir(lab.name, n.name);
      return [
        {
          type: "call",
          describe: [
            `mkdir -p ${dir}${n.stack?.name === "frr" ? ` ${frrDir(ns)}` : ""}`,
            `# Engine API: create container ${containerName(lab.name, n.name)} from ${c.image} (network ${lab.management ? mgmtNetworkName(lab.name) : "none"}, hostname ${n.name}, labels wirelab.lab=${lab.name} wirelab.node=${n.name}${c.cmd ? `, command ${quoteArgv(c.cmd)}` : n.stack?.name === "frr" && c.init === "wirelab" ? ", a keep-alive command" : ""}), then start it`,
            `ip netns attach ${ns} <PID of ${containerName(lab.name, n.name)}>`,
            `mount --bind /proc/<PID>/ns/uts ${utsFile(lab.name, n.name)}   # and ns/mnt, ns/pid under ${dir}/`,
          ],
          run: async () => {
            if (!notedCaps) {
              notedCaps = true;
              const caps = await hostCapPlan();
              if (caps.note) opts.onNote?.(caps.note);
            }
            if (lab.management) {
              mgmt ??= ensureMgmtNetwork(lab);
              await mgmt;
            }
            await mkdir(dir, { recursive: true, mode: 0o755 });
            if (n.stack?.name === "frr") await mkdir(frrDir(ns), { recursive: true, mode: 0o755 });
            await startNodeContainer(lab, n);
          },
        },
      ];
    });

  const portGroups: Step[][] = lab.nodes
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

  const routingGroups: Step[][] = lab.nodes
    .filter((n) => n.runtime.container && n.stack?.name === "frr")
    .map((n) => {
      const conf = configs.get(n.name);
      if (conf === undefined) throw new Error(`internal: no FRR config rendered for ${n.name}`);
      const name = containerName(lab.name, n.name);
      const file = confPath(lab.name, n.name);
      if (n.runtime.container?.init === "image") {
        return [
          {
            type: "call",
            describe: [
              `# wait until the image's own routing stack answers: docker exec ${name} vtysh -c 'show daemons'`,
              `cat > ${file} <<'EOF'`,
              conf.trimEnd(),
              "EOF",
              `# exec API: ${name} vtysh -c 'configure terminal' -c LINE … (each line of ${file} without comments and FRR header)`,
            ],
            run: () => configureImageFrr(lab, n, conf, opts.signal),
          },
        ];
      }
      return [
        {
          type: "call",
          describe: [
            `cat > ${file} <<'EOF'`,
            conf.trimEnd(),
            "EOF",
            `# exec API, inside ${name}:`,
            `#   install -d -o frr -g frr -m 0755 /var/run/frr ${nodeDir(lab.name, n.name)}`,
            ...(frrOptions(n)?.daemons ?? []).map((d) => `#   ${quoteArgv(frrDaemonArgv(n, d))}`),
            `#   vtysh -f ${file}`,
          ],
          run: () => startContainerFrr(lab, n, conf),
        },
      ];
    });

  const phases: Phase[] = [];
  for (const phase of plan.phases) {
    switch (phase.name) {
      case "namespaces": {
        const groups = phase.groups
          .map((g) =>
            g
              .map((s): Step | undefined => {
                if (s.type !== "ip" || s.ns) return s;
                const lines = s.lines.filter(
                  (l) => !lab.nodes.some((n) => ctr.has(n.name) && l === `netns add ${nsName(lab.name, n.name)}`),
                );
                return lines.length ? { ...s, lines } : undefined;
              })
              .filter((s): s is Step => s !== undefined),
          )
          .filter((g) => g.length);
        phases.push({ ...phase, groups });
        phases.push({ name: "containers", label: "containers", groups: containerGroups });
        break;
      }
      case "hostnames":
        phases.push({ ...phase, groups: keepGroups(phase) });
        break;
      case "cables":
        phases.push(phase);
        phases.push({ name: "ports", label: "ports into inner namespaces", groups: portGroups });
        break;
      case "routing":
        phases.push({ ...phase, groups: [...keepGroups(phase), ...routingGroups] });
        break;
      default:
        phases.push(phase);
    }
  }
  const nodes = plan.nodes.map((s) => {
    const m = lab.nodes.find((n) => n.name === s.name);
    const c = m?.runtime.container;
    if (!m || !c) return s;
    const container: NonNullable<typeof s.container> = { name: containerName(lab.name, m.name), image: c.image };
    if (c.portNamespace) container.portNamespace = c.portNamespace;
    return { ...s, container };
  });
  return { ...plan, runtime: "docker", phases, nodes };
}

/** Checks a container spec can be built (capabilities readable) without creating anything. */
export async function dockerSpecCheck(lab: Lab): Promise<void> {
  for (const n of lab.nodes) if (n.runtime.container) await containerSpec(lab, n);
}

/**
 * A container router's BGP neighbors, asked of the image's own vtysh inside the container
 * (through its namespaces; no host FRR needed, no version mismatch).
 */
export async function containerBgpNeighbors(lab: string, node: NodeModel): Promise<BgpNeighbor[]> {
  const [cmd, ...args] = nodeExecArgv(lab, node, ["vtysh", "-c", "show bgp neighbors json"]);
  const r = await run(cmd as string, args, { timeoutMs: 10_000 });
  if (r.code !== 0)
    throw new Error(`${node.name}: vtysh failed (exit ${r.code}): ${vtyshErrors(r.stderr) || r.stdout.trim()}`);
  return parseBgpNeighbors(JSON.parse(r.stdout));
}
