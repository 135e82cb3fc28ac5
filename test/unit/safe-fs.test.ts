// Root-safe file operations: a link planted where wirelab writes, makes or removes is
// refused or unlinked, never followed; owners and modes are the ones asked for.
// Runs as root (chown to other users, files owned by others).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  chownDirHandle,
  ensureDirChain,
  mkdirOwn,
  removeTree,
  UnsafePathError,
  writeFileAtomic,
  writeFileNoFollow,
} from "../../src/util/safe-fs.js";

const root = process.getuid?.() === 0;
let base = "";
/** A root-owned 0600 file and a directory outside the area under test: must never change. */
let secret = "";
let outsideDir = "";

const refused = (e: unknown) => e instanceof UnsafePathError;

async function unchanged(): Promise<void> {
  assert.equal(await readFile(secret, "utf8"), "secret\n");
  const st = await stat(secret);
  assert.equal(st.mode & 0o7777, 0o600);
  assert.equal(st.uid, 0);
  assert.deepEqual(await readdir(outsideDir), ["keep"]);
  const d = await stat(outsideDir);
  assert.equal(d.mode & 0o7777, 0o700);
  assert.equal(d.uid, 0);
}

before(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), "wirelab-safefs-"));
  secret = path.join(base, "secret");
  await writeFile(secret, "secret\n", { mode: 0o600 });
  outsideDir = path.join(base, "outside");
  await mkdir(outsideDir, { mode: 0o700 });
  await writeFile(path.join(outsideDir, "keep"), "keep\n");
});
after(() => rm(base, { recursive: true, force: true }));

let n = 0;
async function area(): Promise<string> {
  const d = path.join(base, `t${n++}`);
  await mkdir(d, { mode: 0o700 });
  return d;
}

describe("mkdirOwn", { skip: !root && "needs root" }, () => {
  test("makes a directory with exactly the mode asked (not cut by the umask)", async () => {
    const d = path.join(await area(), "new");
    await mkdirOwn(d, 0o770);
    const st = await lstat(d);
    assert.ok(st.isDirectory());
    assert.equal(st.mode & 0o7777, 0o770);
    assert.equal(st.uid, 0);
  });

  test("a link at the path is refused; its target is unchanged", async () => {
    const d = path.join(await area(), "dir");
    await symlink(outsideDir, d);
    await assert.rejects(mkdirOwn(d, 0o755, { reuse: true }), refused);
    await assert.rejects(mkdirOwn(d, 0o777), refused);
    await unchanged();
  });

  test("an existing directory: refused unless reused, owned by root and not writable by others", async () => {
    const a = await area();
    const d = path.join(a, "x");
    await mkdir(d, { mode: 0o755 });
    await assert.rejects(mkdirOwn(d, 0o755), refused);
    await mkdirOwn(d, 0o755, { reuse: true });
    await chown(d, 1234, 1234);
    await assert.rejects(mkdirOwn(d, 0o755, { reuse: true }), /owned by uid 1234/);
    await chown(d, 0, 0);
    await chmod(d, 0o777);
    await assert.rejects(mkdirOwn(d, 0o755, { reuse: true }), /writable by group or others/);
  });

  test("a file at the path is refused", async () => {
    const f = path.join(await area(), "f");
    await writeFile(f, "");
    await assert.rejects(mkdirOwn(f, 0o755, { reuse: true }), refused);
  });
});

describe("ensureDirChain", { skip: !root && "needs root" }, () => {
  test("makes each component with the mode; existing root-owned ones are reused", async () => {
    const a = await area();
    await mkdir(path.join(a, "x"), { mode: 0o755 });
    const full = await ensureDirChain(a, ["x", "y", "z"], 0o750);
    assert.equal(full, path.join(a, "x", "y", "z"));
    assert.equal((await lstat(path.join(a, "x"))).mode & 0o7777, 0o755); // reused, left as it was
    assert.equal((await lstat(path.join(a, "x", "y"))).mode & 0o7777, 0o750);
    assert.equal((await lstat(full)).mode & 0o7777, 0o750);
  });

  test("a link as a component is refused; nothing is made through it", async () => {
    const a = await area();
    await symlink(outsideDir, path.join(a, "x"));
    await assert.rejects(ensureDirChain(a, ["x", "y"], 0o755), refused);
    await unchanged();
  });

  test("a component owned by another user is refused", async () => {
    const a = await area();
    await mkdir(path.join(a, "x"), { mode: 0o755 });
    await chown(path.join(a, "x"), 1234, 1234);
    await assert.rejects(ensureDirChain(a, ["x", "y"], 0o755), /owned by uid 1234/);
    await assert.rejects(lstat(path.join(a, "x", "y")), { code: "ENOENT" });
  });

  test("path parts must be plain names", async () => {
    const a = await area();
    for (const bad of ["..", ".", "a/b", ""]) await assert.rejects(ensureDirChain(a, [bad], 0o755), refused);
  });

  test("a link as the root is refused", async () => {
    const a = await area();
    await symlink(outsideDir, path.join(a, "r"));
    await assert.rejects(ensureDirChain(path.join(a, "r"), ["y"], 0o755), refused);
    await unchanged();
  });
});

describe("writeFileNoFollow", { skip: !root && "needs root" }, () => {
  test("a link at the path is refused; the target keeps its content and mode", async () => {
    const f = path.join(await area(), "f");
    await symlink(secret, f);
    await assert.rejects(writeFileNoFollow(f, "pwned\n", { mode: 0o666, uid: 1234, gid: 1234 }), refused);
    await assert.rejects(writeFileNoFollow(f, "pwned\n", { mode: 0o666, exclusive: true }), { code: "EEXIST" });
    await unchanged();
  });

  test("a hard link to another file is refused, not emptied", async () => {
    const f = path.join(await area(), "f");
    await link(secret, f);
    await assert.rejects(writeFileNoFollow(f, "pwned\n", { mode: 0o644 }), /hard links/);
    await unchanged();
  });

  test("a FIFO is refused without blocking", async () => {
    const f = path.join(await area(), "fifo");
    execFileSync("mkfifo", [f]);
    await assert.rejects(writeFileNoFollow(f, "x", { mode: 0o644 }), /special file/);
  });

  test("owner and mode as asked; an existing file is replaced in full", async () => {
    const f = path.join(await area(), "f");
    await writeFileNoFollow(f, "a long first version\n", { mode: 0o640, uid: 1234, gid: 5678 });
    let st = await lstat(f);
    assert.equal(st.mode & 0o7777, 0o640);
    assert.equal(st.uid, 1234);
    assert.equal(st.gid, 5678);
    await writeFileNoFollow(f, "short\n", { mode: 0o600 });
    st = await lstat(f);
    assert.equal(await readFile(f, "utf8"), "short\n");
    assert.equal(st.mode & 0o7777, 0o600);
    await assert.rejects(writeFileNoFollow(f, "x", { mode: 0o600, exclusive: true }), { code: "EEXIST" });
  });
});

describe("writeFileAtomic", { skip: !root && "needs root" }, () => {
  test("a link at the final path is refused; its target is unchanged", async () => {
    const a = await area();
    await symlink(secret, path.join(a, "r1.conf"));
    await assert.rejects(writeFileAtomic(a, "r1.conf", "pwned\n", { mode: 0o644 }), refused);
    await unchanged();
    assert.deepEqual(await readdir(a), ["r1.conf"]); // no temporary file left
  });

  test("a link as the directory is refused", async () => {
    const a = await area();
    await symlink(outsideDir, path.join(a, "d"));
    await assert.rejects(writeFileAtomic(path.join(a, "d"), "keep", "pwned\n", { mode: 0o644 }), refused);
    await unchanged();
  });

  test("writes content, mode and owner; replaces an existing file; leaves no temporary file", async () => {
    const a = await area();
    await writeFile(path.join(a, "x"), "old old old\n", { mode: 0o666 });
    const file = await writeFileAtomic(a, "x", "new\n", { mode: 0o600, uid: 1234, gid: 1234 });
    assert.equal(file, path.join(a, "x"));
    assert.equal(await readFile(file, "utf8"), "new\n");
    const st = await lstat(file);
    assert.equal(st.mode & 0o7777, 0o600);
    assert.equal(st.uid, 1234);
    assert.deepEqual(await readdir(a), ["x"]);
  });

  test("names with path parts are refused", async () => {
    const a = await area();
    for (const bad of ["../x", "..", "a/b", ""])
      await assert.rejects(writeFileAtomic(a, bad, "x", { mode: 0o644 }), refused);
  });
});

describe("chownDirHandle", { skip: !root && "needs root" }, () => {
  test("a link is refused; its target keeps its owner", async () => {
    const a = await area();
    await symlink(outsideDir, path.join(a, "d"));
    await assert.rejects(chownDirHandle(path.join(a, "d"), 1234, 1234), refused);
    await unchanged();
  });

  test("a directory gets the owner", async () => {
    const d = path.join(await area(), "d");
    await mkdir(d);
    await chownDirHandle(d, 1234, 5678);
    const st = await lstat(d);
    assert.deepEqual([st.uid, st.gid], [1234, 5678]);
  });
});

describe("removeTree", { skip: !root && "needs root" }, () => {
  test("links to outside files and directories are unlinked, never followed", async () => {
    const a = await area();
    const t = path.join(a, "lab");
    await mkdir(path.join(t, "nodes", "r1"), { recursive: true });
    await writeFile(path.join(t, "state.json"), "{}");
    await writeFile(path.join(t, "nodes", "r1", "frr.conf"), "!");
    await symlink(outsideDir, path.join(t, "nodes", "r2")); // where a directory is expected
    await symlink(secret, path.join(t, "nodes", "r1", "zebra.conf"));
    await symlink(outsideDir, path.join(t, "nodes", "r1", "dir-link"));
    await symlink("/nonexistent", path.join(t, "dangling"));
    await removeTree(t);
    assert.deepEqual(await readdir(a), []); // the tree and its renamed copy are gone
    await unchanged();
  });

  test("a link at the top is unlinked; its target is untouched", async () => {
    const a = await area();
    await symlink(outsideDir, path.join(a, "lab"));
    await removeTree(path.join(a, "lab"));
    assert.deepEqual(await readdir(a), []);
    await unchanged();
  });

  test("expectOwner: a tree owned by someone else is refused", async () => {
    const a = await area();
    const t = path.join(a, "lab");
    await mkdir(t);
    await chown(t, 1234, 1234);
    await assert.rejects(removeTree(t, { expectOwner: 0 }), /owned by uid 1234/);
    assert.ok((await lstat(t)).isDirectory());
    await removeTree(t, { expectOwner: 1234 });
    await assert.rejects(lstat(t), { code: "ENOENT" });
  });

  test("a mount inside the tree is refused, not descended", async () => {
    const a = await area();
    const m = path.join(a, "lab", "mnt");
    await mkdir(m, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "wirelab-test", m]);
    try {
      await writeFile(path.join(m, "keep"), "keep\n");
      await assert.rejects(removeTree(path.join(a, "lab")), /mount point/);
    } finally {
      // The tree was renamed before the removal began; the mount moved with it.
      const moved = path.join(a, (await readdir(a))[0] ?? "lab", "mnt");
      assert.equal(await readFile(path.join(moved, "keep"), "utf8"), "keep\n");
      execFileSync("umount", [moved]);
    }
  });

  test("directories swapped for links while the tree is removed: nothing outside is touched", async (t) => {
    const a = await area();
    const tree = path.join(a, "lab");
    const count = 60;
    // Outside files named like the tree's own: a remover working by path would hit them.
    const victim = path.join(a, "victim");
    await mkdir(victim);
    const names = Array.from({ length: 10 }, (_, j) => `f${j}`);
    for (const f of names) await writeFile(path.join(victim, f), "keep");
    for (let i = 0; i < count; i++) {
      await mkdir(path.join(tree, `d${i}`, "sub"), { recursive: true });
      for (const f of names) await writeFile(path.join(tree, `d${i}`, "sub", f), "x");
    }
    let stop = false;
    let swaps = 0;
    // Attackers: find the tree under whatever name it has now and keep swapping each `sub`
    // for a link to the victim directory and back. (A remover that lstats an entry and then
    // works on it by path deletes the outside files here.)
    const attacker = async (k: number) => {
      while (!stop) {
        for (const top of await readdir(a).catch(() => [] as string[])) {
          if (top === "victim") continue;
          for (let i = k; i < count && !stop; i += 4) {
            const d = path.join(a, top, `d${i}`);
            try {
              await rename(path.join(d, "sub"), path.join(d, "hidden"));
              await symlink(victim, path.join(d, "sub"));
              swaps++;
              await unlink(path.join(d, "sub"));
              await rename(path.join(d, "hidden"), path.join(d, "sub"));
            } catch {}
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    };
    const attackers = [0, 1, 2, 3].map(attacker);
    // Under attack the removal may stop with an error; it must never reach outside.
    const result = await removeTree(tree).then(
      () => "removed",
      (e: Error) => e.message,
    );
    stop = true;
    await Promise.all(attackers);
    t.diagnostic(`swaps during the removal: ${swaps}; result: ${result}`);
    assert.deepEqual((await readdir(victim)).sort(), names.sort());
  });

  test("a missing path is fine", async () => {
    await removeTree(path.join(await area(), "nothing"));
  });
});
