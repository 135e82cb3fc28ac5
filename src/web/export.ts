// Static views of a lab for docs: one self-contained HTML page (the live page with the graph
// library, its own script and the snapshot inlined: opens from file:// with no network), and
// Mermaid and Graphviz DOT text of the cabling or routing view.
import { readFile } from "node:fs/promises";
import { readPageFile, scriptJson, vendorFiles } from "./assets.js";
import type { CableView, GraphSnapshot, NodeView, SessionView } from "./snapshot.js";

export type ExportFormat = "html" | "mermaid" | "dot";
export type GraphView = "cabling" | "routing";

/** Inline script text: nothing in it may close the <script> element early. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function replaceOnce(html: string, needle: string, replacement: string): string {
  const i = html.indexOf(needle);
  if (i < 0) throw new Error(`export: '${needle}' not found in the page template`);
  return html.slice(0, i) + replacement + html.slice(i + needle.length);
}

/** The page with everything inlined and the snapshot embedded; no request leaves the file. */
export async function exportHtml(snap: GraphSnapshot): Promise<string> {
  let html = await readPageFile("index.html");
  const css = await readPageFile("style.css");
  const app = await readPageFile("app.js");
  html = replaceOnce(html, '<link rel="stylesheet" href="style.css" />', `<style>\n${css}\n</style>`);
  // A static page needs nothing from any network: say so to the browser as well.
  html = replaceOnce(
    html,
    '<meta charset="utf-8" />',
    `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:" />`,
  );
  for (const v of vendorFiles()) {
    const js = await readFile(v.file, "utf8");
    html = replaceOnce(html, `<script src="vendor/${v.name}"></script>`, `<script>\n${inlineScript(js)}\n</script>`);
  }
  const data = scriptJson({ version: 0, snapshot: snap, exportedAt: new Date().toISOString() });
  html = replaceOnce(
    html,
    '<script src="app.js"></script>',
    `<script type="application/json" id="wirelab-snapshot">${data}</script>\n<script>\n${inlineScript(app)}\n</script>`,
  );
  return html;
}

// ---- text formats ---------------------------------------------------------------------

function nodeSummary(n: NodeView): string {
  return [n.kind, n.asn !== undefined ? `AS ${n.asn}` : ""].filter(Boolean).join(" · ");
}

function cableText(c: CableView): string {
  return [`${c.a.port} ↔ ${c.b.port}`, c.subnet ?? "", c.state === "up" || c.state === "unknown" ? "" : c.state]
    .filter(Boolean)
    .join(" · ");
}

function sessionText(s: SessionView): string {
  return `${s.type === "ibgp" ? "iBGP" : "eBGP"}${s.family === "ipv6" ? " IPv6" : ""} · ${s.state}`;
}

function routingNodes(snap: GraphSnapshot): NodeView[] {
  const inSessions = new Set(Object.values(snap.sessions).flatMap((s) => [s.a, s.b]));
  return Object.values(snap.nodes).filter((n) => n.asn !== undefined || inSessions.has(n.name));
}

function byAs(nodes: NodeView[]): Map<number | undefined, NodeView[]> {
  const groups = new Map<number | undefined, NodeView[]>();
  for (const n of nodes) groups.set(n.asn, [...(groups.get(n.asn) ?? []), n]);
  return groups;
}

function externalPeers(snap: GraphSnapshot): string[] {
  return [...new Set(Object.values(snap.sessions).flatMap((s) => (s.b === undefined ? [s.addressB] : [])))];
}

// Mermaid ------------------------------------------------------------------------------------

function mermaidIds(names: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    const base = `n_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
    taken.add(id);
    ids.set(name, id);
  }
  return ids;
}

function mq(text: string): string {
  return `"${text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\n/g, "<br/>")}"`;
}

function mermaidShape(n: NodeView, label: string): string {
  if (n.role === "bridge") return `{{${mq(label)}}}`;
  if (n.role === "host") return `(${mq(label)})`;
  return `[${mq(label)}]`;
}

const GREEN = "#16a34a";
const RED = "#dc2626";
const AMBER = "#d97706";
const GREY = "#64748b";

function cableColor(c: CableView): string {
  if (c.state === "up") return c.impaired ? AMBER : GREEN;
  return c.state === "unknown" ? GREY : RED;
}

function sessionColor(s: SessionView): string {
  if (s.established) return GREEN;
  return s.state === "configured" ? GREY : RED;
}

export function toMermaid(snap: GraphSnapshot, view: GraphView = "cabling"): string {
  const out = [`%% wirelab lab '${snap.meta.lab}' (${view}${snap.meta.live ? ", live" : ", from the topology"})`];
  out.push("flowchart LR");
  const styles: string[] = [];
  let edge = 0;
  if (view === "cabling") {
    const nodes = Object.values(snap.nodes);
    const ids = mermaidIds(nodes.map((n) => n.name));
    for (const n of nodes) out.push(`  ${ids.get(n.name)}${mermaidShape(n, `${n.name}\n${nodeSummary(n)}`)}`);
    for (const c of Object.values(snap.cables)) {
      const arrow = c.state === "up" || c.state === "unknown" ? "---" : "-.-";
      out.push(`  ${ids.get(c.a.node)} ${arrow}|${mq(cableText(c))}| ${ids.get(c.b.node)}`);
      styles.push(`  linkStyle ${edge++} stroke:${cableColor(c)}`);
    }
  } else {
    const nodes = routingNodes(snap);
    const ext = externalPeers(snap);
    const ids = mermaidIds([...nodes.map((n) => n.name), ...ext]);
    for (const [asn, group] of byAs(nodes)) {
      const inner = group.map((n) => {
        const lines = [
          n.name,
          ...n.announced.map((p) => `announces ${p}`),
          ...n.received.map((r) => `via ${r.from ?? "?"}: ${r.prefix}`),
        ];
        return `${ids.get(n.name)}${mermaidShape(n, lines.join("\n"))}`;
      });
      if (asn === undefined) out.push(...inner.map((l) => `  ${l}`));
      else out.push(`  subgraph as${asn}[${mq(`AS ${asn}`)}]`, ...inner.map((l) => `    ${l}`), "  end");
    }
    for (const e of ext) out.push(`  ${ids.get(e)}([${mq(e)}])`);
    for (const s of Object.values(snap.sessions)) {
      const arrow = s.established ? "---" : "-.-";
      out.push(`  ${ids.get(s.a)} ${arrow}|${mq(sessionText(s))}| ${ids.get(s.b ?? s.addressB)}`);
      styles.push(`  linkStyle ${edge++} stroke:${sessionColor(s)}`);
    }
  }
  return `${[...out, ...styles].join("\n")}\n`;
}

// Graphviz DOT -------------------------------------------------------------------------------

function dq(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

const FILL: Record<string, string> = { router: "#dbeafe", host: "#dcfce7", bridge: "#fef3c7" };

function dotNode(n: NodeView, label: string, indent = "  "): string {
  const shape = n.role === "bridge" ? "hexagon" : "box";
  return `${indent}${dq(n.name)} [label=${dq(label)}, shape=${shape}, fillcolor=${dq(FILL[n.role] ?? "#f1f5f9")}];`;
}

export function toDot(snap: GraphSnapshot, view: GraphView = "cabling"): string {
  const out = [
    `graph ${dq(snap.meta.lab)} {`,
    `  graph [rankdir=LR, labelloc=t, fontname="Helvetica", label=${dq(`wirelab lab ${snap.meta.lab}: ${view}`)}];`,
    '  node [fontname="Helvetica", style="rounded,filled"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  if (view === "cabling") {
    for (const n of Object.values(snap.nodes)) out.push(dotNode(n, `${n.name}\n${nodeSummary(n)}`));
    for (const c of Object.values(snap.cables)) {
      const attrs = [
        `taillabel=${dq(c.a.port)}`,
        `headlabel=${dq(c.b.port)}`,
        `label=${dq([c.subnet, c.state === "up" || c.state === "unknown" ? "" : c.state].filter(Boolean).join("\n"))}`,
        `color=${dq(cableColor(c))}`,
        ...(c.state === "up" || c.state === "unknown" ? [] : ["style=dashed"]),
      ];
      out.push(`  ${dq(c.a.node)} -- ${dq(c.b.node)} [${attrs.join(", ")}];`);
    }
  } else {
    for (const [asn, group] of byAs(routingNodes(snap))) {
      const nodes = group.map((n) =>
        dotNode(
          n,
          [
            n.name,
            ...n.announced.map((p) => `announces ${p}`),
            ...n.received.map((r) => `via ${r.from ?? "?"}: ${r.prefix}`),
          ].join("\n"),
          asn === undefined ? "  " : "    ",
        ),
      );
      if (asn === undefined) out.push(...nodes);
      else out.push(`  subgraph ${dq(`cluster_as${asn}`)} {`, `    label=${dq(`AS ${asn}`)};`, ...nodes, "  }");
    }
    for (const e of externalPeers(snap)) out.push(`  ${dq(e)} [shape=ellipse, style=dashed];`);
    for (const s of Object.values(snap.sessions)) {
      const attrs = [
        `label=${dq(sessionText(s))}`,
        `color=${dq(sessionColor(s))}`,
        ...(s.established ? [] : ["style=dashed"]),
      ];
      out.push(`  ${dq(s.a)} -- ${dq(s.b ?? s.addressB)} [${attrs.join(", ")}];`);
    }
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** The text of one export format. */
export async function exportAs(
  snap: GraphSnapshot,
  format: ExportFormat,
  view: GraphView = "cabling",
): Promise<string> {
  if (format === "html") return exportHtml(snap);
  return format === "mermaid" ? toMermaid(snap, view) : toDot(snap, view);
}
