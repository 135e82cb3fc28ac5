// `wirelab graph`: serve the live page of a deployed lab, or write a static view of it
// (self-contained HTML, Mermaid, Graphviz DOT).
import { writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { type ExportFormat, exportAs, type GraphView } from "../../web/export.js";
import { startGraphServer } from "../../web/server.js";
import { type GraphSnapshot, gatherSnapshot, modelSnapshot } from "../../web/snapshot.js";
import { labStateOrName, loadLab, UsageError } from "../resolve.js";

export interface GraphFlags {
  topology?: string;
  lab?: string;
  port?: string;
  host?: string;
  export?: string;
  format?: string;
  view?: string;
  interval?: string;
  readOnly?: boolean;
  layout?: string;
}

const LAYOUTS = ["tiers", "force"] as const;

function layoutOf(flags: GraphFlags): (typeof LAYOUTS)[number] | undefined {
  if (flags.layout === undefined) return undefined;
  const l = LAYOUTS.find((x) => x === flags.layout);
  if (!l) throw new UsageError(`--layout must be one of ${LAYOUTS.join(", ")}, not '${flags.layout}'`);
  return l;
}

const FORMATS: ExportFormat[] = ["html", "mermaid", "dot"];
const VIEWS: GraphView[] = ["cabling", "routing"];

function formatOf(flags: GraphFlags): ExportFormat {
  if (flags.format !== undefined) {
    if (!FORMATS.includes(flags.format as ExportFormat)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not '${flags.format}'`);
    }
    return flags.format as ExportFormat;
  }
  const ext = path.extname(flags.export ?? "").toLowerCase();
  if (ext === ".mmd" || ext === ".mermaid") return "mermaid";
  if (ext === ".dot" || ext === ".gv") return "dot";
  return "html";
}

function intArg(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not '${value}'`);
  }
  return Number(value);
}

/** The running lab when deployed, else (with -t) the topology file as it stands. */
async function snapshotFor(flags: GraphFlags): Promise<GraphSnapshot> {
  const { name, state } = await labStateOrName(flags);
  const layout = layoutOf(flags);
  if (state) return gatherSnapshot(state, { layout });
  if (!flags.topology) throw new UsageError(`no lab named '${name}' is deployed; give -t FILE to draw the file`);
  const snap = modelSnapshot(await loadLab(flags));
  if (layout) snap.meta.layout = layout;
  return snap;
}

async function writeStatic(flags: GraphFlags): Promise<number> {
  const format = formatOf(flags);
  const view = (flags.view ?? "cabling") as GraphView;
  if (!VIEWS.includes(view)) throw new UsageError(`--view must be one of ${VIEWS.join(", ")}, not '${flags.view}'`);
  const snap = await snapshotFor(flags);
  const text = await exportAs(snap, format, view);
  if (!flags.export) {
    process.stdout.write(text);
    return 0;
  }
  await writeFile(flags.export, text);
  const what = format === "html" ? "self-contained page" : `${format}, ${view} view`;
  process.stdout.write(
    `Wrote ${flags.export} (${what}) of lab '${snap.meta.lab}'${snap.meta.live ? "" : " from the topology file"}.\n`,
  );
  return 0;
}

export async function graphCommand(flags: GraphFlags): Promise<number> {
  if (flags.export !== undefined || flags.format !== undefined) return writeStatic(flags);

  const port = intArg(flags.port, "--port", 0, 65535);
  const intervalMs = intArg(flags.interval, "--interval", 200, 60_000);
  const layout = layoutOf(flags);
  if (flags.host !== undefined && !net.isIP(flags.host) && flags.host !== "localhost") {
    throw new UsageError(`--host must be an IP address (e.g. 127.0.0.1, 0.0.0.0), not '${flags.host}'`);
  }
  const { name, state } = await labStateOrName(flags);
  if (!state) {
    throw new UsageError(
      `no lab named '${name}' is deployed (deploy it first, or draw the file with --export FILE / --format)`,
    );
  }
  let lastError = "";
  const server = await startGraphServer({
    lab: name,
    host: flags.host,
    port,
    intervalMs,
    readOnly: flags.readOnly,
    layout,
    onError: (e) => {
      if (e.message !== lastError) process.stderr.write(`graph: ${e.message}\n`);
      lastError = e.message;
    },
  });
  const out = [`Lab '${name}': ${server.url}`];
  if (server.actionUrl) {
    out.push(
      `Actions (cut/restore a cable) need this token: ${server.token}`,
      `  open ${server.actionUrl}  (the page sends it as X-Wirelab-Token)`,
    );
  } else out.push("Read-only: no actions.");
  if (!["127.0.0.1", "::1", "localhost"].includes(server.host)) {
    out.push(`Listening on ${server.host}: anyone who can reach this machine can see the lab.`);
  }
  out.push("Ctrl-C to stop.");
  process.stdout.write(`${out.join("\n")}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}
