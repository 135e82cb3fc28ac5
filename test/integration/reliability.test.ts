// Trust: commands on one lab never interleave, faults behind wirelab's back are reported and
// handled, and nothing wirelab did not make is ever touched (decoys survive every command).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { inspectLab } from "../../src/core/inspect.js";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { docker, dockerAvailable } from "../../src/runtimes/docker/client.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";
import { isAlive } from "../../src/util/procs.js";
import { validTopology } from "../topology-arbitrary.js";
import { EXAMPLES, ROOT, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";
import { DECOYS, RANDOM_LABS } from "./reliability-figures.js";

const SEED = path.join(EXAMPLES, "seed-ebgp.yml");

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/wirelab.js"), ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("one command at a time per lab", { skip: skipUnlessRoot }, () => {
  after(async () => {
    for (const l of ["rlock", "rlockb", "rlockc"]) await destroy(l);
  });

  test("two deploys of the same lab: one builds it, the other waits and then refuses clearly", async () => {
    const [a, b] = await Promise.all([
      cli(["deploy", "-t", SEED, "--lab", "rlock"]),
      cli(["deploy", "-t", SEED, "--lab", "rlock"]),
    ]);
    const codes = [a.code, b.code].sort();
    assert.deepEqual(codes, [0, 1], `stderr:\n${a.stderr}\n---\n${b.stderr}`);
    const loser = a.code === 0 ? b : a;
    assert.match(loser.stderr, /already deployed/);
    const state = await readState("rlock");
    assert.equal(state?.phase, "running");
  });

  test("deploy and destroy at once: destroy waits for the deploy, then removes everything", async () => {
    await destroy("rlock");
    const deploy = cli(["deploy", "-t", SEED, "--lab", "rlock"]);
    // Start destroy once the deploy holds the lock (its state file exists).
    const deadline = Date.now() + 20_000;
    while (!(await readState("rlock")) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const destroyed = await cli(["destroy", "--lab", "rlock"]);
    const deployed = await deploy;
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.match(destroyed.stderr, /waiting: lab 'rlock' is busy \(deploy\)/);
    assert.deepEqual(await waitNoLeftovers("rlock"), []);
  });

  test("different labs deploy in parallel", async () => {
    const [b, c] = await Promise.all([
      cli(["deploy", "-t", SEED, "--lab", "rlockb"]),
      cli(["deploy", "-t", SEED, "--lab", "rlockc"]),
    ]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(c.code, 0, c.stderr);
    assert.doesNotMatch(b.stderr + c.stderr, /waiting/);
  });
});

describe("faults behind wirelab's back", { skip: skipUnlessRoot }, () => {
  after(() => destroy("rgone"));

  test("a deleted namespace and a deleted cable are reported by inspect and handled by destroy", async () => {
    await deployLab({ ...(await loadTopology(SEED)), name: "rgone" }, { wait: false });
    await run("ip", ["netns", "del", "wl_rgone_ops2"]); // ops2's daemons live on in the orphaned namespace
    await run("ip", ["-n", "wl_rgone_ops3", "link", "del", "1"]); // the cable ops2:2—ops3:1
    const state = await readState("rgone");
    assert.ok(state);
    const info = await inspectLab(state);
    assert.equal(info.nodes.find((n) => n.name === "ops2")?.status, "missing");
    const ops3 = info.nodes.find((n) => n.name === "ops3")?.ports.find((p) => p.port === "1");
    assert.equal(ops3?.state, "MISSING");
    const r = await wirelab(["destroy", "--lab", "rgone"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await waitNoLeftovers("rgone"), [], "ops2's daemons were found by pid file and ended");
  });
});

describe("host safety: decoys survive every command", { skip: skipUnlessRoot }, () => {
  const lab = "rsafe";
  let sleeper: ChildProcess | undefined;
  let decoyContainer: string | undefined;
  let hostBefore = "";

  /** Host interfaces (name, index, state) and routes, to compare before and after. */
  async function hostSnapshot(): Promise<string> {
    const links = JSON.parse((await run("ip", ["-j", "link", "show"])).stdout) as {
      ifname: string;
      ifindex: number;
      operstate: string;
    }[];
    const r4 = (await run("ip", ["-j", "route", "show", "table", "all"])).stdout;
    const r6 = (await run("ip", ["-6", "-j", "route", "show", "table", "all"])).stdout;
    return JSON.stringify({
      links: links.map((l) => `${l.ifindex}:${l.ifname}:${l.operstate}`).sort(),
      r4: JSON.parse(r4),
      r6: JSON.parse(r6),
    });
  }

  before(async () => {
    hostBefore = await hostSnapshot();
    // Decoys named like what wirelab makes, made by someone else.
    for (const ns of DECOYS.namespaces) await run("ip", ["netns", "add", ns]);
    await run("ip", ["link", "add", "name", DECOYS.veth[0], "type", "veth", "peer", "name", DECOYS.veth[1]]);
    await run("ip", ["link", "add", "name", DECOYS.bridge, "type", "bridge"]);
    // A process in a decoy namespace whose command line even names a lab pathspace, and a
    // decoy FRR run directory whose pid file points at it.
    sleeper = spawn(
      "nsenter",
      [`--net=/run/netns/${DECOYS.namespaces[0]}`, "--", "sh", "-c", "exec sleep 600", "-N", `wl_${lab}_ops1`],
      { stdio: "ignore" },
    );
    await mkdir(DECOYS.frrDir, { recursive: true });
    await writeFile(path.join(DECOYS.frrDir, "zebra.pid"), `${sleeper.pid}\n`);
    // With a Docker engine: a container named like a lab's node, but not made by wirelab.
    if (await dockerAvailable()) {
      const c = await docker().createContainer({
        name: DECOYS.container,
        Image: "wirelab-test/frr:latest",
        Cmd: ["sleep", "600"],
        HostConfig: { NetworkMode: "none" },
      });
      await c.start();
      decoyContainer = c.id;
    }
  });

  after(async () => {
    await destroy(lab);
    sleeper?.kill("SIGKILL");
    for (const ns of DECOYS.namespaces) await run("ip", ["netns", "del", ns]);
    await run("ip", ["link", "del", DECOYS.veth[0]]);
    await run("ip", ["link", "del", DECOYS.bridge]);
    await rm(DECOYS.frrDir, { recursive: true, force: true });
    if (decoyContainer) await docker().getContainer(decoyContainer).remove({ force: true });
  });

  test("deploy refuses to take over a namespace it did not make", async () => {
    // DECOYS.namespaces[1] is wl_rsafe2_ops1: a lab named rsafe2 would need it.
    const r = await wirelab(["deploy", "-t", SEED, "--lab", "rsafe2"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /wl_rsafe2_ops1 already exists and is not this lab's/);
  });

  test("deploy, destroy, destroy --all leave every decoy and the host's interfaces and routes as they were", async () => {
    for (const cmd of [
      ["deploy", "-t", SEED, "--lab", lab],
      ["destroy", "--lab", lab],
      ["deploy", "-t", SEED, "--lab", lab],
      ["destroy", "--all"],
      ["destroy", "--all"],
    ]) {
      const r = await wirelab(cmd);
      assert.equal(r.code, 0, `${cmd.join(" ")}: ${r.stderr}`);
    }
    const ns = (await run("ip", ["netns", "list"])).stdout;
    for (const d of DECOYS.namespaces) assert.match(ns, new RegExp(`^${d}\\b`, "m"), `decoy namespace ${d} survives`);
    assert.ok(sleeper?.pid && (await isAlive(sleeper.pid)), "decoy process survives");
    for (const dev of [...DECOYS.veth, DECOYS.bridge]) {
      assert.equal((await run("ip", ["link", "show", "dev", dev])).code, 0, `decoy ${dev} survives`);
    }
    assert.equal((await readFile(path.join(DECOYS.frrDir, "zebra.pid"), "utf8")).trim(), String(sleeper?.pid));
    if (decoyContainer) {
      const info = await docker().getContainer(decoyContainer).inspect();
      assert.equal(info.State.Running, true, "decoy container survives");
    }
    assert.deepEqual(await waitNoLeftovers(lab, 5000, DECOYS.veth), []);
    // Remove the decoys' own interfaces from the comparison: they were added after the snapshot.
    const after = JSON.parse(await hostSnapshot()) as { links: string[] };
    after.links = after.links.filter((l) => !/:(wldecoy|wlbrdecoy)/.test(l));
    const beforeObj = JSON.parse(hostBefore) as { links: string[] };
    assert.deepEqual(after, beforeObj, "host interfaces and routing tables unchanged");
  });
});

describe("small random valid topologies", { skip: skipUnlessRoot }, () => {
  test("deploy and destroy cleanly", async () => {
    // A fixed seed: the same labs every run, so a failure can be replayed.
    const samples = fc.sample(validTopology, { numRuns: RANDOM_LABS, seed: 4242 });
    for (const [i, t] of samples.entries()) {
      const name = `rrand${i}`;
      const lab = parseTopology(stringify({ name, nodes: t.nodes, links: t.links }), `random-${i}.yml`);
      try {
        const r = await deployLab(lab, { timeoutMs: 60_000 });
        assert.equal(r.bgp?.timedOut ?? false, false, `${name}: BGP converged (down: ${r.bgp?.down.join(", ")})`);
      } finally {
        await destroy(name);
      }
      assert.deepEqual(await waitNoLeftovers(name), [], name);
    }
  });
});
