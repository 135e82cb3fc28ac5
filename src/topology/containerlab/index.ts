// containerlab topologies (`*.clab.yml`): the subset that maps to wirelab is converted into
// a wirelab topology object and validated by wirelab's own rules, with every error, warning
// and note at file:line:col in the containerlab file. What does not map is one warning
// each; with `strict` those are errors.
import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import type { Lab, SourcePos } from "../../core/model.js";
import { TopologyError } from "../errors.js";
import { inputLimits, LIMIT_ENV } from "../input-limits.js";
import type { SourceInfo } from "../source.js";
import { validateTopologyInput } from "../validate.js";
import { mapClab } from "./map.js";
import { Report, readClab } from "./parse.js";
import { ClabSource } from "./source.js";

export { clabLabName, isContainerlab } from "./name.js";
export { ClabSource } from "./source.js";

export interface ImportOptions {
  /** Where nodes run: `netns` (default) or `docker` (each node in a container of its image). */
  runtime?: "netns" | "docker" | "kubernetes";
  /** Settings that do not map are errors (the first is thrown, all are in its `errors`). */
  strict?: boolean;
  /** Told each note and warning (with strict: each error), in file order. */
  onDiagnostic?: (d: Diagnostic) => void;
}

export interface Diagnostic {
  severity: "note" | "warning" | "error";
  /** The message without its position. */
  detail: string;
  pos: SourcePos;
  /** `file:line:col: detail` */
  message: string;
}

export interface Converted {
  /** The wirelab topology (not yet validated). */
  input: Record<string, unknown>;
  /** Positions of its parts in the containerlab file. */
  source: ClabSource;
  diagnostics: Diagnostic[];
}

/** Converts a parsed containerlab file (`source`: its positions); throws TopologyError. */
export function convertContainerlab(
  data: Record<string, unknown>,
  source: SourceInfo,
  opts: ImportOptions = {},
): Converted {
  const limits = inputLimits();
  const r = new Report(source);
  const clab = readClab(data, r);
  if (clab.nodes.length > limits.nodes) {
    r.fail(
      ["topology", "nodes"],
      `the topology has ${clab.nodes.length} nodes, more than the limit of ${limits.nodes}; set ${LIMIT_ENV.nodes} to raise it`,
    );
  }
  if (clab.links.length > limits.links) {
    r.fail(
      ["topology", "links"],
      `the topology has ${clab.links.length} links, more than the limit of ${limits.links}; set ${LIMIT_ENV.links} to raise it`,
    );
  }
  const src = new ClabSource(source);
  const mapOpts = { fileBytes: limits.fileBytes, ...(opts.runtime ? { runtime: opts.runtime } : {}) };
  const input = mapClab(clab, r, src, mapOpts);

  const diagnostics = r.findings
    .map((f) => {
      const pos = source.pos(f.path, f.part);
      const severity = opts.strict && f.severity === "warning" ? "error" : f.severity;
      return { severity, detail: f.message, pos, message: `${pos.file}:${pos.line}:${pos.col}: ${f.message}` };
    })
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col) as Diagnostic[];
  for (const d of diagnostics) opts.onDiagnostic?.(d);
  const errors = diagnostics.filter((d) => d.severity === "error");
  const first = errors[0];
  if (first) {
    const e = new TopologyError(
      `--strict: ${errors.length} containerlab setting${errors.length === 1 ? " does" : "s do"} not map to wirelab (each is an error above; the first is here)`,
      first.pos,
    );
    e.errors = [e, ...errors.map((d) => new TopologyError(d.detail, d.pos))];
    throw e;
  }
  return { input, source: src, diagnostics };
}

/** A containerlab file as a validated Lab: converted, then checked by wirelab's rules. */
export function labFromContainerlab(data: Record<string, unknown>, source: SourceInfo, opts: ImportOptions = {}): Lab {
  const c = convertContainerlab(data, source, opts);
  return validateTopologyInput(c.input, c.source);
}

/**
 * The converted topology as a wirelab file: configs as block scalars, each port's settings,
 * route and link on one line; the header says where it came from and what was left out.
 */
export function convertedYaml(c: Converted, from: string): string {
  const doc = new Document(c.input, { aliasDuplicateObjects: false });
  const header = [`Converted from ${from} by wirelab convert.`];
  const left = c.diagnostics.filter((d) => d.severity !== "note");
  if (left.length) {
    header.push("Not converted:");
    for (const d of left) header.push(`  line ${d.pos.line}: ${d.detail}`);
  }
  doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
  const nodes = (doc.contents as YAMLMap).get("nodes", true);
  if (isMap(nodes)) {
    for (const pair of nodes.items) {
      const node = pair.value;
      if (!isMap(node)) continue;
      for (const field of ["interfaces", "routes", "frr"]) {
        const v = node.get(field, true);
        if (isMap(v) && field === "frr") v.flow = true;
        if (isMap(v)) for (const p of v.items) if (isMap(p.value)) p.value.flow = true;
        if (isSeq(v)) for (const item of v.items) if (isMap(item)) item.flow = true;
      }
    }
  }
  const links = (doc.contents as YAMLMap).get("links", true);
  if (isSeq(links)) {
    for (const l of links.items) {
      if (isSeq(l)) l.flow = true;
      if (isMap(l)) l.flow = true;
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, blockQuote: "literal" });
}
