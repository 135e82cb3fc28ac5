// The BGP feature examples deployed for real (namespaces, veths, FRR): route reflection over
// loopbacks, BGP unnumbered, dual stack, BFD. Each is asserted through FRR's JSON and the
// kernel the moment deploy returns (deploy's readiness must already have waited for what
// the assertions need), then its own `checks:` run with verifyLab, and it is destroyed with
// nothing left behind. Convergence as deploy measured it is printed as a diagnostic.
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { bgpRoutes, bgpSummary } from "../../src/stacks/frr/state.js";
import { loadTopology } from "../../src/topology/load.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, inNode, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

async function destroy(name: string): Promise<void> {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

/** Deploys an example under a lab name of our own; returns deploy's readiness per protocol. */
async function deploy(file: string, name: string, t: { diagnostic(m: string): void }) {
  const lab = { ...(await loadTopology(path.join(EXAMPLES, file))), name };
  const result = await deployLab(lab, { timeoutMs: 60_000 });
  for (const r of result.ready) {
    assert.equal(r.done, true, `${r.protocol} converged: ${r.summary}; down: ${r.down.join(", ")}`);
    t.diagnostic(`${file}: ${r.summary} (${(r.ms / 1000).toFixed(2)} s)`);
  }
  return result;
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

async function bestPath(lab: string, node: string, afi: "ipv4" | "ipv6", prefix: string) {
  const routes = await bgpRoutes(`wl_${lab}_${node}`, afi);
  const best = (routes[prefix] ?? []).find((p) => p.bestpath);
  assert.ok(best, `${node} has a best path to ${prefix}: ${JSON.stringify(Object.keys(routes))}`);
  return best;
}

describe("ibgp-rr.yml: a route reflector and three clients over loopbacks", { skip: skipUnlessRoot }, () => {
  const LAB = "bxrr";
  after(() => destroy(LAB));

  test("deploy returns with every session between loopbacks Established and the routes reflected", async (t) => {
    const result = await deploy("ibgp-rr.yml", LAB, t);
    assert.equal(result.bgp?.established, 8, "four iBGP sessions and one eBGP session, seen from both ends");
    const peers = await bgpSummary(`wl_${LAB}_rr1`);
    assert.deepEqual(peers.map((p) => [p.address, p.state]).sort(), [
      ["10.255.0.11", "Established"],
      ["10.255.0.12", "Established"],
      ["10.255.0.13", "Established"],
    ]);
    const reflected = await bestPath(LAB, "c1", "ipv4", "10.2.0.0/16");
    assert.deepEqual(
      reflected.nexthops.map((n) => n.ip),
      ["10.255.0.12"],
      "next hop unchanged: c2's loopback",
    );
    const external = await bestPath(LAB, "c1", "ipv4", "198.51.100.1/32");
    assert.deepEqual(
      external.nexthops.map((n) => n.ip),
      ["10.255.0.13"],
      "next-hop-self on c3",
    );
  });

  test("its checks pass", () => verifies(LAB));

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});

describe("ibgp-rr-ospf.yml: two route reflectors over an OSPF underlay, all intent", { skip: skipUnlessRoot }, () => {
  const LAB = "bxrrospf";
  after(() => destroy(LAB));

  test("deploy returns after OSPF and BGP: loopbacks in the RIB, every session between them up, routes reflected", async (t) => {
    const result = await deploy("ibgp-rr-ospf.yml", LAB, t);
    assert.deepEqual(result.ready.map((r) => r.protocol).sort(), ["bgp", "ospf"]);
    // 7 iBGP sessions (rr1—rr2 and each client to both reflectors) and one eBGP, both ends.
    assert.equal(result.bgp?.established, 16);
    const rib = await inNode(LAB, "c1", ["ip", "-j", "route", "show", "10.255.0.13/32"]);
    assert.equal((JSON.parse(rib.stdout) as { protocol: string }[])[0]?.protocol, "ospf", rib.stdout);
    const reflected = await bestPath(LAB, "c1", "ipv4", "10.3.0.0/16");
    assert.deepEqual(
      reflected.nexthops.map((n) => n.ip),
      ["10.255.0.13"],
      "reflected with c3's loopback as next hop",
    );
    // Both reflectors reflect it: c1 holds two paths with the same cluster id.
    const paths = (await bgpRoutes(`wl_${LAB}_c1`, "ipv4"))["10.3.0.0/16"] ?? [];
    assert.equal(paths.length, 2, JSON.stringify(paths));
  });

  test("its checks pass", () => verifies(LAB));

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});

describe("bgp-unnumbered.yml: a leaf-spine without link addresses", { skip: skipUnlessRoot }, () => {
  const LAB = "bxun";
  after(() => destroy(LAB));

  test("deploy returns with interface sessions Established, BFD up and IPv4 over IPv6 next hops", async (t) => {
    const result = await deploy("bgp-unnumbered.yml", LAB, t);
    assert.deepEqual(result.ready.map((r) => r.protocol).sort(), ["bfd", "bgp"]);
    const peers = await bgpSummary(`wl_${LAB}_leaf1`);
    assert.deepEqual(peers.map((p) => [p.address, p.state, p.hostname]).sort(), [
      ["swp1", "Established", "spine1"],
      ["swp2", "Established", "spine2"],
    ]);
    const best = await bestPath(LAB, "leaf1", "ipv4", "10.255.1.2/32");
    assert.ok(
      best.nexthops.every((n) => n.ip.startsWith("fe80:")),
      `IPv4 route with link-local next hops: ${JSON.stringify(best.nexthops)}`,
    );
    const addrs = await inNode(LAB, "leaf1", ["ip", "-4", "-j", "addr", "show", "dev", "swp1"]);
    assert.deepEqual(JSON.parse(addrs.stdout)[0]?.addr_info ?? [], [], "swp1 has no IPv4 address");
  });

  test("its checks pass", () => verifies(LAB));

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});

describe("dual-stack.yml: one session per family, IPv6 loopbacks routed", { skip: skipUnlessRoot }, () => {
  const LAB = "bxds";
  after(() => destroy(LAB));

  test("deploy returns with two sessions per neighbor and r1's IPv6 loopback in r3's kernel", async (t) => {
    await deploy("dual-stack.yml", LAB, t);
    const peers = await bgpSummary(`wl_${LAB}_r2`);
    assert.equal(peers.length, 4);
    for (const p of peers) {
      const fams = Object.keys(p.families);
      assert.deepEqual(fams, [p.address.includes(":") ? "ipv6Unicast" : "ipv4Unicast"], `${p.address}: ${fams}`);
    }
    const best = await bestPath(LAB, "r3", "ipv6", "2001:db8:ff::1/128");
    assert.equal(best.aspath, "65002 65001");
    const ping = await inNode(LAB, "r3", [
      "ping",
      "-6",
      "-c",
      "1",
      "-W",
      "2",
      "-I",
      "2001:db8:ff::3",
      "2001:db8:ff::1",
    ]);
    assert.equal(ping.code, 0, `ping6 r3 → r1's loopback: ${ping.stdout}${ping.stderr}`);
  });

  test("its checks pass", () => verifies(LAB));

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});

describe("iBGP over loopbacks that only OSPF makes reachable (raw config next to the intent)", {
  skip: skipUnlessRoot,
}, () => {
  const LAB = "bxospf";
  after(() => destroy(LAB));

  test("deploy returns once OSPF has brought the loopbacks and so the sessions up", async (t) => {
    const lab = {
      ...(await loadTopology(path.join(EXAMPLES, "../test/integration/fixtures/ibgp-ospf.yml"))),
      name: LAB,
    };
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    t.diagnostic(
      `ibgp-ospf.yml: ${result.ready.map((r) => `${r.summary} (${(r.ms / 1000).toFixed(2)} s)`).join("; ")}`,
    );
    assert.equal(result.bgp?.done, true, `BGP converged: ${result.bgp?.down.join(", ")}`);
    const route = await inNode(LAB, "r1", ["ip", "-4", "-j", "route", "show", "10.255.0.3"]);
    assert.equal(JSON.parse(route.stdout)[0]?.protocol, "ospf", "r1 reaches r3's loopback through OSPF");
    const best = await bestPath(LAB, "r1", "ipv4", "10.3.0.0/16");
    assert.deepEqual(
      best.nexthops.map((n) => n.ip),
      ["10.255.0.3"],
    );
  });

  test("its checks pass", () => verifies(LAB));

  test("destroy leaves nothing behind", async () => {
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});
