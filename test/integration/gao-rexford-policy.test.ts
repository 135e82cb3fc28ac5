// examples/gao-rexford-policy.yml deployed for real, transit on FRR and then on BIRD:
// relationship and route-map on the same neighbors compose. On transit the customer's
// route map denies one of its two prefixes, the other has the customer's local preference
// (and the MED the map sets); the provider's map sets its own local preference, which wins;
// the peer's export map permits everything, yet valley-free still keeps provider and peer
// routes from the peer and the provider; the default route goes to the customer only. The
// example's checks run with verifyLab, and destroy leaves nothing behind.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { findNode, type Lab } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { stackOf } from "../../src/stacks/index.js";
import { parseTopology } from "../../src/topology/load.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

const FILE = path.join(EXAMPLES, "gao-rexford-policy.yml");

async function destroy(name: string): Promise<void> {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

type Routes = Awaited<ReturnType<typeof routesOf>>;

/**
 * The node's BGP table once it has every prefix of `want` (polled, at most 10 s): seen
 * here, cust's originated prefixes reached transit up to about a second after deploy
 * returned (readiness waits for each session's first table, not for every originated
 * prefix), so "absent" is read only after the routes sent with it are in.
 */
async function routesWith(lab: Lab, name: string, want: string[]): Promise<Routes> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await routesOf(lab, name);
    if (want.every((p) => r[p]?.some((x) => x.bestpath)) || Date.now() > deadline) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

async function routesOf(lab: Lab, name: string) {
  const n = findNode(lab, name);
  assert.ok(n, name);
  const stack = stackOf(n);
  assert.ok(stack?.bgpRoutes);
  return stack.bgpRoutes(nodeHandle(lab.name, n), "ipv4");
}

for (const stack of ["frr", "bird"] as const) {
  describe(`gao-rexford-policy.yml with transit on ${stack}`, { skip: skipUnlessRoot }, () => {
    const LAB = stack === "frr" ? "hpc3" : "hpc4";
    after(() => destroy(LAB));

    test("deploy returns with the relationship and the route maps both applied", async (t) => {
      const text = (await readFile(FILE, "utf8")).replace("\n  transit:\n", `\n  transit:\n    stack: ${stack}\n`);
      const lab = { ...parseTopology(text, FILE), name: LAB };
      assert.equal(findNode(lab, "transit")?.stack?.name, stack);
      const result = await deployLab(lab, { timeoutMs: 60_000 });
      for (const r of result.ready) {
        assert.equal(r.done, true, `${r.protocol} converged: ${r.summary}`);
        t.diagnostic(`${r.summary} (${(r.ms / 1000).toFixed(2)} s)`);
      }
      const transit = await routesWith(lab, "transit", ["10.10.1.0/24", "10.20.0.0/24", "10.30.0.0/24"]);
      const best = (prefix: string) => transit[prefix]?.find((p) => p.bestpath);
      // The customer's map denies one prefix; the other has the customer's local preference
      // (the relationship's) and the MED the map sets.
      assert.equal(transit["10.10.2.0/24"], undefined);
      assert.equal(best("10.10.1.0/24")?.aspath, "65010");
      assert.equal(best("10.10.1.0/24")?.locPrf, 200);
      assert.equal(best("10.10.1.0/24")?.metric, 10);
      // The provider's map sets local preference 80: it wins over the relationship's 50.
      assert.equal(best("10.30.0.0/24")?.locPrf, 80);
      // A peer without a map of its own: the relationship's 100.
      assert.equal(best("10.20.0.0/24")?.locPrf, 100);
      // Export: the peer's map prepends, and permits everything, yet valley-free holds.
      const peer = await routesWith(lab, "peer", ["10.10.1.0/24", "10.20.0.0/24"]);
      assert.equal(peer["10.10.1.0/24"]?.find((p) => p.bestpath)?.aspath, "65001 65001 65010");
      assert.equal(peer["10.30.0.0/24"], undefined);
      assert.equal(peer["0.0.0.0/0"], undefined);
      const up = await routesWith(lab, "up", ["10.10.1.0/24", "10.30.0.0/24"]);
      assert.equal(up["10.10.1.0/24"]?.find((p) => p.bestpath)?.aspath, "65001 65010");
      assert.equal(up["10.20.0.0/24"], undefined);
      assert.equal(up["0.0.0.0/0"], undefined);
      const cust = await routesWith(lab, "cust", ["0.0.0.0/0", "10.30.0.0/24", "10.20.0.0/24"]);
      assert.equal(cust["0.0.0.0/0"]?.find((p) => p.bestpath)?.aspath, "65001");
      assert.equal(cust["10.30.0.0/24"]?.find((p) => p.bestpath)?.aspath, "65001 65030");
    });

    test("its checks pass", async () => {
      const state = await readState(LAB);
      assert.ok(state);
      const report = await verifyLab(state);
      const checks = report.suites.flatMap((s) => s.checks);
      assert.equal(checks.length, 11);
      assert.deepEqual(
        checks.filter((c) => !c.pass).map((c) => `${c.name}: expected ${c.expected}, saw ${c.seen}`),
        [],
      );
    });

    test("destroy leaves nothing behind", async () => {
      await destroy(LAB);
      assert.deepEqual(await waitNoLeftovers(LAB), []);
    });
  });
}
