// Limits on what a topology file may ask for, checked before the expensive work: the file's
// size before it is parsed, its node and link counts before schema checks and validation.
// wirelab runs as root; a file from someone else must not be able to exhaust the machine.
import type { FileHandle } from "node:fs/promises";
import { type Document, isAlias, isCollection, type Node } from "yaml";
import type { SourcePos } from "../core/model.js";
import { TopologyError } from "./errors.js";

export interface InputLimits {
  fileBytes: number;
  nodes: number;
  links: number;
}

/** 8 MiB is about 75,000 nodes of generated YAML; a 5,000-node lab deploys in minutes. */
export const DEFAULT_LIMITS: Readonly<InputLimits> = Object.freeze({
  fileBytes: 8 * 1024 * 1024,
  nodes: 5000,
  links: 20000,
});

/** The environment variable that overrides each limit. */
export const LIMIT_ENV: Readonly<Record<keyof InputLimits, string>> = Object.freeze({
  fileBytes: "WIRELAB_MAX_FILE_BYTES",
  nodes: "WIRELAB_MAX_NODES",
  links: "WIRELAB_MAX_LINKS",
});

/** The limits in force: the defaults, or the environment's values (read at each call). */
export function inputLimits(env: NodeJS.ProcessEnv = process.env): InputLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof InputLimits)[]) {
    const raw = env[LIMIT_ENV[key]];
    if (raw === undefined || raw === "") continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
      throw new TopologyError(`${LIMIT_ENV[key]} must be a positive whole number, not '${raw.slice(0, 20)}'`);
    }
    out[key] = Number(raw);
  }
  return out;
}

function fileTooBig(size: string, limit: number, at: SourcePos): TopologyError {
  const mib = limit % (1024 * 1024) === 0 ? ` (${limit / 1024 / 1024} MiB)` : "";
  return new TopologyError(
    `the topology file is ${size}, larger than the limit of ${limit} bytes${mib}; set ${LIMIT_ENV.fileBytes} to raise it`,
    at,
  );
}

/** Refuses text longer than the file limit. */
export function checkTextSize(text: string, file: string, limits: InputLimits): void {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.fileBytes) throw fileTooBig(`${bytes} bytes`, limits.fileBytes, { file, line: 1, col: 1 });
}

/**
 * Reads an open file as UTF-8, refusing it without reading it when fstat says it is too
 * big, and stopping at the limit for files whose size fstat does not know (a pipe).
 */
export async function readBounded(fh: FileHandle, file: string, limits: InputLimits): Promise<string> {
  const at = { file, line: 1, col: 1 };
  const { size } = await fh.stat();
  if (size > limits.fileBytes) throw fileTooBig(`${size} bytes`, limits.fileBytes, at);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.alloc(Math.min(1024 * 1024, limits.fileBytes + 1 - total));
    const { bytesRead } = await fh.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    total += bytesRead;
    if (total > limits.fileBytes) throw fileTooBig(`more than ${limits.fileBytes} bytes`, limits.fileBytes, at);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Refuses more nodes or links than the limits: entries of the top-level `nodes` mapping and
 * `links` list as written (aliases expand to at most MAX_ALIAS_COUNT more). `at` turns the
 * text offset of the offending value into a position.
 */
export function checkCounts(doc: Document, limits: InputLimits, at: (offset: number) => SourcePos): void {
  for (const [key, limit, env] of [
    ["nodes", limits.nodes, LIMIT_ENV.nodes],
    ["links", limits.links, LIMIT_ENV.links],
  ] as const) {
    const value = doc.get(key, true);
    const n = isAlias(value) ? value.resolve(doc) : value;
    const count = isCollection(n) ? n.items.length : 0;
    if (count > limit) {
      throw new TopologyError(
        `the topology has ${count} ${key}, more than the limit of ${limit}; set ${env} to raise it`,
        at((value as Node | null)?.range?.[0] ?? 0),
      );
    }
  }
}
