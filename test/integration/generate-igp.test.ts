// A generated fabric with an IGP underlay, deployed for real through the CLI:
// `wirelab generate clos --igp ospf` (2 spines, 2 leaves, a host per leaf): OSPF carries the
// loopbacks, the spines reflect iBGP between them, deploy returns converged (both protocols),
// and a host pings the host behind the other leaf.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { inNode, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const LAB = "gigp";

describe("generated Clos over OSPF with iBGP route reflection", { skip: skipUnlessRoot }, () => {
  let dir = "";
  after(async () => {
    await wirelab(["destroy", "--lab", LAB]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("deploys converged and carries host traffic across the fabric", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-gen-"));
    const file = path.join(dir, "clos.yml");
    const g = await wirelab(
      ["generate", "clos", "--spines", "2", "--leaves", "2", "--hosts-per-leaf", "1", "--igp", "ospf"].concat([
        "--name",
        LAB,
        "-o",
        file,
      ]),
    );
    assert.equal(g.code, 0, g.stderr);
    const d = await wirelab(["deploy", "-t", file, "--json"]);
    assert.equal(d.code, 0, d.stderr);
    const result = JSON.parse(d.stdout) as {
      ready: { protocol: string; done: boolean }[];
      bgp?: { established: number };
    };
    assert.deepEqual(result.ready.map((r) => [r.protocol, r.done]).sort(), [
      ["bgp", true],
      ["ospf", true],
    ]);
    assert.equal(result.bgp?.established, 8, "4 iBGP sessions between loopbacks, seen from both ends");
    // h1-1 behind leaf1 to h2-1 behind leaf2: leaf1 → spine → leaf2, the route reflected.
    const ping = await inNode(LAB, "h1-1", ["ping", "-c", "1", "-W", "2", "172.16.0.3"]);
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    const x = await wirelab(["destroy", "--lab", LAB]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});
