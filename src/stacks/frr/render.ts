// Renders a node's complete frr.conf from the lab model: a header, the node's intent (BGP,
// static routes, port descriptions) and then its raw `config:` text, as the user wrote it
// apart from two documented lab-friendly changes (see prepareRawConfig).
//
// Layout choices, checked against FRR 8.4:
// - No `exit` after top-level blocks. When a daemon reads a unified file itself (`-f
//   frr.conf`), a block it does not know (zebra: `router bgp`; staticd: `interface`) leaves it
//   at the top level, and the block's `exit` then takes it out of configuration mode: every
//   later line is lost for that daemon (seen: staticd dropped all `ip route` lines after an
//   `interface … exit` block). Without `exit`, FRR falls back to the parent node for
//   unindented lines, in the daemons and in vtysh alike.
// - No `service integrated-vtysh-config`: it is a vtysh.conf setting; daemons reject it
//   ("No such command") and wirelab writes frr.conf itself, never `write memory`.
// - Interface addresses are not configured here: the runtime sets them with iproute2.
import { isIP } from "node:net";
import type { NodeModel, PortModel } from "../../core/model.js";
import type { BgpModel } from "../../intents/bgp/model.js";
import { frrOptions } from "./options.js";

export interface RenderOptions {
  /**
   * Log file for the node's daemons (`log file PATH informational`). Its directory must be
   * writable by the `frr` user: FRR opens it after dropping root (a root-owned directory
   * makes vtysh fail with `Failure to communicate[13] to zebra`). Without it: syslog.
   */
  logFile?: string;
}

/** Where a line of the rendered frr.conf came from. */
export type LineOrigin =
  | { kind: "header" }
  | { kind: "comment" }
  | { kind: "intent" }
  /** A line of the node's raw `config:` text; `line` is 1-based within that text. */
  | { kind: "config"; line: number }
  /** A line wirelab added inside the raw config, right after config line `after`. */
  | { kind: "added"; after: number };

export interface RenderedConfig {
  text: string;
  /** origins[i] describes line i+1 of `text`. */
  origins: LineOrigin[];
  /** Things worth telling the user (e.g. a daemon the config needs is not started). */
  warnings: string[];
}

interface Line {
  text: string;
  origin: LineOrigin;
}

/** Default FRR daemons order: zebra first (the others register with it). */
const DAEMON_ORDER = ["zebra", "staticd", "bgpd", "ospfd", "ospf6d", "ripd", "isisd", "bfdd"] as const;

/** Folds free text (descriptions) onto one config line. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function isV6Prefix(prefix: string): boolean {
  return isIP(prefix.split("/")[0] ?? "") === 6;
}

/** Kernel name of a port given by the user's name (or already a kernel name); else unchanged. */
function kernelName(node: NodeModel, name: string): string {
  const byName = node.ports.find((p) => p.name === name);
  return byName ? byName.ifname : name;
}

/** The port whose user name is `name` and whose kernel name differs, if any. */
function renamedPort(node: NodeModel, name: string): PortModel | undefined {
  return node.ports.find((p) => p.name === name && p.ifname !== p.name);
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const ROUTER_BGP = /^(\s*)router\s+bgp(\s|$)/;
const INTERFACE = /^(\s*interface\s+)(\S+)(.*)$/;

function isComment(line: string): boolean {
  return /^\s*[!#]/.test(line);
}

export interface PreparedRaw {
  lines: Line[];
  /** One sentence per kind of change made, for the comment above the raw text. */
  changes: string[];
}

/**
 * The node's raw config with wirelab's two lab-friendly changes:
 * (a) ` no bgp ebgp-requires-policy` is inserted right after each `router bgp …` line (any
 *     indentation, also `router bgp N vrf X`), unless the text already mentions
 *     `ebgp-requires-policy` or node.frr.ebgpRequiresPolicy is true: FRR 8 otherwise brings
 *     eBGP sessions up but exchanges no prefix (`(Policy)`).
 * (b) `interface NAME` lines naming a port by its user name, when its kernel name differs,
 *     are rewritten to the kernel name (the name FRR sees).
 * Everything else is kept as written, including `hostname` (a different one only changes
 * the prompt and is reported as a warning).
 */
export function prepareRawConfig(node: NodeModel): PreparedRaw {
  const raw = splitLines(node.stack?.config ?? "");
  const mentionsPolicy = raw.some((l) => !isComment(l) && l.includes("ebgp-requires-policy"));
  const inject = !(frrOptions(node)?.ebgpRequiresPolicy ?? false) && !mentionsPolicy;
  const lines: Line[] = [];
  const injectedAt: number[] = [];
  const renamed: string[] = [];
  raw.forEach((text, i) => {
    const n = i + 1;
    let out = text;
    const m = INTERFACE.exec(text);
    const port = m?.[2] !== undefined ? renamedPort(node, m[2]) : undefined;
    if (m && port) {
      out = `${m[1]}${port.ifname}${m[3]}`;
      renamed.push(`'${port.name}' as '${port.ifname}' (line ${n})`);
    }
    lines.push({ text: out, origin: { kind: "config", line: n } });
    const rb = ROUTER_BGP.exec(text);
    if (inject && rb) {
      lines.push({ text: `${rb[1]} no bgp ebgp-requires-policy`, origin: { kind: "added", after: n } });
      injectedAt.push(n);
    }
  });
  const changes: string[] = [];
  if (injectedAt.length) {
    changes.push(
      `added "no bgp ebgp-requires-policy" after "router bgp" (config line ${injectedAt.join(", ")}): FRR 8 exchanges no eBGP prefix without a policy; set frr.ebgp-requires-policy: true to keep FRR's rule`,
    );
  }
  if (renamed.length) changes.push(`interface names rewritten to kernel names: ${renamed.join(", ")}`);
  return { lines, changes };
}

/**
 * Lab timers (frr.lab-timers, on unless set to false), rendered under `router bgp` of intent
 * configs. A lab's routers all start within seconds of each other, unlike a network's:
 * - coalesce-time: FRR holds a new peer's first UPDATE for 1 s (plus 50 ms per peer) to
 *   batch peers that come up together; measured here, a session's routes then arrive
 *   1.1 s after Established instead of 0.05 s. 100 ms still batches the peers a router
 *   starts with.
 * - timers connect: after a refused connection (the peer's bgpd not started yet) FRR
 *   retries after 10 s (datacenter profile; 120 s traditional); 1 s here. A router that
 *   starts after its peers is then reached by their retry within about 0.7 s, before its
 *   own 1 s start timer would have it connect (measured: 0.7 s with 1, 1.1 s with 2 or 10).
 * Hold and keepalive (9 s / 3 s) and advertisement-interval 0 come from `frr defaults
 * datacenter`. FRR's 1 s start timer (Idle -> Connect) cannot be configured.
 */
export const LAB_TIMERS = {
  coalesceMs: 100,
  connectRetryS: 1,
} as const;

function renderBgp(node: NodeModel, bgp: BgpModel): Line[] {
  const out: string[] = [];
  const v4Nets = bgp.networks.filter((p) => !isV6Prefix(p));
  const v6Nets = bgp.networks.filter((p) => isV6Prefix(p));
  const v6Peers = bgp.neighbors.filter((n) => isIP(n.address) === 6);

  out.push(`router bgp ${bgp.asn}`);
  if (bgp.routerId) out.push(` bgp router-id ${bgp.routerId}`);
  if (!(frrOptions(node)?.ebgpRequiresPolicy ?? false)) out.push(" no bgp ebgp-requires-policy");
  const labTimers = frrOptions(node)?.labTimers !== false;
  if (labTimers) out.push(` coalesce-time ${LAB_TIMERS.coalesceMs}`);
  for (const nb of bgp.neighbors) {
    out.push(` neighbor ${nb.address} remote-as ${nb.remoteAs}`);
    const desc = nb.description ? oneLine(nb.description) : nb.node;
    if (desc) out.push(` neighbor ${nb.address} description ${desc}`);
    if (labTimers) out.push(` neighbor ${nb.address} timers connect ${LAB_TIMERS.connectRetryS}`);
    if (nb.ebgpMultihop !== undefined) out.push(` neighbor ${nb.address} ebgp-multihop ${nb.ebgpMultihop}`);
    if (nb.updateSource) {
      const src = isIP(nb.updateSource) ? nb.updateSource : kernelName(node, nb.updateSource);
      out.push(` neighbor ${nb.address} update-source ${src}`);
    }
  }

  // IPv4: networks and redistribution; IPv6 peers carry IPv6 only (FRR activates every
  // neighbor for IPv4 unicast by default, which would send IPv4 routes over IPv6 sessions).
  const v4: string[] = [
    ...v4Nets.map((p) => `  network ${p}`),
    ...bgp.redistribute.map((r) => `  redistribute ${r}`),
    ...v6Peers.map((n) => `  no neighbor ${n.address} activate`),
  ];
  if (v4.length) out.push(" !", " address-family ipv4 unicast", ...v4, " exit-address-family");

  if (v6Nets.length || v6Peers.length) {
    out.push(
      " !",
      " address-family ipv6 unicast",
      ...v6Nets.map((p) => `  network ${p}`),
      // `ospf` is IPv4 only (ospf6d's would be `ospf6`); connected and static apply to both.
      ...bgp.redistribute.filter((r) => r !== "ospf").map((r) => `  redistribute ${r}`),
      ...v6Peers.map((n) => `  neighbor ${n.address} activate`),
      " exit-address-family",
    );
  }
  out.push("!");
  return out.map((text) => ({ text, origin: { kind: "intent" } }));
}

function renderIntent(node: NodeModel): Line[] {
  const out: Line[] = [];
  const push = (text: string) => out.push({ text, origin: { kind: "intent" } });

  for (const p of node.ports) {
    if (!p.description) continue;
    push(`interface ${p.ifname}`);
    push(` description ${oneLine(p.description)}`);
    push("!");
  }
  if ((node.intents.static ?? []).length) {
    for (const r of (node.intents.static ?? [])) {
      const via = isIP(r.via) ? r.via : kernelName(node, r.via);
      push(`${isV6Prefix(r.to) ? "ipv6" : "ip"} route ${r.to} ${via}`);
    }
    push("!");
  }
  if (node.intents.bgp) out.push(...renderBgp(node, node.intents.bgp));
  return out;
}

/** Daemons the rendered config needs, from the intent and from the raw text. */
export function neededDaemons(node: NodeModel): string[] {
  const need = new Set<string>(["zebra"]);
  if ((node.intents.static ?? []).length) need.add("staticd");
  if (node.intents.bgp) need.add("bgpd");
  for (const line of splitLines(node.stack?.config ?? "")) {
    if (isComment(line)) continue;
    const l = line.trim();
    if (/^ipv?6?\s+route\s/.test(l)) need.add("staticd");
    else if (/^router\s+bgp(\s|$)/.test(l)) need.add("bgpd");
    else if (/^router\s+ospf6(\s|$)/.test(l) || /^ipv6\s+ospf6\s/.test(l)) need.add("ospf6d");
    else if (/^router\s+ospf(\s|$)/.test(l) || /^ip\s+ospf\s/.test(l)) need.add("ospfd");
    else if (/^router\s+rip(\s|$)/.test(l)) need.add("ripd");
    else if (/^router\s+isis\s/.test(l) || /^ip\s+router\s+isis\s/.test(l)) need.add("isisd");
    else if (/^bfd(\s|$)/.test(l) || /^neighbor\s+\S+\s+bfd(\s|$)/.test(l)) need.add("bfdd");
  }
  return DAEMON_ORDER.filter((d) => need.has(d));
}

/**
 * Daemons to start for the node, zebra first: (frrOptions(node)?.daemons ?? []) as the loader computed it
 * (defaults or the user's list), else what the config needs.
 */
export function daemonsFor(node: NodeModel): string[] {
  const list = frrOptions(node)?.daemons?.length ? [...(frrOptions(node)?.daemons ?? [])] : neededDaemons(node);
  const rest = list.filter((d) => d !== "zebra");
  return ["zebra", ...rest];
}

function warningsFor(node: NodeModel): string[] {
  const warnings: string[] = [];
  const started = new Set(daemonsFor(node));
  for (const d of neededDaemons(node)) {
    if (!started.has(d)) {
      // Seen with FRR 8.4: vtysh drops lines of a daemon that is not running, silently.
      warnings.push(`${node.name}: the FRR config needs ${d}, which is not in frr.daemons: its lines are ignored`);
    }
  }
  for (const line of splitLines(node.stack?.config ?? "")) {
    const h = /^\s*hostname\s+(\S+)\s*$/.exec(line);
    if (h && h[1] !== node.name) {
      warnings.push(`${node.name}: config sets hostname '${h[1]}' (FRR's prompt); the node is named '${node.name}'`);
    }
    const d = /^\s*frr\s+defaults\s+(\S+)\s*$/.exec(line);
    const profile = frrOptions(node)?.profile ?? "datacenter";
    if (d && d[1] !== profile) {
      warnings.push(
        `${node.name}: config says 'frr defaults ${d[1]}' but the profile is '${profile}' (set frr.profile instead)`,
      );
    }
  }
  return warnings;
}

/** Renders the node's frr.conf with the origin of every line (for mapping errors back). */
export function renderFrrConfigDetailed(node: NodeModel, opts: RenderOptions = {}): RenderedConfig {
  const lines: Line[] = [];
  const header = (text: string) => lines.push({ text, origin: { kind: "header" } });
  const comment = (text: string) => lines.push({ text: `! ${text}`.trimEnd(), origin: { kind: "comment" } });

  if (opts.logFile !== undefined && /\s/.test(opts.logFile)) {
    throw new Error(`FRR log file path must not contain whitespace: '${opts.logFile}'`);
  }
  // Exactly one line each, whatever the options: line numbers do not depend on them.
  header(`frr defaults ${frrOptions(node)?.profile ?? "datacenter"}`);
  header(`hostname ${node.name}`);
  header(opts.logFile ? `log file ${opts.logFile} informational` : "log syslog informational");
  comment("");
  comment(`frr.conf of node ${node.name}, written by wirelab. Interface addresses are set in the`);
  comment("kernel by wirelab (iproute2), not here.");
  comment("");

  lines.push(...renderIntent(node));

  if (node.stack?.config !== undefined && node.stack?.config.trim() !== "") {
    const raw = prepareRawConfig(node);
    comment(`--- node ${node.name}'s own config (from the topology file), as written${raw.changes.length ? "," : ""}`);
    if (raw.changes.length) {
      comment("with these lab-friendly changes by wirelab:");
      for (const c of raw.changes) comment(`- ${c}`);
    }
    lines.push(...raw.lines);
    comment("--- end of node config");
  }

  return {
    text: `${lines.map((l) => l.text).join("\n")}\n`,
    origins: lines.map((l) => l.origin),
    warnings: warningsFor(node),
  };
}

/** The node's complete frr.conf. */
export function renderFrrConfig(node: NodeModel, opts: RenderOptions = {}): string {
  return renderFrrConfigDetailed(node, opts).text;
}
