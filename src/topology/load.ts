// Reads a topology file: YAML (with positions) -> schema check -> network validation -> Lab.
// Every problem comes out as a TopologyError "file:line:col: message", never a stack trace.
// A containerlab file (top-level `topology:`) is converted first (src/topology/containerlab/)
// and then validated the same way, its errors pointing into the containerlab file.
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
import type { Lab, SourcePos } from "../core/model.js";
import { runtimeSchema } from "../runtimes/docker/schema.js";
import { type ImportOptions, isContainerlab, labFromContainerlab } from "./containerlab/index.js";
import { q, TopologyError } from "./errors.js";
import { checkCounts, checkTextSize, inputLimits, readBounded } from "./input-limits.js";
import { describePath } from "./issues.js";
import { keyString, type Path, SourceMap } from "./source.js";
import { validateTopologyInput } from "./validate.js";

export { DEFAULT_LIMITS, inputLimits, LIMIT_ENV } from "./input-limits.js";
export { validateTopologyInput } from "./validate.js";

/** How a file is loaded: a lab-wide runtime from the command line, and containerlab import options. */
export interface LoadOptions extends ImportOptions {}

/** Aliases (`*name`) allowed in one file; a guard against "billion laughs" alias bombs. */
export const MAX_ALIAS_COUNT = 100;

/** Reads and validates a topology file. Lab.file is the absolute path; errors name the path as given. */
export async function loadTopology(file: string, opts: LoadOptions = {}): Promise<Lab> {
  const lab = parseTopology(await readTopologyText(file), file, opts);
  lab.file = resolve(file);
  return lab;
}

/** A topology file's text, refused unread when it is over the size limit. */
export async function readTopologyText(file: string): Promise<string> {
  const limits = inputLimits();
  try {
    const fh = await open(file, "r");
    try {
      return await readBounded(fh, file, limits);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof TopologyError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (code ?? String(e));
    throw new TopologyError(`cannot read the topology file: ${why}`, { file, line: 1, col: 1 });
  }
}

/** Parses and validates topology text; `file` is used in error messages and as Lab.file. */
export function parseTopology(text: string, file: string, opts: LoadOptions = {}): Lab {
  const { data, source } = readTopologyDocument(text, file);
  if (opts.runtime !== undefined && !runtimeSchema.safeParse(opts.runtime).success) {
    throw new TopologyError(`unknown runtime ${q(opts.runtime)} (known: ${runtimeSchema.options.join(", ")})`, {
      file,
      line: 1,
      col: 1,
    });
  }
  if (isContainerlab(data)) return labFromContainerlab(data, source, opts);
  const lab = validateTopologyInput(withRuntime(data, opts.runtime), source);
  placeConfigs(lab, source, text);
  return lab;
}

/**
 * Where each inline `config:` text starts in the file, so that a bad line in it is reported
 * at its own line and column. A literal block (`config: |`) keeps its lines one to one, its
 * text starting on the line after the indicator at the block's indentation.
 */
function placeConfigs(lab: Lab, source: SourceMap, text: string): void {
  const fileLines = text.split("\n");
  const place = (path: (string | number)[]): SourcePos | undefined => {
    const scalar = source.doc.getIn(path, true);
    if (!isScalar(scalar) || !scalar.range) return undefined;
    const at = source.lines.linePos(scalar.range[0]);
    if (scalar.type === "BLOCK_LITERAL" || scalar.type === "BLOCK_FOLDED") {
      const first = fileLines[at.line] ?? "";
      const indent = first.length - first.trimStart().length;
      return { file: lab.file ?? "", line: at.line + 1, col: indent + 1 };
    }
    const quoted = scalar.type === "QUOTE_DOUBLE" || scalar.type === "QUOTE_SINGLE";
    return { file: lab.file ?? "", line: at.line, col: at.col + (quoted ? 1 : 0) };
  };
  for (const node of lab.nodes) {
    if (node.stack?.config === undefined || node.stack.configFile) continue;
    if (node.stack.configParts) {
      // A per-daemon map: each inline block where it was written (files carry their own name).
      for (const part of node.stack.configParts) {
        if (part.file !== undefined) continue;
        const pos = place(["nodes", node.name, "config", part.daemon]);
        if (pos) part.pos = pos;
      }
      continue;
    }
    const pos = place(["nodes", node.name, "config"]);
    if (pos) node.stack.configPos = pos;
  }
}

/**
 * The YAML document of a topology file, with positions, checked for what any topology format
 * must get right: syntax, one document, size and counts, duplicate keys, alias expansion.
 */
export function readTopologyDocument(text: string, file: string): { data: unknown; source: SourceMap } {
  const limits = inputLimits();
  checkTextSize(text, file, limits);
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ""), {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false, // checked below, with messages that name the duplicate node or port
    merge: true,
    version: "1.2",
    logLevel: "error", // no process warnings on the user's terminal; problems are errors here
  });
  const source = new SourceMap(file, doc, lines);

  const syntax = doc.errors[0];
  if (syntax) {
    const first =
      syntax.code === "MULTIPLE_DOCS"
        ? "the file holds more than one YAML document ('---'); a topology is a single document"
        : (syntax.message.split("\n")[0] ?? syntax.message);
    throw new TopologyError(`YAML syntax error: ${first}`, source.at(syntax.pos[0]));
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new TopologyError("the topology file is empty: it needs at least a name and nodes", source.at(0));
  }
  checkCounts(doc, limits, (offset) => source.at(offset));
  keysAsWritten(doc);
  checkKeys(doc, source);

  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), source };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const text = /alias count/i.test(msg)
      ? `too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions); the file is refused as a resource-exhaustion risk`
      : `YAML error: ${msg.split("\n")[0]}`;
    throw new TopologyError(text, source.at(firstAliasOffset(doc)));
  }
}

/**
 * `deploy --runtime`: the lab-wide runtime, in place of the file's own (top level or
 * defaults). Nodes and kinds that name their runtime keep it.
 */
function withRuntime(data: unknown, runtime: LoadOptions["runtime"]): unknown {
  if (runtime === undefined || data === null || typeof data !== "object" || Array.isArray(data)) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>), runtime };
  const defaults = out.defaults;
  if (defaults !== null && typeof defaults === "object" && !Array.isArray(defaults)) {
    const { runtime: _, ...rest } = defaults as Record<string, unknown>;
    out.defaults = rest;
  }
  return out;
}

/**
 * Keys are names: duplicate keys are errors (the message says what was duplicated: node,
 * port, field), and so are lists or mappings used as keys.
 */
function checkKeys(doc: Document, source: SourceMap): void {
  const visit = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as { range?: [number, number, number] } | null;
        const at = keyNode?.range?.[0] ?? 0;
        if (isMap(pair.key) || isSeq(pair.key)) {
          const where = describePath(path);
          throw new TopologyError(
            `${where ? `${where}: ` : ""}a key must be a name, not a ${isMap(pair.key) ? "mapping" : "list"}`,
            source.at(at),
          );
        }
        const k = keyString(pair.key) ?? "<<";
        const first = seen.get(k);
        if (first !== undefined) {
          throw new TopologyError(duplicateMessage(path, k, source.at(first).line), source.at(at));
        }
        seen.set(k, at);
        visit(pair.value, [...path, k]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        visit(item, [...path, i]);
      });
    }
  };
  visit(doc.contents, []);
}

function duplicateMessage(path: Path, key: string, firstLine: number): string {
  const also = `(first defined at line ${firstLine})`;
  if (path.length === 1 && path[0] === "nodes") return `duplicate node ${q(key)} ${also}`;
  if (path.length === 3 && path[0] === "nodes" && path[2] === "interfaces") {
    return `duplicate interface ${q(key)} on node ${q(String(path[1]))} ${also}`;
  }
  const where = describePath(path);
  return where ? `${where}: duplicate field ${q(key)} ${also}` : `duplicate top-level field ${q(key)} ${also}`;
}

/**
 * Map keys keep the text they were written with: `01:` stays port "01" and `1.10:` stays
 * "1.10" instead of becoming the numbers 1 and 1.1.
 */
function keysAsWritten(doc: Document): void {
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (isScalar(key) && typeof key.value !== "string" && typeof key.value !== "symbol") {
          key.value = typeof key.source === "string" ? key.source : String(key.value);
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
}

/** Where the first alias (`*name`) is written, for errors raised while expanding aliases. */
function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}
