import { lstat, mkdir } from "node:fs/promises";
import path from "node:path";
import { nodeExecArgv } from "../../runtime/netns/exec.js";
import { RUN_ROOT } from "../../runtime/paths.js";
import { runOk } from "../../util/exec.js";
import { UnsafePathError, writeFileAtomic } from "../../util/safe-fs.js";
import { labState, UsageError } from "../resolve.js";

export interface SaveFlags {
  topology?: string;
  lab?: string;
  output?: string;
  json?: boolean;
  force?: boolean;
}

/**
 * The output directory as root may write into it: made 0700 when missing; otherwise a real
 * directory (not a link), owned by root and not writable by group or others, unless
 * `force`. Someone who can write the directory could plant links or swap files there.
 */
async function checkOutputDir(dir: string, force: boolean): Promise<void> {
  const st = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
  if (!st) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return checkOutputDir(dir, force);
  }
  if (st.isSymbolicLink()) throw new UsageError(`output directory ${dir} is a symbolic link; name the real directory`);
  if (!st.isDirectory()) throw new UsageError(`output ${dir} is not a directory`);
  if (force) return;
  const again = "; use --force to write there anyway";
  if (st.uid !== 0) throw new UsageError(`output directory ${dir} is owned by uid ${st.uid}, not root${again}`);
  if (st.mode & 0o022) {
    const mode = (st.mode & 0o7777).toString(8);
    throw new UsageError(`output directory ${dir} is writable by group or others (mode ${mode})${again}`);
  }
}

/**
 * Writes each config to `dir/<node>.conf`, each atomically (a new file made with O_EXCL in
 * `dir`, then renamed over the old one), never through a link at `<node>.conf`.
 */
export async function writeConfigFiles(
  dir: string,
  configs: readonly { node: string; text: string }[],
  opts: { force?: boolean } = {},
): Promise<{ node: string; file: string }[]> {
  await checkOutputDir(dir, opts.force ?? false);
  const saved: { node: string; file: string }[] = [];
  for (const c of configs) {
    try {
      saved.push({ node: c.node, file: await writeFileAtomic(dir, `${c.node}.conf`, c.text, { mode: 0o644 }) });
    } catch (e) {
      if (e instanceof UnsafePathError) throw new UsageError(e.message);
      throw e;
    }
  }
  return saved;
}

/**
 * `show running-config` as a loadable frr.conf: without vtysh's banner lines, and with one
 * hostname line (vtysh adds its own, which inside the node is the node's name again).
 */
export function cleanRunningConfig(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("frr version") || l === "!");
  const body = start >= 0 ? lines.slice(start) : lines;
  const seen = new Set<string>();
  return `${body
    .filter((l) => {
      // wirelab's own log line points into the lab's run directory, gone after destroy.
      if (l.startsWith(`log file ${RUN_ROOT}/`)) return false;
      if (!l.startsWith("hostname ")) return true;
      if (seen.has(l)) return false;
      seen.add(l);
      return true;
    })
    .join("\n")
    .trimEnd()}\n`;
}

/** Writes each frr node's running config to DIR/<node>.conf (default: beside the topology). */
export async function saveCommand(flags: SaveFlags): Promise<number> {
  const state = await labState(flags);
  const base = flags.topology ? path.dirname(path.resolve(flags.topology)) : process.cwd();
  const dir = path.resolve(flags.output ?? path.join(base, `${state.name}-configs`));
  const configs: { node: string; text: string }[] = [];
  for (const n of state.model.nodes.filter((x) => x.kind === "frr")) {
    // Inside the node (its hostname namespace), so vtysh's own hostname line is the node's.
    const [cmd, ...args] = nodeExecArgv(state.name, n, ["vtysh", "-c", "show running-config"]);
    configs.push({ node: n.name, text: cleanRunningConfig((await runOk(cmd as string, args)).stdout) });
  }
  const saved = await writeConfigFiles(dir, configs, { force: flags.force });
  if (flags.json) process.stdout.write(`${JSON.stringify(saved, null, 2)}\n`);
  else for (const s of saved) process.stdout.write(`${s.node}: ${s.file}\n`);
  return 0;
}
