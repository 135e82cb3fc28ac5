// The seed's network, deployed for real: namespaces, veths, FRR; asserted through FRR's JSON,
// the kernel and ping; destroyed with nothing left behind.
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, test } from "node:test";
import { nodeExecArgv } from "../../src/core/exec.js";
import { inspectLab } from "../../src/core/inspect.js";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { bgpRoutes } from "../../src/stacks/frr/state.js";
import { loadTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";
import { EXAMPLES, inNode, pingTtl, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

async function deploySeed(file: string, name: string) {
  const lab = { ...(await loadTopology(path.join(EXAMPLES, file))), name };
  const result = await deployLab(lab, { timeoutMs: 60_000 });
  return { lab, result };
}

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

/** The seed's `show ip bgp` on ops1, checked through FRR's JSON. */
async function assertSeedTable(lab: string) {
  const routes = await bgpRoutes(`wl_${lab}_ops1`, "ipv4");
  const local = routes["192.168.101.0/24"];
  assert.ok(local, "ops1 has 192.168.101.0/24");
  const localBest = local.find((p) => p.bestpath);
  assert.ok(localBest, "192.168.101.0/24 has a best path");
  assert.equal(localBest.aspath, "", "192.168.101.0/24 is local (empty AS path)");

  const remote = routes["192.168.102.0/24"];
  assert.ok(remote, "ops1 learned 192.168.102.0/24");
  const best = remote.find((p) => p.bestpath);
  assert.ok(best, "192.168.102.0/24 has a best path");
  assert.equal(best.aspath, "65002 65003");
  assert.deepEqual(
    best.nexthops.map((n) => n.ip),
    ["192.168.101.2"],
  );
}

for (const [file, name] of [
  ["seed-ebgp.yml", "itseed"],
  ["seed-ebgp-raw.yml", "itraw"],
] as const) {
  describe(`${file} on the netns runtime`, { skip: skipUnlessRoot }, () => {
    after(() => destroy(name));

    test("deploys with every BGP session Established", async () => {
      const { result } = await deploySeed(file, name);
      assert.ok(result.bgp, "BGP was waited for");
      assert.equal(result.bgp.timedOut, false, `BGP converged (down: ${result.bgp.down.join(", ")})`);
      assert.equal(result.bgp.established, 4, "two sessions, seen from both ends");
    });

    test("ops1's BGP table is the seed's", () => assertSeedTable(name));

    test("ops1 pings ops3 (192.168.102.2) across ops2 with TTL 63", async () => {
      assert.equal(await pingTtl(name, "ops1", "192.168.102.2"), 63);
    });

    test("vtysh run through a shell inside a node reaches that node's FRR", async () => {
      const state = await readState(name);
      const ops2 = state?.model.nodes.find((n) => n.name === "ops2");
      assert.ok(ops2);
      const [cmd, ...args] = nodeExecArgv(name, ops2, ["sh", "-c", "vtysh -c 'show bgp summary json'"]);
      const r = await run(cmd as string, args);
      assert.equal(r.code, 0, r.stderr);
      const peers = Object.keys(JSON.parse(r.stdout).ipv4Unicast?.peers ?? {}).sort();
      assert.deepEqual(peers, ["192.168.101.1", "192.168.102.2"], "ops2's own two neighbors");
    });

    test("each node has its own hostname", async () => {
      const r = await run("nsenter", [`--uts=/run/wirelab/labs/${name}/nodes/ops2/uts`, "hostname"]);
      assert.equal(r.stdout.trim(), "ops2");
    });

    test("inspect pairs every port with its peer as the kernel does", async () => {
      const state = await readState(name);
      assert.ok(state);
      const info = await inspectLab(state);
      const ports = info.nodes.flatMap((n) => n.ports);
      assert.equal(ports.length, 4);
      for (const p of ports) {
        assert.equal(p.peerOk, true, `${p.node}:${p.port} peer ifindex matches`);
        // Cross-check with the kernel directly: the veth's @ifN is the peer's ifindex.
        const k = await inNode(name, p.node, ["ip", "-j", "link", "show", "dev", p.ifname]);
        const [link] = JSON.parse(k.stdout) as { ifindex: number; link_index: number }[];
        assert.equal(link?.ifindex, p.ifindex);
        assert.equal(link?.link_index, p.peerIfindex);
      }
      const ops1 = ports.find((p) => p.node === "ops1" && p.port === "1");
      assert.equal(ops1?.peer, "ops2:1");
      assert.deepEqual(ops1?.addresses, ["192.168.101.1/24"]);
      assert.ok(info.nodes.every((n) => n.status === "running"));
    });

    test("destroy leaves nothing behind", async () => {
      await destroy(name);
      assert.deepEqual(await waitNoLeftovers(name), []);
    });
  });
}

describe("two labs from one file", { skip: skipUnlessRoot }, () => {
  after(async () => {
    await destroy("twina");
    await destroy("twinb");
  });

  test("run side by side and are destroyed independently", async () => {
    await deploySeed("seed-ebgp.yml", "twina");
    await deploySeed("seed-ebgp.yml", "twinb");
    await assertSeedTable("twina");
    await assertSeedTable("twinb");
    await destroy("twina");
    assert.deepEqual(await waitNoLeftovers("twina"), []);
    // The twin is untouched: its table and forwarding still work.
    await assertSeedTable("twinb");
    assert.equal(await pingTtl("twinb", "ops1", "192.168.102.2"), 63);
    await destroy("twinb");
    assert.deepEqual(await waitNoLeftovers("twinb"), []);
  });
});
