// examples/policy.yml deployed for real (namespaces, veths, FRR): routing policy as intent.
// The moment deploy returns, r1's BGP table must already show every policy at work (local
// preference from a prefix list and from a community r4 set, AS-path prepending, an AS-path
// list, a prefix list dropping a route, redistribution through a route map); then the
// example's own checks run with verifyLab, and destroy leaves nothing behind.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { findNode } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { bgpRoutes } from "../../src/stacks/frr/state.js";
import { stackOf } from "../../src/stacks/index.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

async function destroy(name: string): Promise<void> {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

async function verifies(name: string): Promise<void> {
  const state = await readState(name);
  assert.ok(state);
  const report = await verifyLab(state);
  const failed = report.suites.flatMap((s) => s.checks).filter((c) => !c.pass);
  assert.deepEqual(
    failed.map((c) => `${c.name}: expected ${c.expected}, saw ${c.seen}`),
    [],
  );
}

describe("policy.yml: route maps, prefix, AS-path and community lists (FRR)", { skip: skipUnlessRoot }, () => {
  const LAB = "hppol1";
  after(() => destroy(LAB));

  test("deploy returns with r1's best paths chosen by the policies", async (t) => {
    const lab = { ...(await loadTopology(path.join(EXAMPLES, "policy.yml"))), name: LAB };
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    for (const r of result.ready) {
      assert.equal(r.done, true, `${r.protocol} converged: ${r.summary}`);
      t.diagnostic(`${r.summary} (${(r.ms / 1000).toFixed(2)} s)`);
    }
    const routes = await bgpRoutes(`wl_${LAB}_r1`, "ipv4");
    const best = (prefix: string) => routes[prefix]?.find((p) => p.bestpath);
    const paths = (prefix: string) => (routes[prefix] ?? []).map((p) => p.aspath).sort();
    // Local preference from a prefix list (r3's path, equal length).
    assert.equal(best("10.4.1.0/24")?.aspath, "65003 65004");
    assert.equal(best("10.4.1.0/24")?.locPrf, 200);
    // r4 prepends towards r3: the path via r2 wins on length.
    assert.deepEqual(paths("10.4.2.0/24"), ["65002 65004", "65003 65004 65004 65004"]);
    assert.equal(best("10.4.2.0/24")?.aspath, "65002 65004");
    // The community r4 sets towards r3, matched on r1: local preference 200 beats length.
    assert.equal(best("10.4.3.0/24")?.aspath, "65003 65004 65004 65004");
    assert.equal(best("10.4.3.0/24")?.locPrf, 200);
    assert.equal(best("10.4.3.0/24")?.metric, 30);
    // The AS-path list takes from r2 only routes originated in 65004.
    assert.deepEqual(paths("10.2.0.0/24"), ["65003 65004 65002"]);
    // The lab-wide prefix list drops 10.4.9.0/24 on r1 only.
    assert.equal(routes["10.4.9.0/24"], undefined);
    const r2 = await bgpRoutes(`wl_${LAB}_r2`, "ipv4");
    assert.ok(r2["10.4.9.0/24"]?.some((p) => p.bestpath && p.aspath === "65004"));
    // Redistribution through a route map: r4's loopback, none of its link subnets.
    assert.ok(best("10.255.0.4/32"));
    assert.equal(routes["10.0.24.0/31"], undefined);
    assert.equal(routes["10.0.34.0/31"], undefined);
  });

  test("its checks pass", () => verifies(LAB));

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});

describe("policy.yml with r1 on BIRD: the same policies as BIRD filters", { skip: skipUnlessRoot }, () => {
  const LAB = "hppol2";
  after(() => destroy(LAB));

  test("deploy returns with r1 (BIRD) choosing the same best paths", async (t) => {
    const file = path.join(EXAMPLES, "policy.yml");
    const text = (await readFile(file, "utf8")).replace("\n  r1:\n", "\n  r1:\n    stack: bird\n");
    const lab = { ...parseTopology(text, file), name: LAB };
    const r1 = findNode(lab, "r1");
    assert.ok(r1);
    assert.equal(r1.stack?.name, "bird");
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    for (const r of result.ready) {
      assert.equal(r.done, true, `${r.protocol} converged: ${r.summary}`);
      t.diagnostic(`${r.summary} (${(r.ms / 1000).toFixed(2)} s)`);
    }
    const stack = stackOf(r1);
    assert.ok(stack?.bgpRoutes);
    const routes = await stack.bgpRoutes(nodeHandle(LAB, r1), "ipv4");
    const best = (prefix: string) => routes[prefix]?.find((p) => p.bestpath);
    assert.equal(best("10.4.1.0/24")?.aspath, "65003 65004");
    assert.equal(best("10.4.2.0/24")?.aspath, "65002 65004");
    assert.equal(best("10.4.3.0/24")?.aspath, "65003 65004 65004 65004");
    assert.deepEqual(
      (routes["10.2.0.0/24"] ?? []).map((p) => p.aspath),
      ["65003 65004 65002"],
    );
    assert.equal(routes["10.4.9.0/24"], undefined);
    assert.equal(routes["10.0.34.0/31"], undefined);
  });

  test("its checks pass", () => verifies(LAB));

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});
