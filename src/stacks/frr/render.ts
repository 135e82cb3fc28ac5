// Renders a node's complete frr.conf from the lab model: a header, port descriptions, the
// node's intent (one renderer per intent module, under render/) and then its raw `config:`
// text, as the user wrote it apart from three documented lab-friendly changes (see
// prepareRawConfig).
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

import ipaddr from "ipaddr.js";
import type { NodeModel } from "../../core/model.js";
import { type IntentRenderer, type LineOrigin, type RenderedConfig, renderIntents } from "../render.js";
import { daemonsFor, neededDaemons } from "./daemons.js";
import { frrOptions } from "./options.js";
import { renderBgp } from "./render/bgp.js";
import { isComment, oneLine, renamedPort, splitLines } from "./render/common.js";
import { renderEvpn } from "./render/evpn.js";
import { ISIS_LAB_TIMERS, renderIsis } from "./render/isis.js";
import { renderOspf } from "./render/ospf.js";
import { renderPolicy } from "./render/policy.js";
import { renderStatic } from "./render/static.js";

export interface RenderOptions {
  /**
   * Log file for the node's daemons (`log file PATH informational`). Its directory must be
   * writable by the `frr` user: FRR opens it after dropping root (a root-owned directory
   * makes vtysh fail with `Failure to communicate[13] to zebra`). Without it: syslog.
   */
  logFile?: string;
}

export type { LineOrigin, RenderedConfig };

interface Line {
  text: string;
  origin: LineOrigin;
}

/**
 * One renderer per intent this stack supports (a file each under render/), in the order
 * their blocks are written. A new intent adds its file and one line here.
 */
const RENDERERS: readonly IntentRenderer[] = [
  { intent: "static", render: renderStatic },
  // Before `router bgp`, which references its lists and route maps by name.
  { intent: "policy", render: renderPolicy },
  { intent: "bgp", render: renderBgp },
  { intent: "ospf", render: renderOspf },
  { intent: "isis", render: renderIsis },
  { intent: "evpn", render: renderEvpn },
];

/** The intent modules FRR renders (RoutingStack.intents). */
export const FRR_INTENTS: readonly string[] = RENDERERS.map((r) => r.intent);

const ROUTER_BGP = /^(\s*)router\s+bgp(\s|$)/;
const ROUTER_ISIS = /^(\s*)router\s+isis(\s|$)/;
const INTERFACE = /^(\s*interface\s+)(\S+)(.*)$/;

export interface PreparedRaw {
  lines: Line[];
  /** One sentence per kind of change made, for the comment above the raw text. */
  changes: string[];
}

/**
 * The node's raw config with wirelab's three lab-friendly changes:
 * (a) ` no bgp ebgp-requires-policy` is inserted right after each `router bgp …` line (any
 *     indentation, also `router bgp N vrf X`), unless the text already mentions
 *     `ebgp-requires-policy` or frr.ebgp-requires-policy is true: FRR 8 otherwise brings
 *     eBGP sessions up but exchanges no prefix (`(Policy)`).
 * (c) ` lsp-gen-interval 1` is inserted right after each `router isis …` line, unless the text
 *     mentions `lsp-gen-interval` or frr.lab-timers is false (see the comment in the code).
 * (b) `interface NAME` lines naming a port by its user name, when its kernel name differs,
 *     are rewritten to the kernel name (the name FRR sees).
 * Everything else is kept as written, including `hostname` (a different one only changes
 * the prompt and is reported as a warning).
 */
export function prepareRawConfig(node: NodeModel): PreparedRaw {
  const raw = splitLines(node.stack?.config ?? "");
  const mentionsPolicy = raw.some((l) => !isComment(l) && l.includes("ebgp-requires-policy"));
  const inject = !(frrOptions(node)?.ebgpRequiresPolicy ?? false) && !mentionsPolicy;
  // isisd builds its first LSP the moment it reads `net`, before the interfaces and the rest
  // of the block are in, and holds every later LSP for the generation interval (30 s by
  // default): measured, the prefixes then reached the other routers about 30 s after the
  // adjacencies came up. A 1 s interval before `net` (as the intent renders) fixes that.
  const mentionsGen = raw.some((l) => !isComment(l) && l.includes("lsp-gen-interval"));
  const injectGen = frrOptions(node)?.labTimers !== false && !mentionsGen;
  const lines: Line[] = [];
  const injectedAt: number[] = [];
  const genAt: number[] = [];
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
    const ri = ROUTER_ISIS.exec(text);
    if (injectGen && ri) {
      lines.push({
        text: `${ri[1]} lsp-gen-interval ${ISIS_LAB_TIMERS.lspGenInterval}`,
        origin: { kind: "added", after: n },
      });
      genAt.push(n);
    }
  });
  const changes: string[] = [];
  if (injectedAt.length) {
    changes.push(
      `added "no bgp ebgp-requires-policy" after "router bgp" (config line ${injectedAt.join(", ")}): FRR 8 exchanges no eBGP prefix without a policy; set frr.ebgp-requires-policy: true to keep FRR's rule`,
    );
  }
  if (genAt.length) {
    changes.push(
      `added "lsp-gen-interval ${ISIS_LAB_TIMERS.lspGenInterval}" after "router isis" (config line ${genAt.join(", ")}): with FRR's 30 s the first LSP, built before the interfaces are in, is not replaced for 30 s; set frr.lab-timers: false or write lsp-gen-interval to keep yours`,
    );
  }
  if (renamed.length) changes.push(`interface names rewritten to kernel names: ${renamed.join(", ")}`);
  return { lines, changes };
}

/** The network of an interface address (2001:db8:1::1/64 → 2001:db8:1::/64). */
function prefixOf(cidr: string): string {
  const [addr, len] = cidr.split("/");
  const net = ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${len}`);
  return `${net.toString()}/${len}`;
}

function renderIntent(node: NodeModel): Line[] {
  const out: Line[] = [];
  const push = (text: string) => out.push({ text, origin: { kind: "intent" } });

  // Port settings belong to the ports, not to an intent: every FRR node gets them.
  for (const p of node.ports) {
    const v6 = p.addresses.filter((a) => a.includes(":"));
    const lines = [
      ...(p.description ? [` description ${oneLine(p.description)}`] : []),
      // In kbit/s, what OSPF and IS-IS derive metrics from (reference bandwidth / this).
      ...(p.bandwidthKbps !== undefined ? [` bandwidth ${p.bandwidthKbps}`] : []),
      // Router advertisements: hosts on the port learn a default route, and SLAAC addresses
      // from each IPv6 prefix of the port (zebra sends what is configured, nothing by itself).
      ...(p.ra
        ? [" no ipv6 nd suppress-ra", " ipv6 nd ra-interval 10", ...v6.map((a) => ` ipv6 nd prefix ${prefixOf(a)}`)]
        : []),
    ];
    if (!lines.length) continue;
    push(`interface ${p.ifname}`);
    for (const l of lines) push(l);
    push("!");
  }
  for (const text of renderIntents(RENDERERS, node)) push(text);
  return out;
}

function warningsFor(node: NodeModel): string[] {
  // Ports an IGP intent left out (no address, no family in common with the peer).
  const warnings: string[] = [...(node.intents.ospf?.notes ?? []), ...(node.intents.isis?.notes ?? [])];
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
