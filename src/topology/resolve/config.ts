// A router's raw config as the loader reads it: `startup-config: PATH`, or a per-daemon
// `config:` map ({ zebra: "…", bgpd: { file: r1/bgpd.conf } }, as FRR's own test suites
// split them) joined into one text in daemon order, with where each block came from so a
// bad line is reported where it was written. Files are read only below the topology file's
// own directory: wirelab reads them as root, and a topology must not make root copy
// /etc/shadow into a node's config.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve as resolvePath, sep } from "node:path";
import type { ConfigPart } from "../../core/model.js";
import { FRR_DAEMONS } from "../../stacks/frr/schema.js";
import { q } from "../errors.js";
import { didYouMean } from "../issues.js";
import type { Path } from "../source.js";
import type { NodeIn, ResolveContext } from "./context.js";

/** Largest config file read: a router's config, not a dump. */
export const MAX_CONFIG_FILE = 1 << 20;

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A config file named in the topology (`what` of node `owner`, for messages): its text and real path. */
export function readConfigFile(
  ctx: ResolveContext,
  written: string,
  at: Path,
  what: string,
  owner: string,
): { text: string; file: string } {
  const it = `${what} ${q(written)} of node ${q(owner)}`;
  const base = realpathOr(dirname(resolvePath(ctx.src.file)));
  const file = resolvePath(base, written);
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return ctx.fail(at, `${it}: no such file (${file})`);
  }
  if (real !== base && !real.startsWith(`${base}${sep}`)) {
    ctx.fail(at, `${it} is outside the topology file's directory (${base})`);
  }
  const st = statSync(real);
  if (!st.isFile()) ctx.fail(at, `${it} is not a regular file`);
  if (st.size > MAX_CONFIG_FILE) ctx.fail(at, `${it} is larger than ${MAX_CONFIG_FILE} bytes`);
  return { text: readFileSync(real, "utf8"), file: real };
}

function lines(text: string): string[] {
  const out = text.replace(/\r\n?/g, "\n").split("\n");
  if (out.length && out[out.length - 1] === "") out.pop();
  return out;
}

/**
 * A per-daemon `config:` map joined into one FRR config: each daemon's block in FRR's start
 * order, a `!` between blocks. Unknown daemon names and a map on a node that does not run
 * FRR are refused at the key.
 */
export function perDaemonConfig(
  ctx: ResolveContext,
  name: string,
  stackName: string | undefined,
  raw: NodeIn,
  path: Path,
): { text: string; parts: ConfigPart[] } | undefined {
  const map = raw.config;
  if (map === undefined || typeof map === "string") return undefined;
  const at: Path = [...path, "config"];
  if (stackName !== "frr") {
    ctx.fail(
      at,
      `node ${q(name)} ${stackName ? `runs ${stackName}` : "runs no routing stack"}: a per-daemon config map is FRR's (give ${stackName ?? "its stack"} one config text)`,
      "key",
    );
  }
  const known: readonly string[] = FRR_DAEMONS;
  for (const d of Object.keys(map)) {
    if (!known.includes(d)) {
      ctx.fail(
        [...at, d],
        `unknown FRR daemon ${q(d)} in the config of ${name}${didYouMean(d, known)} (valid: ${known.join(", ")})`,
        "key",
      );
    }
  }
  const out: string[] = [];
  const parts: ConfigPart[] = [];
  for (const d of known) {
    const v = map[d];
    if (v === undefined) continue;
    if (out.length) out.push("!");
    const read =
      typeof v === "string" ? { text: v } : readConfigFile(ctx, v.file, [...at, d, "file"], `${d} config`, name);
    const block = lines(read.text);
    const part: ConfigPart = { daemon: d, first: out.length + 1, count: block.length };
    if ("file" in read) part.file = read.file;
    parts.push(part);
    out.push(...block);
  }
  return { text: out.length ? `${out.join("\n")}\n` : "", parts };
}
