// examples/igp-unnumbered.yml deployed for real: OSPF and IS-IS over IPv4 unnumbered links
// (each port has its router's loopback /32, no link subnet). The moment deploy returns the
// adjacencies are up and the loopbacks are routed through the ports with on-link next hops
// in the kernel; then the example's checks pass and destroy leaves nothing behind.
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { loadTopology } from "../../src/topology/load.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, inNode, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

/** The kernel's route to `prefix` in the node: "via X dev Y onlink proto Z". */
async function kernelRoute(lab: string, node: string, prefix: string) {
  const r = await inNode(lab, node, ["ip", "-j", "route", "show", prefix]);
  return (JSON.parse(r.stdout || "[]") as { gateway?: string; dev?: string; flags?: string[]; protocol?: string }[])[0];
}

describe("igp-unnumbered.yml: OSPF and IS-IS over unnumbered links", { skip: skipUnlessRoot }, () => {
  const LAB = "hpunn1";
  after(() => destroy(LAB));

  test("deploy returns with the loopbacks routed on-link through the unnumbered ports", async (t) => {
    const lab = { ...(await loadTopology(path.join(EXAMPLES, "igp-unnumbered.yml"))), name: LAB };
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    for (const r of result.ready) {
      assert.equal(r.done, true, `${r.protocol}: ${r.summary}; ${r.down.join("; ")}`);
      t.diagnostic(`${r.summary} (${(r.ms / 1000).toFixed(2)} s)`);
    }
    const addr = await inNode(LAB, "r2", ["ip", "-j", "-4", "addr", "show", "dev", "eth1"]);
    assert.deepEqual(
      JSON.parse(addr.stdout)[0]?.addr_info.map(
        (a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`,
      ),
      ["10.255.0.2/32"],
    );
    const cases: [string, string, string, string, string][] = [
      ["r2", "10.255.0.1", "10.255.0.1", "eth1", "ospf"],
      ["r1", "10.255.0.3", "10.255.0.2", "eth1", "ospf"],
      ["r3", "10.255.0.4", "10.255.0.4", "eth3", "isis"],
      ["r4", "10.255.0.2", "10.255.0.3", "eth3", "isis"],
    ];
    for (const [node, prefix, via, dev, proto] of cases) {
      const r = await kernelRoute(LAB, node, prefix);
      assert.equal(r?.gateway, via, `${node} → ${prefix}: ${JSON.stringify(r)}`);
      assert.equal(r?.dev, dev);
      assert.equal(r?.protocol, proto);
      assert.ok(r?.flags?.includes("onlink"), `${node} → ${prefix} on-link: ${JSON.stringify(r)}`);
    }
  });

  test("its checks pass", async () => {
    const state = await readState(LAB);
    assert.ok(state);
    const report = await verifyLab(state);
    const failed = report.suites.flatMap((s) => s.checks).filter((c) => !c.pass);
    assert.deepEqual(
      failed.map((c) => `${c.name}: expected ${c.expected}, saw ${c.seen}`),
      [],
    );
  });

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});
