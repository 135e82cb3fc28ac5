// A generated fabric, deployed for real: `wirelab generate clos` (2 spines, 4 leaves, one
// host per leaf, automatic addresses) through the CLI, then every loopback in the routing
// tables it should reach, a host pinging a host on another leaf across the fabric, and a
// destroy that leaves nothing behind.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Lab } from "../../src/core/model.js";
import { vtyJson } from "../../src/stacks/frr/vty.js";
import { loadTopology } from "../../src/topology/load.js";
import { inNode, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const LAB = "b6clos";

describe("generated 2x4 Clos with hosts", { skip: skipUnlessRoot }, () => {
  let dir = "";
  let file = "";
  let lab: Lab;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-gen-"));
    file = path.join(dir, "clos.yml");
  });

  after(async () => {
    await wirelab(["destroy", "--lab", LAB]);
    await rm(dir, { recursive: true, force: true });
  });

  test("generate writes a valid file", async () => {
    const r = await wirelab([
      "generate",
      "clos",
      "--spines",
      "2",
      "--leaves",
      "4",
      "--hosts-per-leaf",
      "1",
      "--name",
      LAB,
      "-o",
      file,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /lab 'b6clos', 10 nodes, 12 links/);
    assert.match(await readFile(file, "utf8"), /addressing: \{p2p: 10\.0\.0\.0\/16, loopback: 10\.255\.0\.0\/16\}/);
    lab = await loadTopology(file);
  });

  test("deploys and converges", async () => {
    const r = await wirelab(["deploy", "-t", file, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { bgp: { established: number; total: number } };
    assert.equal(result.bgp.established, 16, "8 sessions, seen from both ends");
  });

  test("every loopback is in every routing table it should reach", async () => {
    const loopback = (n: string) => (lab.nodes.find((x) => x.name === n)?.loopback[0] ?? "").replace(/\/32$/, "");
    const routers = lab.nodes.filter((n) => n.kind === "frr").map((n) => n.name);
    assert.equal(routers.length, 6);
    for (const r of routers) {
      const rib = await vtyJson<Record<string, { protocol: string }[]>>(
        `wl_${LAB}_${r}`,
        "zebra",
        "show ip route json",
      );
      for (const other of routers) {
        // Spines share AS 65000: a spine refuses the other spine's routes (its own AS in the
        // path), as in any RFC 7938 fabric. Everything else reaches everywhere.
        if (r.startsWith("spine") && other.startsWith("spine") && other !== r) continue;
        const prefix = `${loopback(other)}/32`;
        assert.ok(rib[prefix], `${r} has ${other}'s loopback ${prefix}`);
        if (other !== r) assert.equal(rib[prefix]?.[0]?.protocol, "bgp", `${r} learned ${prefix} by BGP`);
      }
    }
  });

  test("h1-1 pings h4-1 across leaf1 — spine — leaf4", async () => {
    const target = lab.nodes.find((n) => n.name === "h4-1")?.ports[0]?.addresses[0]?.split("/")[0];
    assert.equal(target, "172.16.0.7");
    const r = await inNode(LAB, "h1-1", ["ping", "-c", "2", "-W", "2", target as string]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // host -> leaf1 -> spine -> leaf4 -> host: three routers on the way.
    assert.match(r.stdout, /ttl=61/);
  });

  test("destroy leaves nothing behind", async () => {
    const r = await wirelab(["destroy", "--lab", LAB]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});
