// Checks an frr.conf with FRR's own parser (`vtysh -C -f FILE`: no daemon needed) and maps
// each error back to the line the user wrote.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { NodeModel } from "../../core/model.js";
import { type RunResult, run } from "../../util/exec.js";
import { withScratchDir } from "../../util/scratch.js";
import { type RenderOptions, renderFrrConfigDetailed } from "./render.js";

export const VTYSH = process.env.WIRELAB_VTYSH ?? "vtysh";

export interface FrrConfigError {
  /** 1-based line in the checked (rendered) file; 0 when vtysh gave no line. */
  line: number;
  /** The offending line as it stands in the file, trimmed. */
  text: string;
  /** FRR's message without its internal node number, e.g. `% Unknown command`. */
  message: string;
  /** 1-based line within the node's raw `config:` text, when the line came from there. */
  configLine?: number;
}

/**
 * vtysh's noise on stderr when run with `-N`: it looks for /etc/frr/<pathspace>/vtysh.conf,
 * which wirelab does not create. Harmless.
 */
export function isVtyshNoise(line: string): boolean {
  return /^% Can't open configuration file .*vtysh\.conf/.test(line);
}

/**
 * Parses vtysh's per-line errors (from `-C -f` or `-f`). Seen in FRR 8.4:
 *   line 7: % Unknown command[25]:  bogus line here
 *   line 2: % Command incomplete[25]:  neighbor 1.2.3.4 remote-as
 *   line 3: % Ambiguous command[4]: ...
 *   line 1: Warning[4]...: ...
 *   line 3: Failure to communicate[13] to bgpd, line:  neighbor 1.1.1.1 update-source 1.2.3.4
 * `text` is the file's own line when given (exact), else what vtysh echoed.
 */
export function parseVtyshErrors(stderr: string, fileText?: string): FrrConfigError[] {
  const fileLines = fileText?.replace(/\r\n?/g, "\n").split("\n");
  const errors: FrrConfigError[] = [];
  for (const raw of stderr.split("\n")) {
    const m = /^line (\d+): (.*)$/.exec(raw.trimEnd());
    if (!m) continue;
    const line = Number(m[1]);
    const rest = (m[2] ?? "").replace(/\[\d+\]/g, "");
    let message = rest;
    let echoed = "";
    const fail = /^(Failure to communicate to \S+?), line: ?(.*)$/.exec(rest);
    const generic = /^(.*?)(?:\.\.\.)?: ?(.*)$/.exec(rest);
    if (fail) {
      message = fail[1] ?? rest;
      echoed = fail[2] ?? "";
    } else if (generic) {
      message = generic[1] ?? rest;
      echoed = generic[2] ?? "";
    }
    const own = fileLines?.[line - 1];
    errors.push({ line, text: (own ?? echoed).trim(), message: message.trim() });
  }
  return errors;
}

/** Runs vtysh (never through a shell), turning "not installed" into a clear error. */
export async function runVtysh(args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
  try {
    return await run(VTYSH, args, { timeoutMs });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`${VTYSH} not found: FRR is not installed (apt-get install frr)`);
    }
    throw e;
  }
}

/**
 * Checks a complete frr.conf with `vtysh -C -f` (syntax and nesting, as FRR parses it; no
 * daemon is involved). Returns every error, in file order; [] when FRR accepts the file.
 */
export async function checkFrrConfig(text: string): Promise<FrrConfigError[]> {
  return withScratchDir("frr", async (dir) => {
    const file = path.join(dir, "frr.conf");
    await writeFile(file, text, { mode: 0o600 });
    const r = await runVtysh(["-C", "-f", file]);
    const errors = parseVtyshErrors(r.stderr, text);
    if (r.code !== 0 && errors.length === 0) {
      // Never silent: a failure without per-line errors is reported as such.
      const detail = [r.stderr, r.stdout]
        .join("\n")
        .split("\n")
        .filter((l) => l.trim() && !isVtyshNoise(l))
        .join("; ");
      errors.push({ line: 0, text: "", message: `vtysh -C failed (exit ${r.code})${detail ? `: ${detail}` : ""}` });
    }
    return errors;
  });
}

/**
 * The line of the node's raw `config:` text that rendered line `line` came from, if any.
 * `text` (the line as vtysh reported it) guards against a mismatched rendering.
 */
export function configLineOf(node: NodeModel, line: number, text?: string): number | undefined {
  const r = renderFrrConfigDetailed(node);
  const origin = r.origins[line - 1];
  if (origin?.kind !== "config") return undefined;
  const rendered = r.text.split("\n")[line - 1]?.trim();
  if (text !== undefined && rendered !== text.trim()) return undefined;
  // An interface line may have been rewritten to the kernel name: still the user's line.
  return origin.line;
}

/** Renders the node's frr.conf and checks it; errors carry configLine where it applies. */
export async function checkNodeFrrConfig(
  node: NodeModel,
  opts: RenderOptions = {},
): Promise<{ text: string; errors: FrrConfigError[]; warnings: string[] }> {
  const r = renderFrrConfigDetailed(node, opts);
  const errors = await checkFrrConfig(r.text);
  for (const e of errors) {
    const o = r.origins[e.line - 1];
    if (o?.kind === "config") e.configLine = o.line;
  }
  return { text: r.text, errors, warnings: r.warnings };
}

/**
 * One error as a user reads it:
 *   ops1: frr.conf line 7: % Unknown command: bogus line here
 *   ops1: frr.conf line 12 (config line 3): % Unknown command: bogus line here
 * `node` may be a name; with the model, the config line is found when not already set.
 * `file` (the topology file) is put in front when given.
 */
export function formatConfigError(node: NodeModel | string, err: FrrConfigError, file?: string): string {
  const name = typeof node === "string" ? node : node.name;
  const cfg =
    err.configLine ?? (typeof node === "string" || err.line === 0 ? undefined : configLineOf(node, err.line, err.text));
  const what = err.text ? `${err.message}: ${err.text}` : err.message;
  const stack = typeof node === "string" ? undefined : node.stack;
  // A line the user wrote: point at it where it was written, as every input error does.
  const part =
    cfg === undefined ? undefined : stack?.configParts?.find((p) => cfg >= p.first && cfg < p.first + p.count);
  if (cfg !== undefined && part) {
    // A per-daemon block: its own file, or its place in the topology file.
    const k = cfg - part.first;
    if (part.file) return `${part.file}:${k + 1}:1: ${name}: ${what} (${part.daemon} config line ${k + 1})`;
    if (part.pos && file) {
      return `${file}:${part.pos.line + k}:${part.pos.col}: ${name}: ${what} (${part.daemon} config line ${k + 1})`;
    }
  }
  if (cfg !== undefined && stack?.configFile)
    return `${stack.configFile}:${cfg}:1: ${name}: ${what} (frr.conf line ${err.line})`;
  if (cfg !== undefined && stack?.configPos && file) {
    return `${file}:${stack.configPos.line + cfg - 1}:${stack.configPos.col}: ${name}: ${what} (frr.conf line ${err.line})`;
  }
  const where = err.line > 0 ? ` frr.conf line ${err.line}${cfg !== undefined ? ` (config line ${cfg})` : ""}:` : "";
  return `${file ? `${file}: ` : ""}${name}:${where} ${what}`;
}

/** Lines that only move between configuration levels: FRR skips them, with an error. */
const NAVIGATION = /^(exit|exit-address-family|exit-vrf|exit-vni|exit-vnc|quit|end)$/;

/** An error about a navigation-only line (a stray `exit-address-family`), not a real one. */
export function isBenign(err: FrrConfigError): boolean {
  return /Unknown command/.test(err.message) && NAVIGATION.test(err.text.trim());
}
