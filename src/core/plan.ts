// The netns runtime's plan: the exact host operations that build a lab, in phases.
// deploy executes it; `deploy --dry-run` prints it as the commands a person would type.

import { splitByDaemon } from "../stacks/frr/split.js";
import type { Lab, NodeModel, PortModel } from "./model.js";
import { FRR_BIN, frrDir, netnsPath, nodeDir, nodesDir, nsName, utsFile, vtyshConfigDir } from "./paths.js";
import type { NodeState } from "./state.js";
import { impairmentSteps } from "../links/impair.js";
import { isBatchSafe } from "../util/ip.js";
import { routerStartOrder } from "./start-order.js";
import { frrOptions } from "../stacks/frr/options.js";

export type Step =
  /** iproute2 commands run by one `ip [-n NS] -batch -` process. */
  | {
      type: "ip";
      ns?: string;
      lines: string[];
      /**
       * With `ns`: also make the node's UTS namespace, bound on this file (its hostname)...
       */
      uts?: string;
      /** ...and set these sysctls inside the node (kernel.hostname, forwarding): see ipBatch. */
      sysctl?: string[];
    }
  /** A program run with an argument array (never a shell). */
  | { type: "exec"; argv: string[] }
  /** `owner`: a system user (a stack's, e.g. frr) that must be able to write there. */
  | { type: "mkdir"; path: string; owner?: string }
  | { type: "write"; path: string; content: string; owner?: string }
  /**
   * Work done through an API rather than a program (the docker runtime: containers, the exec
   * API). `describe` is what `--dry-run` prints for it, one line each.
   */
  | { type: "call"; describe: string[]; run: () => Promise<void> };

export interface Phase {
  name: "namespaces" | "containers" | "hostnames" | "cables" | "ports" | "interfaces" | "routing";
  label: string;
  /** Groups run in parallel (bounded by CPU count); the steps of a group run in order. */
  groups: Step[][];
}

export interface Plan {
  lab: string;
  /** netns unless set (docker: a lab with container nodes, see runtime/docker/deploy.ts). */
  runtime?: "netns" | "docker";
  phases: Phase[];
  nodes: NodeState[];
}

/** Device name of the Linux bridge inside a bridge node's namespace. */
export function bridgeDevice(node: NodeModel): string {
  return node.ports.some((p) => p.ifname === "br0") ? "wlbr0" : "br0";
}

/**
 * Starts one FRR daemon inside the node. Daemons boot with an empty config; the node's
 * frr.conf is then pushed by vtysh, which gives each daemon only its own lines (a daemon
 * reading the whole file itself drops everything after a foreign block's `exit`).
 */
export function daemonArgv(lab: string, node: string, daemon: string, conf = "/dev/null"): string[] {
  const ns = nsName(lab, node);
  // -P 0: no TCP vty port; vtysh talks over the pathspace's unix sockets.
  // --limit-fds: FRR sizes its per-fd tables by the fd limit (20000 here): 1024 is plenty
  // for a lab router (one fd per BGP peer and a few more) and saves about 4 MB of RSS per
  // router (zebra 11.0 -> 8.4 MB, bgpd 11.7 -> 10.1 MB), constant whatever the host's limit.
  return [
    "nsenter",
    `--net=${netnsPath(ns)}`,
    `--uts=${utsFile(lab, node)}`,
    "--",
    `${FRR_BIN}/${daemon}`,
    "-d",
    "-N",
    ns,
    "-f",
    conf,
    "-P",
    "0",
    "--limit-fds",
    "1024",
  ];
}

/** A daemon's own config file, for nodes whose frr.conf splits by daemon (frr/split.ts). */
export function daemonConfPath(lab: string, node: string, daemon: string): string {
  return `${nodeDir(lab, node)}/${daemon}.conf`;
}

/** Pushes the node's frr.conf into its running daemons (errors come back per line). */
export function vtyshApplyArgv(lab: string, node: string, conf: string): string[] {
  return ["vtysh", "-N", nsName(lab, node), "--config_dir", vtyshConfigDir(lab), "-f", conf];
}

function isV6(cidr: string): boolean {
  return cidr.includes(":");
}

function addrLine(cidr: string, dev: string): string {
  // nodad: a lab address is usable at once, not after IPv6 duplicate detection (~1-2 s).
  return `addr add ${cidr} dev ${dev}${isV6(cidr) ? " nodad" : ""}`;
}

/** Kernel work inside one node's namespace, as ip-batch lines plus argv steps for odd values. */
function interfaceSteps(lab: string, node: NodeModel): Step[] {
  const ns = nsName(lab, node.name);
  const lines = ["link set dev lo up"];
  const extra: Step[] = [];
  for (const a of node.loopback) lines.push(addrLine(a, "lo"));
  const br = node.role === "bridge" ? bridgeDevice(node) : undefined;
  if (br) lines.push(`link add name ${br} type bridge`, `link set dev ${br} up`);
  for (const p of node.ports) {
    if (p.link === undefined) continue;
    if (p.name !== p.ifname) {
      // The user's name (e.g. Ethernet1/1) stays visible on the kernel interface.
      if (isBatchSafe(p.name)) lines.push(`link set dev ${p.ifname} alias ${p.name}`);
      else extra.push({ type: "exec", argv: ["ip", "-n", ns, "link", "set", "dev", p.ifname, "alias", p.name] });
    }
    if (p.mtu) lines.push(`link set dev ${p.ifname} mtu ${p.mtu}`);
    if (br) lines.push(`link set dev ${p.ifname} master ${br}`);
    for (const a of p.addresses) lines.push(addrLine(a, p.ifname));
    lines.push(`link set dev ${p.ifname} up`);
  }
  if (node.role === "host") {
    for (const r of (node.intents.static ?? [])) lines.push(`route add ${r.to} via ${r.via}`);
  }
  const settings: string[] = [];
  const hasV6 = node.ports.some((p) => p.addresses.some(isV6)) || node.loopback.some(isV6);
  if (node.forwarding || hasV6) {
    if (node.forwarding) settings.push("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    // Keep IPv6 addresses when a cable is cut and restored, as IPv4 ones are kept.
    settings.push("net.ipv6.conf.all.keep_addr_on_down=1");
  }
  // The node's whole kernel setup is one process: its own UTS namespace (the hostname; a
  // container has its own), the ip batch and the sysctls. One process per node, not three:
  // every spawn costs wirelab's main thread 1.5-3 ms (fork of a large process), which was
  // most of a topology-only build. The kernel takes any node name as hostname (hostname(1)
  // refuses `_`); it travels as an argument, never inside script text.
  const ip: Step = { type: "ip", ns, lines };
  if (!node.runtime.container) {
    ip.uts = utsFile(lab, node.name);
    settings.push(`kernel.hostname=${node.name}`);
  }
  if (settings.length) ip.sysctl = settings;
  return [ip, ...extra];
}

function vethLine(lab: string, a: PortModel, b: PortModel): string {
  // Both ends are created directly inside their namespaces: no create-in-host-then-move.
  return `link add name ${a.ifname} netns ${nsName(lab, a.node)} type veth peer name ${b.ifname} netns ${nsName(lab, b.node)}`;
}

export function confPath(lab: string, node: string): string {
  return `${nodeDir(lab, node)}/frr.conf`;
}

/**
 * Builds the plan for a validated lab. `frrConfigs` holds each frr node's rendered frr.conf
 * (rendered and checked beforehand, so a bad config stops deploy before anything exists).
 */
export function buildPlan(lab: Lab, frrConfigs: ReadonlyMap<string, string>): Plan {
  const name = lab.name;
  const nodes: NodeState[] = lab.nodes.map((n) => ({
    name: n.name,
    kind: n.kind,
    netns: nsName(name, n.name),
    daemons: n.stack?.name === "frr" ? (frrOptions(n)?.daemons ?? []) : [],
  }));

  const namespaces: Step[][] = [
    [{ type: "ip", lines: nodes.map((n) => `netns add ${n.netns}`) }],
    // One mount above all UTS bind mounts of the lab: destroy detaches them in one go.
    [
      { type: "mkdir", path: nodesDir(name) },
      { type: "exec", argv: ["mount", "--bind", "--make-private", nodesDir(name), nodesDir(name)] },
    ],
  ];

  // The node's directory and the file its UTS namespace is bound on; the namespace itself
  // is made with the node's interfaces (interfaceSteps), in the same process.
  const hostnames: Step[][] = lab.nodes.map((n) => [
    { type: "mkdir", path: nodeDir(name, n.name), owner: n.stack?.name === "frr" ? "frr" : undefined },
    { type: "write", path: utsFile(name, n.name), content: "" },
  ]);

  const portOf = (node: string, port: string): PortModel => {
    const p = lab.nodes.find((n) => n.name === node)?.ports.find((x) => x.name === port);
    if (!p) throw new Error(`internal: port ${node}:${port} missing from the model`);
    return p;
  };
  const cables: Step[][] = [];
  const vethLines = lab.links.map((l) => vethLine(name, portOf(l.a.node, l.a.port), portOf(l.b.node, l.b.port)));
  if (vethLines.length) cables.push([{ type: "ip", lines: vethLines }]);

  // Link impairments (tc) after the node's interfaces are up.
  const interfaces = lab.nodes.map((n) => [...interfaceSteps(name, n), ...impairmentSteps(lab, n)]);

  const routing: Step[][] = [];
  // Edge of the topology first, center last (start-order.ts).
  const byName = new Map(lab.nodes.map((n) => [n.name, n]));
  for (const n of routerStartOrder(lab).map((r) => byName.get(r) as NodeModel)) {
    if (n.stack?.name !== "frr") continue;
    const conf = confPath(name, n.name);
    const ns = nsName(name, n.name);
    const content = frrConfigs.get(n.name);
    if (content === undefined) throw new Error(`internal: no FRR config rendered for ${n.name}`);
    const daemons = frrOptions(n)?.daemons ?? [];
    const prepare: Step[] = [
      { type: "mkdir", path: frrDir(ns), owner: "frr" },
      { type: "mkdir", path: `${vtyshConfigDir(name)}/${ns}` },
      { type: "write", path: `${vtyshConfigDir(name)}/${ns}/vtysh.conf`, content: "" },
      { type: "write", path: conf, content, owner: "frr" },
    ];
    // Intent-only configs: each daemon reads its own part at start, no vtysh process.
    // Raw configs: daemons boot empty and vtysh -f hands each one its lines.
    const parts = n.stack?.config === undefined ? splitByDaemon(content, daemons) : undefined;
    if (parts) {
      routing.push([
        ...prepare,
        ...daemons.map(
          (d): Step => ({
            type: "write",
            path: daemonConfPath(name, n.name, d),
            content: parts.get(d) ?? "",
            owner: "frr",
          }),
        ),
        // zebra first: the other daemons register with it.
        ...daemons.map(
          (d): Step => ({ type: "exec", argv: daemonArgv(name, n.name, d, daemonConfPath(name, n.name, d)) }),
        ),
      ]);
      continue;
    }
    routing.push([
      ...prepare,
      // zebra first: the other daemons register with it.
      ...daemons.map((d): Step => ({ type: "exec", argv: daemonArgv(name, n.name, d) })),
      { type: "exec", argv: vtyshApplyArgv(name, n.name, conf) },
    ]);
  }

  return {
    lab: name,
    nodes,
    phases: [
      { name: "namespaces", label: "namespaces", groups: namespaces },
      { name: "hostnames", label: "node directories", groups: hostnames },
      { name: "cables", label: "cables (veth pairs)", groups: cables },
      { name: "interfaces", label: "interfaces, addresses, hostnames", groups: interfaces },
      { name: "routing", label: "FRR daemons", groups: routing },
    ],
  };
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** The plan as the shell commands a person would type, phase by phase. */
export function renderPlan(plan: Plan): string {
  const out: string[] = [`# wirelab plan for lab '${plan.lab}' (${plan.runtime ?? "netns"} runtime)`];
  for (const phase of plan.phases) {
    if (!phase.groups.length) continue;
    out.push("", `# --- ${phase.label} ---`);
    for (const group of phase.groups) {
      for (const s of group) {
        switch (s.type) {
          case "ip":
            for (const l of s.lines) out.push(`ip ${s.ns ? `-n ${s.ns} ` : ""}${l}`);
            if (s.ns && s.sysctl) {
              const uts = s.uts ? ["unshare", `--uts=${s.uts}`] : [];
              out.push(
                [...uts, "nsenter", `--net=${netnsPath(s.ns)}`, "sysctl", "-qw", ...s.sysctl].map(shellQuote).join(" "),
              );
            }
            break;
          case "exec":
            out.push(s.argv.map(shellQuote).join(" "));
            break;
          case "mkdir":
            out.push(`mkdir -p ${shellQuote(s.path)}${s.owner ? ` && chown ${s.owner}:${s.owner} ${shellQuote(s.path)}` : ""}`);
            break;
          case "write":
            if (s.content === "") out.push(`touch ${shellQuote(s.path)}`);
            else out.push(`cat > ${shellQuote(s.path)} <<'EOF'`, s.content.trimEnd(), "EOF");
            break;
          case "call":
            out.push(...s.describe);
            break;
        }
      }
    }
  }
  return `${out.join("\n")}\n`;
}
