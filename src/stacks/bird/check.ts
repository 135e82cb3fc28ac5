// Checks a bird.conf with BIRD's own parser (`bird -p -c FILE`: parse and exit, no daemon)
// and maps its error back to the line the user wrote. BIRD stops at the first error, so a
// config has at most one. The check runs as the user BIRD will run as (`-u bird -g bird`):
// BIRD drops root before it reads its config, in the check as at start, so an `include`
// of a file that user may not read fails here too, and nothing is read as root.
import { access, chmod, chown, constants, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { userIds } from "../../core/executor.js";
import type { NodeModel } from "../../core/model.js";
import { run } from "../../util/exec.js";
import { withScratchDir } from "../../util/scratch.js";
import { BIRD_BIN } from "./paths.js";
import type { LineOrigin } from "./render.js";
import { birdUser, dropArgs } from "./user.js";

export interface BirdConfigError {
  /** 1-based line in the checked (rendered) file; 0 when BIRD gave no position. */
  line: number;
  col?: number;
  /** The offending line as it stands in the file, trimmed. */
  text: string;
  /** BIRD's message, e.g. `syntax error, unexpected CF_SYM_UNDEFINED`. */
  message: string;
  /** 1-based line within the node's raw `config:` text, when the line came from there. */
  configLine?: number;
  /** Another file than the checked one (an `include`): its name as BIRD gave it. */
  file?: string;
}

/**
 * Parses `bird -p`'s error (stderr, BIRD 2.0.12):
 *   bird: /tmp/x/bird.conf:13:18 syntax error, unexpected CF_SYM_UNDEFINED, expecting …
 *   bird: /etc/x.conf:1:1 …                 (an included file)
 *   bird: Unable to open configuration file …: Permission denied
 */
export function parseBirdCheck(stderr: string, checked: string, fileText: string): BirdConfigError[] {
  const fileLines = fileText.replace(/\r\n?/g, "\n").split("\n");
  const errors: BirdConfigError[] = [];
  for (const raw of stderr.split("\n")) {
    const line = raw.replace(/^bird: /, "").trim();
    if (!line) continue;
    const m = /^(.*?):(\d+):(\d+) (.*)$/.exec(line);
    if (m && m[1] === checked) {
      const n = Number(m[2]);
      errors.push({ line: n, col: Number(m[3]), text: (fileLines[n - 1] ?? "").trim(), message: m[4] ?? "" });
    } else if (m) {
      errors.push({ line: 0, text: "", message: `${m[1]} line ${m[2]}: ${m[4]}`, file: m[1] });
    } else {
      errors.push({ line: 0, text: "", message: line });
    }
  }
  return errors;
}

/**
 * Makes a scratch directory readable by BIRD's group only (root:bird 2750; setgid, so the
 * files written into it afterwards are root:bird too, each 0640): the user `bird -p` drops to.
 * Returns that user, or undefined when BIRD runs as root.
 */
async function readableByBird(dir: string): Promise<string | undefined> {
  const user = birdUser();
  if (user) {
    const { gid } = await userIds(user);
    await chown(dir, 0, gid);
    await chmod(dir, 0o2750);
  }
  return user;
}

/** Runs `bird -p` on a complete bird.conf; [] when BIRD accepts it. */
export async function checkBirdConfig(text: string): Promise<BirdConfigError[]> {
  return withScratchDir("bird", async (dir) => {
    const file = path.join(dir, "bird.conf");
    const user = await readableByBird(dir);
    await writeFile(file, text, { mode: user ? 0o640 : 0o600 });
    const r = await run(BIRD_BIN, ["-p", "-c", file, ...dropArgs()], { timeoutMs: 30_000 }).catch((e: Error) => {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw new Error(`${BIRD_BIN} not found: BIRD is not installed (apt-get install bird2)`);
      }
      throw e;
    });
    if (r.code === 0) return [];
    const errors = parseBirdCheck(r.stderr, file, text);
    // Never silent: a failure without a message is reported as such.
    return errors.length ? errors : [{ line: 0, text: "", message: `bird -p failed (exit ${r.code})` }];
  });
}

/** Below this many configs, one `bird -p` per config from here; above, the batch below. */
const BATCH_FROM = 8;

// One shell per CPU runs `bird -p` on its share of the files; a file BIRD refuses is printed
// (its error is in FILE.err). The script is fixed text: the binary, the user and the file
// names (wirelab's own temporary files) arrive as arguments, never inside the script.
const BATCH_SCRIPT = `b=$1; u=$2; shift 2
for f do
  if [ -n "$u" ]; then "$b" -p -c "$f" -u "$u" -g "$u" 2>"$f.err"; else "$b" -p -c "$f" 2>"$f.err"; fi || printf '%s\n' "$f"
done`;

/**
 * Checks many configs at once, each with its own `bird -p` as checkBirdConfig does, but
 * started by a few shells instead of one process each from wirelab: at a thousand routers
 * the spawns from Node (each a fork of a large process) cost more than BIRD's parsing.
 * Returns each config's errors, in order.
 */
export async function checkBirdConfigs(
  texts: readonly string[],
  parallel = os.availableParallelism(),
): Promise<BirdConfigError[][]> {
  if (texts.length < BATCH_FROM) return Promise.all(texts.map((t) => checkBirdConfig(t)));
  await access(BIRD_BIN, constants.X_OK).catch(() => {
    throw new Error(`${BIRD_BIN} not found: BIRD is not installed (apt-get install bird2)`);
  });
  return withScratchDir("bird", async (dir) => {
    const user = await readableByBird(dir);
    const files = texts.map((_, i) => path.join(dir, `${i}.conf`));
    await Promise.all(texts.map((t, i) => writeFile(files[i] as string, t, { mode: user ? 0o640 : 0o600 })));
    const n = Math.max(1, Math.min(parallel, files.length));
    const shares = Array.from({ length: n }, (_, k) => files.filter((_, i) => i % n === k));
    const refused = new Set<string>();
    await Promise.all(
      shares.map(async (share) => {
        const r = await run("/bin/sh", ["-c", BATCH_SCRIPT, "wirelab-bird-check", BIRD_BIN, user ?? "", ...share], {
          timeoutMs: 30_000 + share.length * 1000,
        });
        if (r.code !== 0) throw new Error(`bird -p batch failed (exit ${r.code}): ${r.stderr.trim()}`);
        for (const f of r.stdout.split("\n")) if (f) refused.add(f);
      }),
    );
    return Promise.all(
      files.map(async (f, i) => {
        if (!refused.has(f)) return [];
        const stderr = await readFile(`${f}.err`, "utf8").catch(() => "");
        const errors = parseBirdCheck(stderr, f, texts[i] as string);
        return errors.length
          ? errors
          : [{ line: 0, text: "", message: "bird -p refused the config without a message" }];
      }),
    );
  });
}

/** Sets configLine on errors whose line came from the node's raw `config:` text. */
export function mapToConfig(errors: BirdConfigError[], origins: readonly LineOrigin[]): BirdConfigError[] {
  for (const e of errors) {
    const o = origins[e.line - 1];
    if (o?.kind === "config") e.configLine = o.line;
  }
  return errors;
}

/**
 * One error as a user reads it:
 *   topo.yml: ops1: bird.conf line 12 (config line 3), column 5: syntax error, …: bogus line
 */
export function formatBirdError(node: NodeModel | string, err: BirdConfigError, file?: string): string {
  const name = typeof node === "string" ? node : node.name;
  const cfg = err.configLine !== undefined ? ` (config line ${err.configLine})` : "";
  const where = err.line > 0 ? ` bird.conf line ${err.line}${cfg}${err.col ? `, column ${err.col}` : ""}:` : "";
  const what = err.text ? `${err.message}: ${err.text}` : err.message;
  return `${file ? `${file}: ` : ""}${name}:${where} ${what}`;
}
