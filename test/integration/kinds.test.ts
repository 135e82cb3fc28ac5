// Linux hosts behind FRR routers, front-panel port names the kernel cannot take, IPv4 and
// IPv6 end to end, and Linux bridges as shared segments, all deployed for real.
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { inspectLab } from "../../src/core/inspect.js";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { bgpRoutes, ipRoutes, type RibRoute } from "../../src/stacks/frr/state.js";
import { loadTopology } from "../../src/topology/load.js";
import { EXAMPLES, inNode, pingTtl, ROOT, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

describe("hosts, front-panel names and IPv6", { skip: skipUnlessRoot }, () => {
  const lab = "itkinds";
  after(() => destroy(lab));

  test("deploys and converges", async () => {
    const model = await loadTopology(path.join(ROOT, "test/integration/fixtures/kinds.yml"));
    const r = await deployLab(model);
    assert.equal(r.bgp?.timedOut, false, `down: ${r.bgp?.down.join(", ")}`);
    assert.equal(r.bgp?.established, 4, "an IPv4 and an IPv6 session, seen from both ends");
  });

  test("host to host over two routers, IPv4 (TTL 62) and IPv6", async () => {
    assert.equal(await pingTtl(lab, "h1", "10.2.0.10"), 62);
    const v6 = await inNode(lab, "h1", ["ping", "-6", "-c", "1", "-W", "2", "2001:db8:2::10"]);
    assert.equal(v6.code, 0, v6.stdout + v6.stderr);
  });

  test("IPv6 prefixes are exchanged over the IPv6 session", async () => {
    const routes = await bgpRoutes(`wl_${lab}_r1`, "ipv6");
    const best = routes["2001:db8:2::/64"]?.find((p) => p.bestpath);
    assert.equal(best?.aspath, "65002");
  });

  test("a port named Ethernet1/1 keeps its name as the kernel interface's alias", async () => {
    const r = await inNode(lab, "r1", ["ip", "-j", "link", "show", "dev", "Ethernet1_1"]);
    const [link] = JSON.parse(r.stdout) as { ifalias?: string }[];
    assert.equal(link?.ifalias, "Ethernet1/1");
  });

  test("exec accepts the user's port name", async () => {
    const r = await wirelab([
      "exec",
      "--lab",
      lab,
      "r1",
      "--",
      "ip",
      "-br",
      "link",
      "show",
      "dev",
      "GigabitEthernet0/0/1",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^GigabitEth-763c@if\d+\s+UP/);
  });

  test("inspect shows both names and pairs every port", async () => {
    const state = await readState(lab);
    assert.ok(state);
    const info = await inspectLab(state);
    const gi = info.nodes.flatMap((n) => n.ports).find((p) => p.port === "GigabitEthernet0/0/1");
    assert.equal(gi?.ifname, "GigabitEth-763c");
    assert.equal(gi?.peer, "r2:swp1");
    assert.ok(info.nodes.flatMap((n) => n.ports).every((p) => p.peerOk));
    assert.deepEqual(info.nodes.find((n) => n.name === "r1")?.loopback, ["10.255.0.1/32"]);
  });

  test("destroy leaves nothing behind", async () => {
    await destroy(lab);
    assert.deepEqual(await waitNoLeftovers(lab), []);
  });
});

describe("bridges as the seed's Docker networks", { skip: skipUnlessRoot }, () => {
  const lab = "itbridges";
  after(() => destroy(lab));

  test("routers on two bridge segments reach each other, and destroy cleans up", async () => {
    const model = { ...(await loadTopology(path.join(EXAMPLES, "seed-bridges.yml"))), name: lab };
    const r = await deployLab(model);
    assert.equal(r.bgp?.timedOut, false);
    assert.equal(await pingTtl(lab, "ops1", "192.168.102.2"), 63);
    const br = await inNode(lab, "net101", ["ip", "-j", "link", "show", "master", "br0"]);
    assert.deepEqual((JSON.parse(br.stdout) as { ifname: string }[]).map((l) => l.ifname).sort(), ["p1", "p2"]);
    await destroy(lab);
    assert.deepEqual(await waitNoLeftovers(lab), []);
  });
});

describe("a node whose daemon dies", { skip: skipUnlessRoot }, () => {
  const lab = "itdegraded";
  after(() => destroy(lab));

  test("inspect reports it degraded, naming the daemon; destroy still cleans up", async () => {
    const model = { ...(await loadTopology(path.join(EXAMPLES, "seed-ebgp.yml"))), name: lab };
    await deployLab(model, { wait: false });
    const state = await readState(lab);
    assert.ok(state);
    const before = await inspectLab(state);
    const bgpd = before.nodes.find((n) => n.name === "ops2")?.daemons.find((d) => d.name === "bgpd");
    assert.ok(bgpd?.pid);
    process.kill(bgpd.pid, "SIGKILL");
    let ops2 = before.nodes.find((n) => n.name === "ops2");
    for (let i = 0; i < 50 && ops2?.status !== "degraded"; i++) {
      await delay(50);
      ops2 = (await inspectLab(state)).nodes.find((n) => n.name === "ops2");
    }
    assert.equal(ops2?.status, "degraded");
    assert.equal(ops2?.daemons.find((d) => d.name === "bgpd")?.alive, false);
    await destroy(lab);
    assert.deepEqual(await waitNoLeftovers(lab), []);
  });
});

describe("OSPF from raw config", { skip: skipUnlessRoot }, () => {
  const lab = "itospf";
  after(() => destroy(lab));

  test("ospfd runs, loopbacks are learned, and destroy removes the shared GR file it created", async () => {
    const grBefore = await access("/var/run/frr/ospfd-gr.json").then(
      () => true,
      () => false,
    );
    await deployLab(await loadTopology(path.join(ROOT, "test/integration/fixtures/ospf.yml")));
    let route: RibRoute[] | undefined;
    const deadline = Date.now() + 30_000;
    while (!route && Date.now() < deadline) {
      route = (await ipRoutes(`wl_${lab}_r1`, "ipv4"))["10.255.0.2/32"]?.filter((r) => r.protocol === "ospf");
      if (!route?.length) {
        route = undefined;
        await delay(200);
      }
    }
    assert.ok(route, "r1 learned r2's loopback over OSPF");
    // r1 has r2's loopback; r2's route back to r1's may land a moment later: a few tries.
    let ping = await inNode(lab, "r1", ["ping", "-c", "1", "-W", "2", "-I", "10.255.0.1", "10.255.0.2"]);
    for (let i = 0; i < 4 && ping.code !== 0; i++) {
      ping = await inNode(lab, "r1", ["ping", "-c", "1", "-W", "2", "-I", "10.255.0.1", "10.255.0.2"]);
    }
    assert.equal(ping.code, 0, ping.stdout);
    await destroy(lab);
    assert.deepEqual(await waitNoLeftovers(lab), []);
    if (!grBefore) {
      await assert.rejects(access("/var/run/frr/ospfd-gr.json"), "the GR file this lab created is gone");
    }
  });
});
