// OSPF and IS-IS for real: both examples deployed on namespaces with FRR; the moment deploy
// returns, every adjacency the model expects is up and every router has the others'
// loopbacks (deploy waits for that, nothing here waits); the examples' checks and scenarios
// pass; destroy leaves nothing behind. Also a router whose OSPF is raw `config:` text,
// which deploy waits for too.
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, test } from "node:test";
import { inspectLab } from "../../src/core/inspect.js";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab, NodeModel } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { frr } from "../../src/stacks/frr/index.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

/** Every adjacency the model expects, looked at once: "r1:eth1 → r2 OSPFv2 Full". */
async function adjacencies(lab: Lab, igp: "ospf" | "isis"): Promise<{ up: string[]; down: string[] }> {
  const up: string[] = [];
  const down: string[] = [];
  for (const n of lab.nodes.filter((x) => x.intents[igp])) {
    const h = nodeHandle(lab.name, n);
    if (igp === "ospf") {
      const seen = await frr.ospfNeighbors?.(h);
      for (const i of n.intents.ospf?.interfaces ?? []) {
        for (const p of i.passive ? [] : i.peers) {
          for (const f of p.families) {
            const nb = seen?.find((x) => x.family === f && x.ifname === i.ifname && x.routerId === p.routerId);
            (nb?.up ? up : down).push(
              `${n.name}:${i.port} → ${p.node} OSPFv${f === 4 ? 2 : 3} ${nb?.state ?? "missing"}`,
            );
          }
        }
      }
    } else {
      const seen = await frr.isisAdjacencies?.(h);
      for (const i of n.intents.isis?.interfaces ?? []) {
        for (const p of i.peers) {
          const adj = seen?.find((x) => x.ifname === i.ifname && (x.systemId === p.node || x.systemId === p.systemId));
          (adj?.up ? up : down).push(`${n.name}:${i.port} → ${p.node} ${adj?.state ?? "missing"}`);
        }
      }
    }
  }
  return { up, down };
}

/** Loopbacks of the other routers missing from each router's RIB. */
async function missingLoopbacks(lab: Lab, routers: NodeModel[]): Promise<string[]> {
  const missing: string[] = [];
  for (const n of routers) {
    const h = nodeHandle(lab.name, n);
    const rib = { ...(await frr.ribRoutes?.(h, "ipv4")), ...(await frr.ribRoutes?.(h, "ipv6")) };
    for (const o of routers.filter((x) => x !== n)) {
      for (const lo of o.loopback) if (!rib[lo]) missing.push(`${n.name} lacks ${lo} (${o.name})`);
    }
  }
  return missing;
}

for (const [file, name, igp, count] of [
  ["ospf-multiarea.yml", "igp-ospf", "ospf", 24],
  ["isis.yml", "igp-isis", "isis", 8],
] as const) {
  describe(`${file}: ${igp} for real`, { skip: skipUnlessRoot }, () => {
    let lab: Lab;
    after(() => destroy(name));

    test("deploy returns converged: every adjacency up and every loopback routed at once", async () => {
      lab = { ...(await loadTopology(path.join(EXAMPLES, file))), name };
      const result = await deployLab(lab, { timeoutMs: 60_000 });
      // No waiting from here on: deploy must only return once the IGP has converged.
      const adj = await adjacencies(lab, igp);
      const missing = await missingLoopbacks(
        lab,
        lab.nodes.filter((n) => n.intents[igp]),
      );
      const ready = result.ready.find((r) => r.protocol === igp);
      assert.ok(ready, `deploy waited for ${igp}`);
      assert.equal(ready.done, true, `${igp} converged (down: ${ready.down.join("; ")})`);
      assert.deepEqual(adj.down, [], "every adjacency up right after deploy");
      assert.equal(adj.up.length, count);
      assert.deepEqual(missing, [], "every router has every loopback right after deploy");
      console.log(
        `# ${file}: ${ready.summary} in ${(ready.ms / 1000).toFixed(2)} s (deploy ${(result.ms / 1000).toFixed(2)} s)`,
      );
    });

    test("inspect lists r1's adjacencies by node name; the example's checks pass", async () => {
      const state = await readState(name);
      assert.ok(state);
      const r1 = (await inspectLab(state)).nodes.find((n) => n.name === "r1");
      assert.ok(r1?.igp?.length && r1.igp.every((a) => a.up), JSON.stringify(r1?.igp));
      assert.ok(r1.igp.some((a) => a.neighbor === "r2" && a.port === "eth1"));
      const report = await verifyLab(state);
      const failed = report.suites.flatMap((s) => s.checks).filter((c) => !c.pass);
      assert.deepEqual(
        failed.map((c) => `${c.name}: expected ${c.expected}, seen ${c.seen}`),
        [],
      );
    });

    test("the scenario cut-r1-r2: the IGP routes around the cut, and back", async () => {
      const state = await readState(name);
      const scenario = state?.model.scenarios?.find((s) => s.name === "cut-r1-r2");
      assert.ok(state && scenario);
      const report = await verifyLab(state, { scenario });
      const failed = report.suites
        .flatMap((s) => s.checks.map((c) => ({ ...c, suite: s.name })))
        .filter((c) => !c.pass);
      assert.deepEqual(
        failed.map((c) => `${c.suite}: ${c.name}: expected ${c.expected}, seen ${c.seen}`),
        [],
      );
    });

    test("destroy leaves nothing behind", async () => {
      await destroy(name);
      assert.deepEqual(await waitNoLeftovers(name), []);
    });
  });
}

describe("OSPF from raw config next to the intent", { skip: skipUnlessRoot }, () => {
  const name = "igp-raw";
  after(() => destroy(name));

  test("deploy waits for the raw router's adjacency too", async () => {
    const lab = parseTopology(
      `name: ${name}
nodes:
  r1: { interfaces: { lo: { ip: 10.255.1.1/32 } }, ospf: { area: 0 } }
  r2:
    interfaces: { lo: { ip: 10.255.1.2/32 } }
    config: |
      interface 1
       ip ospf area 0.0.0.0
       ip ospf network point-to-point
       ip ospf hello-interval 1
       ip ospf dead-interval 4
      interface lo
       ip ospf area 0.0.0.0
      router ospf
       ospf router-id 10.255.1.2
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.9.0.1/30 }, { endpoint: r2:1, ip: 10.9.0.2/30 }]
    ospf: { network-type: point-to-point }
`,
      "raw.yml",
    );
    assert.deepEqual(frr.protocols(lab.nodes[1] as NodeModel), ["ospf"]);
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    const ready = result.ready.find((r) => r.protocol === "ospf");
    assert.equal(ready?.done, true, ready?.down.join("; "));
    const seen = await frr.ospfNeighbors?.(nodeHandle(name, lab.nodes[1] as NodeModel));
    assert.deepEqual(
      seen?.map((n) => [n.routerId, n.state, n.up]),
      [["10.255.1.1", "Full", true]],
    );
    await destroy(name);
    assert.deepEqual(await waitNoLeftovers(name), []);
  });
});
