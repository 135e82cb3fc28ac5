// File operations for code that runs as root in directories others may be able to write
// (a lab's run directory, an FRR-owned directory, a user's output directory). None of them
// follows a symbolic link, and ownership and modes are set on open handles, never by path:
// a path can be swapped for a link between a check and a use, a handle cannot.
//
// Node has no openat/unlinkat. Where a path must be resolved inside a directory that was
// checked, it is resolved through /proc/self/fd/N (N an open handle on that directory):
// the kernel takes such a path from the directory the handle holds, wherever that directory
// has been moved since and whatever now sits at its old path. That is openat's guarantee.
import { randomBytes } from "node:crypto";
import { constants as C, type Stats } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readdir, rename, rmdir, unlink } from "node:fs/promises";
import path from "node:path";

/** A refused operation: something at the path is not what root may safely touch. */
export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`refusing ${path}: ${why}`);
    this.name = "UnsafePathError";
  }
}

const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (e) {
    if (errno(e) === "ENOENT") return undefined;
    throw e;
  }
}

function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isDirectory()) return "a directory";
  if (st.isFile()) return "a regular file";
  return "a special file";
}

/** A single path component: no separator, not `.`/`..`, not empty. */
function checkName(name: string, where: string): void {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new UnsafePathError(path.join(where, name), "not a plain file name");
  }
}

/** The path of `name` inside the directory open on `dir` (see the note at the top). */
function inDir(dir: FileHandle, name: string): string {
  return `/proc/self/fd/${dir.fd}/${name}`;
}

/** Opens a directory without following a link at `p`, and checks it is the one `st` describes. */
async function openDir(p: string, shown: string, st?: Stats): Promise<FileHandle> {
  let h: FileHandle;
  try {
    h = await open(p, DIR_FLAGS);
  } catch (e) {
    const code = errno(e);
    if (code === "ELOOP" || code === "ENOTDIR") throw new UnsafePathError(shown, "not a directory (or a link to one)");
    throw e;
  }
  if (st) {
    const got = await h.stat();
    if (!sameFile(got, st)) {
      await h.close();
      throw new UnsafePathError(shown, "it changed while it was being checked");
    }
  }
  return h;
}

export interface DirOptions {
  /** An existing directory may be used (otherwise it is an error). */
  reuse?: boolean;
  /** Required owner of an existing directory (default 0, root). */
  owner?: number;
}

/** Refuses an existing directory root should not trust: a link, another owner, writable by others. */
function checkExistingDir(st: Stats, shown: string, mode: number, opts: DirOptions): void {
  if (!st.isDirectory()) throw new UnsafePathError(shown, `it exists and is ${kindOf(st)}, not a directory`);
  if (!opts.reuse) throw new UnsafePathError(shown, "it already exists");
  const owner = opts.owner ?? 0;
  if (st.uid !== owner) throw new UnsafePathError(shown, `owned by uid ${st.uid}, not ${owner}`);
  // Group/other write access that was not asked for lets someone else plant entries.
  if (st.mode & 0o022 & ~mode) {
    throw new UnsafePathError(shown, `writable by group or others (mode ${(st.mode & 0o7777).toString(8)})`);
  }
}

/** mkdir at `p` (non-recursive); returns a handle on the new or reused, checked directory. */
async function makeDir(p: string, shown: string, mode: number, opts: DirOptions): Promise<FileHandle> {
  let created = true;
  try {
    await mkdir(p, { mode });
  } catch (e) {
    if (errno(e) !== "EEXIST") throw e;
    created = false;
  }
  const st = await lstat(p);
  if (!created) checkExistingDir(st, shown, mode, opts);
  else if (!st.isDirectory()) throw new UnsafePathError(shown, "it changed while it was being made");
  const h = await openDir(p, shown, st);
  try {
    // mkdir's mode is cut by the umask; set the one asked for, on the handle.
    if (created) await h.chmod(mode);
  } catch (e) {
    await h.close();
    throw e;
  }
  return h;
}

/**
 * Makes directory `p` (not its parents) with `mode`. An existing one is refused unless
 * `reuse` is set and it is a real directory (not a link) owned by `owner` (root) and not
 * writable by group or others beyond `mode`.
 */
export async function mkdirOwn(p: string, mode: number, opts: DirOptions = {}): Promise<void> {
  const h = await makeDir(p, p, mode, opts);
  await h.close();
}

/**
 * Makes `root/relParts[0]/relParts[1]/…`, one component at a time, each made or reused as
 * mkdirOwn does, each looked up inside the directory handle of the one before (so no
 * component can be swapped for a link on the way). `root` must be a real directory.
 * Returns the full path.
 */
export async function ensureDirChain(
  root: string,
  relParts: readonly string[],
  mode: number,
  opts: { owner?: number } = {},
): Promise<string> {
  const st = await lstat(root);
  if (!st.isDirectory()) throw new UnsafePathError(root, `it is ${kindOf(st)}, not a directory`);
  let dir = await openDir(root, root, st);
  let shown = root;
  try {
    for (const part of relParts) {
      checkName(part, shown);
      shown = path.join(shown, part);
      const next = await makeDir(inDir(dir, part), shown, mode, { reuse: true, owner: opts.owner });
      await dir.close();
      dir = next;
    }
  } finally {
    await dir.close();
  }
  return shown;
}

export interface WriteOptions {
  mode: number;
  uid?: number;
  gid?: number;
  /** The file must not exist yet (O_EXCL). */
  exclusive?: boolean;
}

/** Sets owner and mode on the handle, then writes `content` from the start. */
async function fill(h: FileHandle, content: string | Uint8Array, opts: WriteOptions): Promise<void> {
  if (opts.uid !== undefined || opts.gid !== undefined) await h.chown(opts.uid ?? -1, opts.gid ?? -1);
  await h.chmod(opts.mode);
  await h.writeFile(content);
}

/**
 * Writes a file without following a link at `p`: open(O_WRONLY|O_CREAT|O_NOFOLLOW, plus
 * O_EXCL when exclusive), then fstat: only a regular file with one link is written.
 * O_TRUNC is not used: truncating in open() would empty a hard link to a host file (or act
 * on a device) before the check could refuse it; the handle is truncated after the check.
 * O_NONBLOCK keeps a FIFO planted at `p` from blocking the open. Owner and mode are set
 * with fchown/fchmod on the handle, before the content is written.
 */
export async function writeFileNoFollow(p: string, content: string | Uint8Array, opts: WriteOptions): Promise<void> {
  const flags = C.O_WRONLY | C.O_CREAT | C.O_NOFOLLOW | C.O_NONBLOCK | (opts.exclusive ? C.O_EXCL : 0);
  let h: FileHandle;
  try {
    h = await open(p, flags, opts.mode);
  } catch (e) {
    if (errno(e) === "ELOOP") throw new UnsafePathError(p, "it is a symbolic link");
    // O_NONBLOCK on a FIFO with no reader: ENXIO, at once.
    if (errno(e) === "ENXIO") throw new UnsafePathError(p, "it is a special file");
    throw e;
  }
  try {
    const st = await h.stat();
    if (!st.isFile()) throw new UnsafePathError(p, `it is ${kindOf(st)}`);
    if (st.nlink > 1) throw new UnsafePathError(p, `it has ${st.nlink} hard links`);
    await h.truncate(0);
    await fill(h, content, opts);
  } finally {
    await h.close();
  }
}

/**
 * Replaces `dir/name` atomically: a temporary file made with O_EXCL|O_NOFOLLOW in `dir`,
 * written, fsynced, then renamed over `name`. A link at `dir/name` is refused (rename would
 * replace the link itself, not its target, but a link there means someone meddled). `dir`
 * itself must be a real directory. The directory is fsynced after the rename.
 */
export async function writeFileAtomic(
  dir: string,
  name: string,
  content: string | Uint8Array,
  opts: { mode: number; uid?: number; gid?: number },
): Promise<string> {
  checkName(name, dir);
  const final = path.join(dir, name);
  const d = await openDir(dir, dir, await lstat(dir));
  try {
    const existing = await lstatOrUndefined(inDir(d, name));
    if (existing && !existing.isFile()) throw new UnsafePathError(final, `it is ${kindOf(existing)}`);
    const tmpName = `.${name}.${randomBytes(6).toString("hex")}.tmp`;
    const tmp = inDir(d, tmpName);
    const h = await open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, opts.mode);
    try {
      try {
        await fill(h, content, opts);
        await h.sync();
      } finally {
        await h.close();
      }
      await rename(tmp, inDir(d, name));
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
    await d.sync();
  } finally {
    await d.close();
  }
  return final;
}

/**
 * Makes a new directory `p` (its parent must exist) for another user, in a parent that user
 * may control (FRR's /var/run/frr belongs to frr): mkdir (never follows a link; an existing
 * entry of any kind is refused: wirelab did not make it), open with O_NOFOLLOW, check on the
 * handle that it is still the directory root just made (root-owned, empty), then chmod and
 * chown the handle. Someone who swaps it in between gets a refusal, never a chown.
 */
export async function mkdirFresh(p: string, mode: number, owner: { uid: number; gid: number }): Promise<void> {
  try {
    await mkdir(p, { mode: 0o700 });
  } catch (e) {
    if (errno(e) === "EEXIST") {
      const st = await lstatOrUndefined(p);
      throw new UnsafePathError(p, `it already exists (${st ? kindOf(st) : "gone again"}) and wirelab did not make it`);
    }
    throw e;
  }
  const h = await openDir(p, p);
  try {
    const st = await h.stat();
    if (st.uid !== 0 || st.nlink !== 2) throw new UnsafePathError(p, "it changed while it was being made");
    await h.chmod(mode);
    await h.chown(owner.uid, owner.gid);
  } finally {
    await h.close();
  }
}

/** chown of a directory through a handle opened with O_NOFOLLOW|O_DIRECTORY (fchown). */
export async function chownDirHandle(p: string, uid: number, gid: number): Promise<void> {
  const h = await openDir(p, p);
  try {
    await h.chown(uid, gid);
  } finally {
    await h.close();
  }
}

/**
 * Removes the tree at `p` without following links: a link is unlinked, never descended.
 * The tree is first renamed to a random sibling name (checked by dev/ino), so whoever could
 * write the parent cannot predict the path being removed; from then on every directory is
 * worked on through its handle (see the note at the top), opened with O_NOFOLLOW and
 * checked by dev/ino against the lstat that classified it. A directory on another device (a
 * mount) is refused, not descended. `expectOwner`: the top directory must have this owner.
 *
 * Residual race, honestly: the path of `p`'s parent is resolved by name, so a caller must
 * pass a path whose parents only root can change. An entry replaced between its lstat and
 * its removal is handled: a directory swapped for a link fails the O_NOFOLLOW open and is
 * unlinked as a link; a file swapped for a directory makes unlink fail (EISDIR) and the
 * removal stops with an error. Nothing outside the tree is ever removed or followed into.
 * Needs /proc (wirelab is Linux-only).
 */
export async function removeTree(p: string, opts: { expectOwner?: number } = {}): Promise<void> {
  const st = await lstatOrUndefined(p);
  if (!st) return;
  if (opts.expectOwner !== undefined && st.uid !== opts.expectOwner) {
    throw new UnsafePathError(p, `owned by uid ${st.uid}, not ${opts.expectOwner}`);
  }
  if (!st.isDirectory()) {
    await unlink(p); // a link or a file: unlink never follows
    return;
  }
  const moved = path.join(path.dirname(p), `.${path.basename(p)}.rm-${randomBytes(6).toString("hex")}`);
  await rename(p, moved);
  const after = await lstat(moved);
  if (!sameFile(after, st)) {
    // Swapped between the lstat and the rename. A link is harmless to unlink; anything else stays for a person.
    if (after.isSymbolicLink()) await unlink(moved);
    throw new UnsafePathError(
      p,
      `it changed while it was being removed${after.isSymbolicLink() ? "" : ` (left at ${moved})`}`,
    );
  }
  const h = await openDir(moved, p, st);
  try {
    await removeContents(h, p, st.dev, 0);
  } finally {
    await h.close();
  }
  await rmdir(moved);
}

/** rmdir through a handle path; errors name the tree path, not /proc/self/fd/N. */
async function rmdirChecked(entry: string, where: string): Promise<void> {
  try {
    await rmdir(entry);
  } catch (e) {
    const code = errno(e);
    if (code === "ENOENT") return;
    if (code === "ENOTDIR" || code === "ENOTEMPTY") {
      throw new UnsafePathError(where, "it changed while it was being removed");
    }
    throw e;
  }
}

/** Deeper than this is refused: a tree that deep was made to exhaust handles or the stack. */
const MAX_DEPTH = 64;

async function removeContents(dir: FileHandle, shown: string, dev: number, depth: number): Promise<void> {
  if (depth > MAX_DEPTH) throw new UnsafePathError(shown, `deeper than ${MAX_DEPTH} directories`);
  for (const name of await readdir(`/proc/self/fd/${dir.fd}`)) {
    const entry = inDir(dir, name);
    const where = path.join(shown, name);
    const st = await lstatOrUndefined(entry);
    if (!st) continue;
    if (st.isDirectory()) {
      if (st.dev !== dev) throw new UnsafePathError(where, "a mount point (another file system); unmount it first");
      let sub: FileHandle | undefined;
      try {
        sub = await openDir(entry, where, st);
      } catch (e) {
        if (errno(e) === "ENOENT") continue; // removed by someone else meanwhile
        if (!(e instanceof UnsafePathError)) throw e;
        // Swapped for a link or a file since the lstat: unlink it, do not follow it.
        const now = await lstatOrUndefined(entry);
        if (now && !now.isDirectory()) await unlink(entry);
        else if (now) throw e;
        continue;
      }
      try {
        await removeContents(sub, where, dev, depth + 1);
      } finally {
        await sub.close();
      }
      await rmdirChecked(entry, where);
    } else {
      try {
        await unlink(entry);
      } catch (e) {
        if (errno(e) === "ENOENT") continue;
        if (errno(e) === "EISDIR") throw new UnsafePathError(where, "it changed while it was being removed");
        throw e;
      }
    }
  }
}
