// EVPN over VXLAN for real: examples/evpn-vxlan.yml deployed on namespaces with FRR. The
// moment deploy returns, every leaf's VNIs list their remote VTEPs (zebra, from type-3
// routes) and the kernel floods to them (the VXLAN devices' all-zero FDB entries), and hosts
// of one VNI on different leaves ping each other across the fabric (one subnet, VXLAN
// between the loopbacks); the example's checks pass, a wrong expectation fails, and destroy
// leaves nothing (the bridges and VXLAN devices went with the leaves' namespaces).
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { frr } from "../../src/stacks/frr/index.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";
import { probeEvpnVni } from "../../src/verify/probe-evpn.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, inNode, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

const NAME = "heevpn";

async function destroy() {
  const state = await readState(NAME);
  if (state) await destroyLab(state);
}

/** Remote VTEPs the kernel floods a VNI to: the VXLAN device's all-zero FDB entries. */
async function floodList(node: string, dev: string): Promise<string[]> {
  const r = await inNode(NAME, node, ["bridge", "-j", "fdb", "show", "dev", dev]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout || "[]") as { mac: string; dst?: string }[])
    .filter((e) => e.mac === "00:00:00:00:00:00" && e.dst)
    .map((e) => e.dst as string)
    .sort();
}

async function ping(from: string, to: string): Promise<boolean> {
  const r = await inNode(NAME, from, ["ping", "-c", "1", "-W", "2", to]);
  return r.code === 0;
}

describe("evpn-vxlan.yml: EVPN over VXLAN for real", { skip: skipUnlessRoot }, () => {
  let lab: Lab;
  after(() => destroy());

  test("deploy returns with every VNI's remote VTEPs learned and flooded to", async () => {
    lab = { ...(await loadTopology(path.join(EXAMPLES, "evpn-vxlan.yml"))), name: NAME };
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    // No waiting from here on: deploy returns only once EVPN has converged.
    const ready = result.ready.find((r) => r.protocol === "evpn");
    assert.ok(ready, "deploy waited for EVPN");
    assert.equal(ready.done, true, `EVPN converged (down: ${ready.down.join("; ")})`);
    const missing: string[] = [];
    for (const n of lab.nodes.filter((x) => x.intents.evpn?.vnis.length)) {
      const vnis = (await frr.evpnVnis?.(nodeHandle(NAME, n))) ?? [];
      for (const v of n.intents.evpn?.vnis ?? []) {
        const seen = vnis.find((x) => x.vni === v.vni)?.remoteVteps ?? [];
        const flood = await floodList(n.name, v.vxlan);
        for (const r of v.remotes) {
          if (!seen.includes(r.vtep)) missing.push(`${n.name} VNI ${v.vni}: zebra lacks ${r.vtep}`);
          if (!flood.includes(r.vtep)) missing.push(`${n.name} ${v.vxlan}: kernel floods not to ${r.vtep}`);
        }
      }
    }
    assert.deepEqual(missing, []);
    assert.deepEqual(await floodList("l1", "vxlan10010"), ["10.255.0.12", "10.255.0.13"]);
    assert.deepEqual(await floodList("l1", "vxlan10020"), ["10.255.0.13"]);
    console.log(
      `# evpn-vxlan.yml: ${ready.summary} in ${(ready.ms / 1000).toFixed(2)} s (deploy ${(result.ms / 1000).toFixed(2)} s)`,
    );
  });

  test("hosts of one VNI on different leaves ping each other at once, over VXLAN", async () => {
    const t0 = performance.now();
    assert.ok(await ping("h1", "10.10.0.2"), "h1 → h2");
    assert.ok(await ping("h1", "10.10.0.3"), "h1 → h3");
    assert.ok(await ping("h3", "10.10.0.2"), "h3 → h2");
    console.log(`# first pings across the fabric: ${(performance.now() - t0).toFixed(0)} ms for three`);
    // Layer 2 indeed: h1 learned h2's own MAC (no router in between), and l1 knows it as a
    // remote MAC of VNI 10010 behind l2's VTEP.
    const neigh = await inNode(NAME, "h1", ["ip", "-j", "neigh", "show", "10.10.0.2"]);
    const h2mac = (JSON.parse(neigh.stdout) as { lladdr?: string }[])[0]?.lladdr;
    const h2port = lab.nodes.find((n) => n.name === "h2")?.ports[0]?.mac;
    assert.equal(h2mac, h2port);
    const fdb = await inNode(NAME, "l1", ["bridge", "-j", "fdb", "show", "dev", "vxlan10010"]);
    const entry = (JSON.parse(fdb.stdout) as { mac: string; dst?: string }[]).find((e) => e.mac === h2mac && e.dst);
    assert.equal(entry?.dst, "10.255.0.12");
  });

  test("the example's checks pass; a VTEP that is not there fails the check", async () => {
    const state = await readState(NAME);
    assert.ok(state);
    const report = await verifyLab(state);
    const failed = report.suites.flatMap((s) => s.checks).filter((c) => !c.pass);
    assert.deepEqual(
      failed.map((c) => `${c.name}: expected ${c.expected}, seen ${c.seen}`),
      [],
    );
    const wrong = await probeEvpnVni(state.model, {
      type: "evpn-vni",
      node: "l1",
      vni: 10020,
      vteps: [{ label: "l2", address: "10.255.0.12" }],
    });
    assert.equal(wrong.pass, false, wrong.seen);
    const count = await probeEvpnVni(state.model, { type: "evpn-vni", node: "l2", vni: 10010, vtepCount: 1 });
    assert.equal(count.pass, false, count.seen);
  });

  test("destroy leaves nothing: namespaces, daemons, bridges and VXLAN devices", async () => {
    const before = await inNode(NAME, "l1", ["ip", "-j", "link", "show", "type", "vxlan"]);
    assert.equal((JSON.parse(before.stdout) as unknown[]).length, 2, "l1 had its two VXLAN devices");
    await destroy();
    assert.deepEqual(await waitNoLeftovers(NAME), []);
    const names = new Set(["br10010", "br10020", "vxlan10010", "vxlan10020"]);
    for (const type of ["vxlan", "bridge"]) {
      const r = await run("ip", ["-j", "link", "show", "type", type]);
      const host = (JSON.parse(r.stdout || "[]") as { ifname: string }[]).map((l) => l.ifname);
      assert.deepEqual(
        host.filter((n) => names.has(n)),
        [],
        `no ${type} of the lab in the host namespace`,
      );
    }
  });
});

describe("EVPN over eBGP unnumbered for real", { skip: skipUnlessRoot }, () => {
  const name = "heevpnu";
  after(async () => {
    const state = await readState(name);
    if (state) await destroyLab(state);
  });

  test("the VTEPs' loopbacks travel as IPv4 over IPv6 next hops; hosts ping at once; nothing left", async () => {
    const lab = parseTopology(
      `name: ${name}
nodes:
  s1: { interfaces: { lo: { ip: 10.255.0.1/32 } }, bgp: { asn: 65000, evpn: true, advertise-loopbacks: true } }
  l1:
    interfaces: { lo: { ip: 10.255.0.11/32 } }
    bgp: { asn: 65001, evpn: true, advertise-loopbacks: true }
    vxlan: { vni: 100, bridge-ports: [eth3] }
  l2:
    interfaces: { lo: { ip: 10.255.0.12/32 } }
    bgp: { asn: 65002, evpn: true, advertise-loopbacks: true }
    vxlan: { vni: 100, bridge-ports: [eth3] }
  h1: { kind: linux }
  h2: { kind: linux }
links:
  - { endpoints: [s1:swp1, l1:swp1], bgp: { unnumbered: true } }
  - { endpoints: [s1:swp2, l2:swp1], bgp: { unnumbered: true } }
  - [l1:eth3, { endpoint: h1:eth0, ip: 10.10.0.1/24 }]
  - [l2:eth3, { endpoint: h2:eth0, ip: 10.10.0.2/24 }]
`,
      "unnumbered.yml",
    );
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    const ready = result.ready.find((r) => r.protocol === "evpn");
    assert.equal(ready?.done, true, ready?.down.join("; "));
    const l1 = lab.nodes.find((n) => n.name === "l1");
    assert.ok(l1);
    const vnis = await frr.evpnVnis?.(nodeHandle(name, l1));
    assert.deepEqual(vnis?.find((v) => v.vni === 100)?.remoteVteps, ["10.255.0.12"]);
    const r = await inNode(name, "h1", ["ping", "-c", "1", "-W", "2", "10.10.0.2"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const state = await readState(name);
    assert.ok(state);
    await destroyLab(state);
    assert.deepEqual(await waitNoLeftovers(name), []);
  });
});
