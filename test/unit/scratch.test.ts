// Scratch directories of config checks: removed when the check ends, and those of a process
// that was killed half-way (it could not remove its own) swept by the next check. Only real
// directories of dead processes go: never a live process's, never a link.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { lstat, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { sweepScratch, withScratchDir } from "../../src/util/scratch.js";

/** A pid that existed and has ended (a finished child's). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

test("a check's directory is private and gone afterwards, also when the check throws", async () => {
  let seen = "";
  await withScratchDir("frr", async (dir) => {
    seen = dir;
    assert.match(path.basename(dir), new RegExp(`^wirelab-frr-${process.pid}-`));
    assert.equal((await lstat(dir)).mode & 0o777, 0o700);
  });
  assert.equal(existsSync(seen), false);
  await assert.rejects(
    withScratchDir("bird", async (dir) => {
      seen = dir;
      throw new Error("bird -p died");
    }),
    /bird -p died/,
  );
  assert.equal(existsSync(seen), false);
});

test("a killed process's directory is swept; a live one's, a link and a look-alike name stay", async () => {
  const tmp = os.tmpdir();
  const dead = path.join(tmp, `wirelab-bird-${deadPid()}-AbC123`);
  const live = path.join(tmp, `wirelab-frr-${process.pid}-XyZ789`);
  const target = path.join(tmp, `wl-scratch-target-${process.pid}`);
  const link = path.join(tmp, `wirelab-bird-${deadPid()}-LnK456`);
  const other = path.join(tmp, `wirelab-notes-${deadPid()}`);
  try {
    mkdirSync(dead, { mode: 0o700 });
    mkdirSync(path.join(dead, "sub"));
    mkdirSync(live, { mode: 0o700 });
    mkdirSync(target);
    mkdirSync(other);
    symlinkSync(target, link);
    const removed = await sweepScratch();
    assert.ok(removed.includes(dead), removed.join(", "));
    assert.equal(existsSync(dead), false);
    assert.ok(existsSync(live), "a live process's directory stays");
    assert.ok((await lstat(link)).isSymbolicLink(), "a link is not touched");
    assert.ok(existsSync(target), "nor what it points at");
    assert.ok(existsSync(other), "a name that is not a scratch directory stays");
    // A new check sweeps too.
    mkdirSync(dead, { mode: 0o700 });
    await withScratchDir("bird", async () => {});
    assert.equal(existsSync(dead), false);
    assert.equal(readdirSync(tmp).filter((n) => n.startsWith(`wirelab-bird-${process.pid}-`)).length, 0);
  } finally {
    for (const p of [dead, live, target, link, other]) await rm(p, { recursive: true, force: true });
  }
});
