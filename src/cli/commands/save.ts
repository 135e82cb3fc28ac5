import { lstat, mkdir } from "node:fs/promises";
import path from "node:path";
import { nodeHandle } from "../../runtimes/index.js";
import { stackOf } from "../../stacks/index.js";
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

/** Writes each router's running config to DIR/<node>.conf (default: beside the topology). */
export async function saveCommand(flags: SaveFlags): Promise<number> {
  const state = await labState(flags);
  const base = flags.topology ? path.dirname(path.resolve(flags.topology)) : process.cwd();
  const dir = path.resolve(flags.output ?? path.join(base, `${state.name}-configs`));
  const configs: { node: string; text: string }[] = [];
  for (const n of state.model.nodes) {
    const stack = stackOf(n);
    if (!stack) continue;
    // The stack's own running config, loadable again (FRR: show running-config, cleaned).
    configs.push({ node: n.name, text: await stack.runningConfig(nodeHandle(state.name, n)) });
  }
  const saved = await writeConfigFiles(dir, configs, { force: flags.force });
  if (flags.json) process.stdout.write(`${JSON.stringify(saved, null, 2)}\n`);
  else for (const s of saved) process.stdout.write(`${s.node}: ${s.file}\n`);
  return 0;
}
