// Container nodes are confined: a process inside a node (the image's own, or one run through
// Docker's exec API) cannot write the host's /proc/sys/kernel/core_pattern, nor get around the
// read-only /proc/sys by unmounting it or mounting a proc of its own, and the seed lab still
// converges. Skipped (with the reason) when no Docker daemon or test image is available.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { run } from "../../src/util/exec.js";
import { EXAMPLES, isRoot, pingTtl, waitNoLeftovers, wirelab } from "./helpers.js";

const IMAGES = ["wirelab-test/frr:latest", "wirelab-test/frr-swns:latest"];
const docker = new Docker({ socketPath: process.env.WIRELAB_DOCKER_SOCKET ?? "/var/run/docker.sock" });
const CORE_PATTERN = "/proc/sys/kernel/core_pattern";

async function why(): Promise<string | false> {
  if (!isRoot) return "needs root (namespaces, containers)";
  try {
    await docker.ping();
  } catch (e) {
    return `no Docker daemon answers (${(e as Error).message}); run scripts/docker-setup.sh`;
  }
  for (const image of IMAGES) {
    if (
      !(await docker
        .getImage(image)
        .inspect()
        .catch(() => undefined))
    ) {
      return `test image ${image} is missing; run scripts/docker-setup.sh`;
    }
  }
  return false;
}
const reason = await why();
const skip = process.env.CI ? false : reason;
const LABS = ["d4sec", "d4secmix"];

/** Runs `sh -c SCRIPT` in the container through Docker's exec API (the container's own confinement). */
function inContainer(container: string, script: string) {
  return run("docker", ["exec", container, "sh", "-c", script]);
}

describe("container nodes are confined", { skip }, () => {
  let original = "";
  before(async () => {
    if (reason) throw new Error(reason);
    original = await readFile(CORE_PATTERN, "utf8");
    for (const lab of LABS) await wirelab(["destroy", "--lab", lab]);
  });
  after(async () => {
    for (const lab of LABS) await wirelab(["destroy", "--lab", lab]);
    // Should a write ever get through, the host gets its setting back.
    if ((await readFile(CORE_PATTERN, "utf8")) !== original) await writeFile(CORE_PATTERN, original);
  });

  /**
   * The write the finding names. The value written is the host's own (a write that got
   * through changes nothing); what counts is that the write fails.
   */
  async function assertCorePatternSafe(container: string, opts: { mounts: boolean }): Promise<void> {
    const value = original.trim();
    const w = await run("docker", [
      "exec",
      container,
      "sh",
      "-c",
      'echo "$1" > /proc/sys/kernel/core_pattern',
      "sh",
      value,
    ]);
    assert.notEqual(w.code, 0, `${container}: core_pattern written: ${w.stdout}${w.stderr}`);
    if (!opts.mounts) {
      // The ways around a read-only /proc/sys: unmount it, or mount a proc of one's own.
      const u = await inContainer(container, "umount /proc/sys");
      assert.notEqual(u.code, 0, `${container}: umount /proc/sys worked`);
      const m = await inContainer(container, "mkdir -p /tmp/p && mount -t proc proc /tmp/p");
      assert.notEqual(m.code, 0, `${container}: mount -t proc worked`);
    }
    const ro = await inContainer(container, "grep ' /proc/sys ' /proc/self/mountinfo");
    assert.match(ro.stdout, / \/proc\/sys ro,/, `${container}: /proc/sys read-only`);
    assert.equal(await readFile(CORE_PATTERN, "utf8"), original);
  }

  test("the seed lab on Docker converges; no router can write core_pattern or mount", async () => {
    const lab = "d4sec";
    const d = await wirelab(["deploy", "-t", path.join(EXAMPLES, "seed-ebgp-docker.yml"), "--lab", lab, "--json"]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).bgp.established, 4);
    assert.equal(await pingTtl(lab, "ops1", "192.168.102.2"), 63);
    for (const node of ["ops1", "ops2", "ops3"]) {
      const name = `wl_${lab}_${node}`;
      const info = await docker.getContainer(name).inspect();
      assert.notEqual(info.HostConfig.Privileged, true, name);
      assert.deepEqual(info.HostConfig.CapDrop, ["ALL"]);
      await assertCorePatternSafe(name, { mounts: false });
    }
    assert.equal((await wirelab(["destroy", "--lab", lab])).code, 0);
    assert.deepEqual(await waitNoLeftovers(lab), []);
  });

  test("a mixed lab (netns, frr container, port-namespace container) converges; core_pattern stays read-only", async () => {
    const lab = "d4secmix";
    const d = await wirelab(["deploy", "-t", path.join(EXAMPLES, "mixed-docker.yml"), "--lab", lab]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(await pingTtl(lab, "r1", "10.255.0.3"), 64);
    await assertCorePatternSafe(`wl_${lab}_r2`, { mounts: false });
    // The port-namespace image mounts (ip netns add inside it): only the read-only path holds
    // there, and AppArmor where the host has it (docs/reliability.md, Security).
    await assertCorePatternSafe(`wl_${lab}_r3`, { mounts: true });
    assert.equal((await wirelab(["destroy", "--lab", lab])).code, 0);
    assert.deepEqual(await waitNoLeftovers(lab), []);
  });
});
