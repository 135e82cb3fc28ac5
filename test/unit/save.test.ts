// `wirelab save` writes configs as root into a directory the user names: a link planted
// there, or a directory others can write, must not turn that into a write elsewhere.
import assert from "node:assert/strict";
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { writeConfigFiles } from "../../src/cli/commands/save.js";

const root = process.getuid?.() === 0;
const configs = [
  { node: "r1", text: "hostname r1\n" },
  { node: "r2", text: "hostname r2\n" },
];

describe("save's file writer", { skip: !root && "needs root" }, () => {
  let base = "";
  let secret = "";
  before(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), "wirelab-save-"));
    secret = path.join(base, "shadow");
    await writeFile(secret, "root:secret\n", { mode: 0o600 });
  });
  after(() => rm(base, { recursive: true, force: true }));

  async function secretUnchanged(): Promise<void> {
    assert.equal(await readFile(secret, "utf8"), "root:secret\n");
    const st = await stat(secret);
    assert.equal(st.mode & 0o7777, 0o600);
    assert.equal(st.uid, 0);
  }

  let n = 0;
  async function outDir(mode = 0o700): Promise<string> {
    const d = path.join(base, `out${n++}`);
    await mkdir(d);
    await chmod(d, mode);
    return d;
  }

  test("a link planted in the output directory is refused; the file it points at is unchanged", async () => {
    const dir = await outDir();
    await symlink(secret, path.join(dir, "r1.conf"));
    await assert.rejects(writeConfigFiles(dir, configs), /r1\.conf.*symbolic link/);
    await secretUnchanged();
    assert.ok((await lstat(path.join(dir, "r1.conf"))).isSymbolicLink());
  });

  test("the link is refused with --force too (force is about the directory, not links)", async () => {
    const dir = await outDir(0o777);
    await symlink(secret, path.join(dir, "r2.conf"));
    await assert.rejects(writeConfigFiles(dir, configs, { force: true }), /symbolic link/);
    await secretUnchanged();
  });

  test("a directory writable by group or others is refused unless --force", async () => {
    const dir = await outDir(0o1777);
    await assert.rejects(writeConfigFiles(dir, configs), /writable by group or others.*--force/);
    assert.deepEqual(await readdir(dir), []);
    const saved = await writeConfigFiles(dir, configs, { force: true });
    assert.deepEqual(
      saved.map((s) => s.file),
      [path.join(dir, "r1.conf"), path.join(dir, "r2.conf")],
    );
  });

  test("a directory owned by another user is refused unless --force", async () => {
    const dir = await outDir(0o755);
    await chown(dir, 1234, 1234);
    await assert.rejects(writeConfigFiles(dir, configs), /owned by uid 1234.*--force/);
    await writeConfigFiles(dir, configs, { force: true });
    assert.equal(await readFile(path.join(dir, "r2.conf"), "utf8"), "hostname r2\n");
  });

  test("a link as the output directory is refused", async () => {
    const target = await outDir();
    const dir = path.join(base, "dir-link");
    await symlink(target, dir);
    await assert.rejects(writeConfigFiles(dir, configs), /symbolic link/);
    assert.deepEqual(await readdir(target), []);
  });

  test("a missing directory is made 0700; files replace older ones atomically, nothing else is left", async () => {
    const dir = path.join(base, "fresh", "configs");
    await writeConfigFiles(dir, [{ node: "r1", text: "old\n" }]);
    const st = await lstat(dir);
    assert.equal(st.mode & 0o7777, 0o700);
    const saved = await writeConfigFiles(dir, configs);
    assert.deepEqual(saved, [
      { node: "r1", file: path.join(dir, "r1.conf") },
      { node: "r2", file: path.join(dir, "r2.conf") },
    ]);
    assert.equal(await readFile(path.join(dir, "r1.conf"), "utf8"), "hostname r1\n");
    assert.deepEqual((await readdir(dir)).sort(), ["r1.conf", "r2.conf"]);
  });
});
