// The wirelab command as a user runs it: exit codes, one-line errors, JSON output, and
// a deploy killed with SIGKILL at several points, then destroyed without leftovers.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { run } from "../../src/util/exec.js";
import { EXAMPLES, ROOT, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";
import { KILL_POINTS } from "./reliability-figures.js";

const SEED = path.join(EXAMPLES, "seed-ebgp.yml");

async function namespaces(): Promise<string[]> {
  return (await run("ip", ["netns", "list"])).stdout.split("\n").filter(Boolean).sort();
}

describe("wirelab CLI", { skip: skipUnlessRoot }, () => {
  after(async () => {
    await wirelab(["destroy", "--lab", "clijson"]);
    await wirelab(["destroy", "--lab", "badfrr"]);
    await wirelab(["destroy", "--lab", "cliown"]);
  });

  test("every malformed topology gives one line with file:line:col, exit 2, and creates nothing", async () => {
    const dir = path.join(ROOT, "test/fixtures/bad");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".yml"));
    assert.ok(files.length >= 10, `at least ten malformed files (found ${files.length})`);
    const before = await namespaces();
    for (const f of files) {
      const r = await wirelab(["deploy", "-t", path.join(dir, f)]);
      assert.equal(r.code, 2, `${f}: exit code 2 (stderr: ${r.stderr})`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${f}: one line of error, got:\n${r.stderr}`);
      assert.match(lines[0] ?? "", new RegExp(`${f.replace(".", "\\.")}:\\d+:\\d+: `), `${f}: names file:line:col`);
    }
    assert.deepEqual(await namespaces(), before, "no namespace was created");
  });

  test("a bad FRR line is an input error at its line in the topology file, and nothing is built", async () => {
    const before = await namespaces();
    const file = path.join(ROOT, "test/integration/fixtures/bad-frr-line.yml");
    const r = await wirelab(["deploy", "-t", file]);
    assert.equal(r.code, 2, "an input error, like a bad topology");
    assert.ok(r.stderr.includes(`${file}:`), r.stderr);
    assert.match(r.stderr, /:\d+:\d+: ops1: .*neigbor 192\.168\.101\.3/);
    assert.match(r.stderr, /frr\.conf line \d+/);
    assert.deepEqual(await namespaces(), before);
    assert.deepEqual(await waitNoLeftovers("badfrr"), []);
  });

  test("deploy --dry-run prints the commands and changes nothing", async () => {
    const before = await namespaces();
    const r = await wirelab(["deploy", "-t", SEED, "--dry-run"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ip netns add wl_seed-ebgp_ops1|netns add wl_seed-ebgp_ops1/);
    assert.match(
      r.stdout,
      /link add name 1 address [0-9a-f:]{17} netns wl_seed-ebgp_ops1 type veth peer name 1 address [0-9a-f:]{17} netns wl_seed-ebgp_ops2/,
    );
    assert.match(r.stdout, /ip -n wl_seed-ebgp_ops1 addr add 192\.168\.101\.1\/24 dev 1/);
    assert.match(r.stdout, /router bgp 65001/);
    assert.deepEqual(await namespaces(), before);
  });

  test("deploy, exec, inspect --json and destroy through the command line", async () => {
    const d = await wirelab(["deploy", "-t", SEED, "--lab", "clijson", "--json"]);
    assert.equal(d.code, 0, d.stderr);
    const result = JSON.parse(d.stdout) as { nodes: number; bgp: { established: number } };
    assert.equal(result.nodes, 3);
    assert.equal(result.bgp.established, 4);

    const bgp = await wirelab(["exec", "--lab", "clijson", "ops1", "--", "vtysh", "-c", "show ip bgp"]);
    assert.equal(bgp.code, 0, bgp.stderr);
    assert.match(bgp.stdout, /192\.168\.102\.0\/24\s+192\.168\.101\.2\b.*\n?.*65002 65003 i/);

    const cli = await wirelab(["cli", "--lab", "clijson", "ops2"], { input: "show bgp summary\n" });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /ops2# show bgp summary/, "the prompt carries the node's hostname");
    assert.match(cli.stdout, /local AS number 65002/);

    const dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-save-"));
    try {
      const save = await wirelab(["save", "--lab", "clijson", "-o", dir]);
      assert.equal(save.code, 0, save.stderr);
      const conf = await readFile(path.join(dir, "ops1.conf"), "utf8");
      assert.match(conf, /^hostname ops1$/m);
      assert.doesNotMatch(conf, /Building configuration|^hostname (?!ops1$)/m);
      assert.match(conf, /^router bgp 65001$/m);
      assert.match(conf, /^ neighbor 192\.168\.101\.2 remote-as 65002$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const ins = await wirelab(["inspect", "--lab", "clijson", "--json"]);
    assert.equal(ins.code, 0, ins.stderr);
    const info = JSON.parse(ins.stdout) as { nodes: { ports: { peerOk: boolean }[] }[] };
    assert.ok(info.nodes.flatMap((n) => n.ports).every((p) => p.peerOk));

    const list = await wirelab(["inspect"]);
    assert.match(list.stdout, /clijson/);

    const x = await wirelab(["destroy", "--lab", "clijson"]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(await waitNoLeftovers("clijson"), []);
  });

  test("a lab deployed from one file is not destroyed or redeployed through another", async () => {
    const other = path.join(EXAMPLES, "seed-ebgp-raw.yml");
    const d = await wirelab(["deploy", "-t", SEED, "--lab", "cliown", "--no-wait"]);
    assert.equal(d.code, 0, d.stderr);
    try {
      const x = await wirelab(["destroy", "-t", other, "--lab", "cliown"]);
      assert.equal(x.code, 2, x.stderr);
      assert.ok(x.stderr.includes(SEED) && x.stderr.includes(other), x.stderr);
      const y = await wirelab(["deploy", "-t", other, "--lab", "cliown"]);
      assert.notEqual(y.code, 0);
      assert.ok(y.stderr.includes(SEED) && y.stderr.includes(other), y.stderr);
      assert.ok((await namespaces()).includes("wl_cliown_ops1"), "the lab is untouched");
    } finally {
      const z = await wirelab(["destroy", "-t", SEED, "--lab", "cliown"]);
      assert.equal(z.code, 0, z.stderr);
    }
    assert.deepEqual(await waitNoLeftovers("cliown"), []);
  });

  test("unknown node in exec is a clear error", async () => {
    const r = await wirelab(["exec", "--lab", "nosuchlab", "ops1", "--", "true"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no lab named 'nosuchlab'/);
  });

  // kill -9 at several points of a deploy: before namespaces, while cabling, while FRR starts.
  for (const point of KILL_POINTS) {
    test(`kill -9 during deploy (${point}) then destroy leaves nothing`, async () => {
      const lab = `k9${point}`;
      const child = spawn(process.execPath, [path.join(ROOT, "bin/wirelab.js"), "deploy", "-t", SEED, "--lab", lab], {
        stdio: "ignore",
      });
      const reached = async () => {
        switch (point) {
          case "state":
            return (await readdir(`/run/wirelab/labs/${lab}`).catch(() => [] as string[])).includes("state.json");
          case "namespaces":
            return (await namespaces()).includes(`wl_${lab}_ops3`);
          case "daemons":
            return (await readdir(`/var/run/frr/wl_${lab}_ops1`).catch(() => [] as string[])).includes("zebra.pid");
        }
      };
      const deadline = Date.now() + 30_000;
      while (!(await reached()) && Date.now() < deadline && child.exitCode === null) await delay(2);
      child.kill("SIGKILL");
      await new Promise((r) => child.once("close", r));
      const x = await wirelab(["destroy", "--lab", lab]);
      assert.equal(x.code, 0, x.stderr);
      assert.deepEqual(await waitNoLeftovers(lab), []);
    });
  }
});

describe("interrupted deploy", { skip: skipUnlessRoot }, () => {
  for (const sig of ["SIGTERM", "SIGINT"] as const)
    test(`${sig} during deploy rolls the lab back by itself`, async () => {
      const lab = sig.toLowerCase();
      const child = spawn(process.execPath, [path.join(ROOT, "bin/wirelab.js"), "deploy", "-t", SEED, "--lab", lab], {
        stdio: "ignore",
      });
      const deadline = Date.now() + 30_000;
      while (!(await namespaces()).includes(`wl_${lab}_ops1`) && Date.now() < deadline) await delay(2);
      child.kill(sig);
      const code = await new Promise((r) => child.once("close", r));
      assert.notEqual(code, 0, "an interrupted deploy fails");
      assert.deepEqual(await waitNoLeftovers(lab), [], "rolled back without a destroy");
    });
});
