// Renders a node's complete bird.conf from the lab model: wirelab's header, the node's
// intents (one renderer per intent module, under render/) and then its raw `config:` text,
// kept exactly as written. The header is the minimum a BIRD router needs to route in a lab,
// and each of its parts is left out when the raw text brings its own:
//   log "<node>/log/bird.log" all;        always (BIRD takes several log lines)
//   router id X;                          unless the raw text sets `router id`
//   timeformat protocol iso long ms;      so `show protocols` gives dated "since" times (uptimes)
//   protocol device {}                    unless the raw text has `protocol device`
//   protocol kernel kernel4/kernel6       unless the raw text has any `protocol kernel`:
//                                         export the best routes into the node's kernel
//                                         (not connected ones, not unreachable ones)
// Interface addresses are not configured here: the runtime sets them with iproute2.
import type { NodeModel } from "../../core/model.js";
import { type IntentRenderer, type LineOrigin, type RenderedConfig, renderIntents } from "../render.js";
import { BirdRenderError, renderBgp } from "./render/bgp.js";
import { lowestIpv4, splitLines } from "./render/common.js";
import { renderOspf } from "./render/ospf.js";
import { renderPolicy } from "./render/policy.js";
import { renderStatic } from "./render/static.js";

export { BirdRenderError };

export interface RenderOptions {
  /** The node's log file; without one, BIRD logs to syslog. */
  logFile?: string;
}

export type { LineOrigin, RenderedConfig };

/** One renderer per intent BIRD supports (a file each under render/), in the order written. */
const RENDERERS: readonly IntentRenderer[] = [
  { intent: "static", render: renderStatic },
  // Functions before the filters of `protocol bgp` that call them.
  { intent: "policy", render: renderPolicy },
  { intent: "ospf", render: renderOspf },
  { intent: "bgp", render: renderBgp },
];

/** The intent modules BIRD renders (RoutingStack.intents). */
export const BIRD_INTENTS: readonly string[] = RENDERERS.map((r) => r.intent);

/** Statements of the raw text that replace a part of the header (outside `#` comments). */
const has = (config: string, re: RegExp) => re.test(config);
const ROUTER_ID = /^[ \t]*router[ \t]+id\b/m;
const DEVICE = /^[ \t]*protocol[ \t]+device\b/m;
const KERNEL = /^[ \t]*protocol[ \t]+kernel\b/m;
const DIRECT = /^[ \t]*protocol[ \t]+direct\b/m;

/**
 * The BGP intent needs connected prefixes in BIRD's table, as zebra always has them: for
 * `networks` and `redistribute connected`, and to resolve iBGP next hops (BIRD resolves them
 * recursively through the table: without these, a route from an iBGP peer on the same link
 * is unreachable). The kernel and BGP export filters keep them out of the kernel and BGP.
 * OSPF's `redistribute connected` reads them too.
 */
function needsDirect(node: NodeModel): boolean {
  return node.intents.bgp !== undefined || (node.intents.ospf?.redistribute.includes("connected") ?? false);
}

/** The router id the header sets: the BGP intent's, else OSPF's, else the node's lowest IPv4 (loopback first). */
export function headerRouterId(node: NodeModel): string | undefined {
  return node.intents.bgp?.routerId ?? node.intents.ospf?.routerId ?? lowestIpv4(node);
}

function kernelProtocol(name: string, family: "ipv4" | "ipv6"): string[] {
  // Connected routes are the kernel's own: never exported back. Unreachable ones (a BGP
  // route whose next hop does not resolve) stay out, as zebra keeps invalid routes out.
  return [
    `protocol kernel ${name} {`,
    `  ${family} { import none; export where source != RTS_DEVICE && dest != RTD_UNREACHABLE; };`,
    "}",
  ];
}

/** Renders the node's bird.conf with the origin of every line (for mapping errors back). */
export function renderBirdConfigDetailed(node: NodeModel, opts: RenderOptions = {}): RenderedConfig {
  const lines: { text: string; origin: LineOrigin }[] = [];
  const push = (kind: "header" | "intent", texts: readonly string[]) => {
    for (const text of texts) lines.push({ text, origin: { kind } });
  };
  const comment = (text: string) => lines.push({ text: `# ${text}`.trimEnd(), origin: { kind: "comment" } });
  const raw = node.stack?.config ?? "";
  const warnings: string[] = [];

  if (opts.logFile !== undefined && /["\\\n]/.test(opts.logFile)) {
    throw new Error(`BIRD log file path must not contain quotes, backslashes or newlines: '${opts.logFile}'`);
  }
  comment(`bird.conf of node ${node.name}, written by wirelab. Interface addresses are set in the`);
  comment("kernel by wirelab (iproute2), not here.");
  push("header", [opts.logFile ? `log "${opts.logFile}" all;` : "log syslog all;"]);
  if (!has(raw, ROUTER_ID)) {
    const id = headerRouterId(node);
    // BIRD cannot start without one; the model has no IPv4 address to take it from.
    if (id === undefined) {
      throw new BirdRenderError(
        "BIRD needs a router id: give the node an IPv4 address, set bgp.router-id, or write `router id` in its config",
      );
    }
    push("header", [`router id ${id};`]);
  } else if (node.intents.bgp) {
    warnings.push(
      `${node.name}: its config sets the router id; bgp.router-id ${node.intents.bgp.routerId} is not used`,
    );
  }
  push("header", ["timeformat protocol iso long ms;"]);
  if (!has(raw, DEVICE)) push("header", ["protocol device {", "}"]);
  if (!has(raw, KERNEL)) push("header", [...kernelProtocol("kernel4", "ipv4"), ...kernelProtocol("kernel6", "ipv6")]);

  if (needsDirect(node) && !has(raw, DIRECT)) push("intent", ["protocol direct direct1 {", "  ipv4;", "  ipv6;", "}"]);
  push("intent", renderIntents(RENDERERS, node));

  if (raw.trim() !== "") {
    comment(`--- node ${node.name}'s own config (from the topology file), as written`);
    splitLines(raw).forEach((text, i) => {
      lines.push({ text, origin: { kind: "config", line: i + 1 } });
    });
    comment("--- end of node config");
  }
  return {
    text: `${lines.map((l) => l.text).join("\n")}\n`,
    origins: lines.map((l) => l.origin),
    warnings,
  };
}

export function renderBirdConfig(node: NodeModel, opts: RenderOptions = {}): string {
  return renderBirdConfigDetailed(node, opts).text;
}
