// Bug 3 of issue 16: with IS-IS in raw `config:` text, a router's first LSP (built when
// isisd reads `net`, before its interfaces are in) carried no prefixes and was not replaced
// for FRR's 30 s LSP generation interval, and deploy returned on the adjacencies alone: the
// routers' loopbacks reached the others about 30 s after deploy returned. Now deploy waits,
// for raw-config routers too, until every router has the prefixes the others carry (read
// back from their daemons and zebra), and the raw text gets `lsp-gen-interval 1` (a
// documented lab-friendly change) so that takes seconds. Both are checked the moment deploy
// returns: with the lab timers (fast), and without them (deploy waits out FRR's 30 s).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab } from "../../src/core/model.js";
import { startNode, stopNode } from "../../src/core/nodes.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { ask } from "../../src/stacks/frr/igp.js";
import { ribRoutes } from "../../src/stacks/frr/query.js";
import { parseTopology } from "../../src/topology/load.js";
import { skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

/** Raw IS-IS config of router N of a chain (ports 1 and 2), 1800 s LSP lifetime as in the report. */
function isisConfig(n: number, ports: string[]): string {
  return [
    "interface lo",
    " ip router isis core",
    " isis passive",
    ...ports.flatMap((p) => [
      `interface ${p}`,
      " ip router isis core",
      " isis network point-to-point",
      " isis hello-interval 1",
      " isis hello-multiplier 3",
    ]),
    "router isis core",
    ` net 49.0001.0000.0000.000${n}.00`,
    " is-type level-2-only",
    " max-lsp-lifetime 1800",
    " lsp-refresh-interval 900",
    "",
  ].join("\n");
}

function chain(name: string, labTimers: boolean): Lab {
  const cfg = (n: number, ports: string[]) =>
    `    config: |\n${isisConfig(n, ports)
      .split("\n")
      .map((l) => `      ${l}`)
      .join("\n")}\n`;
  const frr = labTimers ? "" : "defaults: { frr: { lab-timers: false } }\n";
  return parseTopology(
    `name: ${name}
${frr}nodes:
  r1:
    interfaces: { lo: { ip: 10.255.3.1/32 } }
${cfg(1, ["1"])}  r2:
    interfaces: { lo: { ip: 10.255.3.2/32 } }
${cfg(2, ["1", "2"])}  r3:
    interfaces: { lo: { ip: 10.255.3.3/32 } }
${cfg(3, ["1"])}links:
  - [{ endpoint: r1:1, ip: 10.3.12.0/31 }, { endpoint: r2:1, ip: 10.3.12.1/31 }]
  - [{ endpoint: r2:2, ip: 10.3.23.0/31 }, { endpoint: r3:1, ip: 10.3.23.1/31 }]
`,
    `${name}.yml`,
  );
}

/**
 * Deploys; right after, every router has the others' loopbacks by IS-IS, and r2 sees LSPs of
 * the configured lifetime. Returns how long deploy waited for IS-IS.
 */
async function deployAndLook(lab: Lab, t: { diagnostic(m: string): void }): Promise<number> {
  const t0 = Date.now();
  const result = await deployLab(lab, { timeoutMs: 90_000 });
  const took = Date.now() - t0;
  const isis = result.ready.find((r) => r.protocol === "isis");
  assert.equal(isis?.done, true, isis?.down.join("; "));
  t.diagnostic(`${isis?.summary} (${((isis?.ms ?? 0) / 1000).toFixed(2)} s; deploy ${(took / 1000).toFixed(1)} s)`);
  for (const n of lab.nodes) {
    const rib = await ribRoutes(nodeHandle(lab.name, n), "ipv4");
    for (const k of [1, 2, 3]) {
      const lo = `10.255.3.${k}/32`;
      if (n.name === `r${k}`) continue;
      assert.equal(rib[lo]?.[0]?.protocol, "isis", `${n.name} has ${lo} by IS-IS when deploy returns`);
    }
  }
  const r2 = lab.nodes.find((n) => n.name === "r2");
  assert.ok(r2);
  const db = await ask(nodeHandle(lab.name, r2), "isisd", "show isis database");
  // "r1.00-00   96  0x00000003  0x0bd9  1795  0/0/0": the LSP in use has the configured 1800 s.
  const holds = [...db.matchAll(/^\s*(r\d)\.00-00\s+\*?\s*\d+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+(\d+)/gm)].map((m) => [
    m[1],
    Number(m[2]),
  ]);
  assert.equal(holds.length, 3, db);
  for (const [who, hold] of holds) assert.ok((hold as number) > 1200, `${who}'s LSP holdtime ${hold} > 1200:\n${db}`);
  return isis?.ms ?? 0;
}

describe("raw-config IS-IS: deploy returns with every router's prefixes in the others' RIBs", {
  skip: skipUnlessRoot,
}, () => {
  after(async () => {
    await destroy("hpisis1");
    await destroy("hpisis2");
  });

  test("with the lab timers: lsp-gen-interval 1 added, the routes in within seconds", async (t) => {
    const lab = chain("hpisis1", true);
    const ms = await deployAndLook(lab, t);
    // FRR's 30 s generation interval would hold the routes for about 30 s (measured: 31 s).
    assert.ok(ms < 20_000, `IS-IS converged after ${ms} ms`);
    // A restarted router (node stop, node start) gets its LSP timers first again.
    const state = await readState(lab.name);
    assert.ok(state);
    await stopNode(state, "r1");
    const t0 = Date.now();
    await startNode(state, "r1");
    const r3 = lab.nodes.find((n) => n.name === "r3");
    assert.ok(r3);
    let back = false;
    while (!back && Date.now() - t0 < 25_000) {
      const rib = await ribRoutes(nodeHandle(lab.name, r3), "ipv4").catch(() => ({}) as Record<string, never>);
      back = (rib as Record<string, { protocol: string }[]>)["10.255.3.1/32"]?.[0]?.protocol === "isis";
      if (!back) await new Promise((r) => setTimeout(r, 200));
    }
    t.diagnostic(`r1 restarted: its loopback back on r3 after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.ok(back, "r1's loopback is back on r3 within 25 s of r1's restart");
    await destroy(lab.name);
    assert.deepEqual(await waitNoLeftovers(lab.name), []);
  });

  test("without them (FRR's 30 s generation interval): deploy still waits for the routes", async (t) => {
    const lab = chain("hpisis2", false);
    await deployAndLook(lab, t);
    await destroy(lab.name);
    assert.deepEqual(await waitNoLeftovers(lab.name), []);
  });
});

describe("raw-config OSPF next to the intent: each waits for the other's prefixes", { skip: skipUnlessRoot }, () => {
  const name = "hpospf1";
  after(() => destroy(name));

  test("deploy returns with r1 (intent) routing r2's loopback and r2 (raw) routing r1's", async () => {
    const lab = parseTopology(
      `name: ${name}
nodes:
  r1: { interfaces: { lo: { ip: 10.255.4.1/32 } }, ospf: { area: 0 } }
  r2:
    interfaces: { lo: { ip: 10.255.4.2/32 } }
    config: |
      interface 1
       ip ospf area 0.0.0.0
       ip ospf network point-to-point
       ip ospf hello-interval 1
       ip ospf dead-interval 4
      interface lo
       ip ospf area 0.0.0.0
      router ospf
       ospf router-id 10.255.4.2
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.4.0.1/30 }, { endpoint: r2:1, ip: 10.4.0.2/30 }]
    ospf: { network-type: point-to-point }
`,
      "raw-ospf.yml",
    );
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    const ospf = result.ready.find((r) => r.protocol === "ospf");
    assert.equal(ospf?.done, true, ospf?.down.join("; "));
    const [r1, r2] = lab.nodes;
    assert.ok(r1 && r2);
    const rib1 = await ribRoutes(nodeHandle(name, r1), "ipv4");
    const rib2 = await ribRoutes(nodeHandle(name, r2), "ipv4");
    assert.equal(rib1["10.255.4.2/32"]?.[0]?.protocol, "ospf", "r1 has the raw router's loopback");
    assert.equal(rib2["10.255.4.1/32"]?.[0]?.protocol, "ospf", "r2 has the intent router's loopback");
    await destroy(name);
    assert.deepEqual(await waitNoLeftovers(name), []);
  });
});
