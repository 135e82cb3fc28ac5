// BIRD's OSPF and route reflection, for real, in a lab that mixes both stacks
// (examples/ospf-bird.yml: BIRD on rr1, c2 and c3, FRR on c1 and ext1): adjacencies and
// routes asserted right after deploy returns, the checks, the web view's routing pane of a
// BIRD router, faults (a cut cable and a stopped bird: routes move or withdraw and come
// back), a bird killed with SIGKILL, and deploys of a BIRD lab killed or interrupted
// half-way, and BFD on BIRD sessions: after destroy, no namespace, bird, socket or lab
// directory is left.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { readIgp, runningRouting } from "../../src/core/igp.js";
import { inspectLab } from "../../src/core/inspect.js";
import { type DeployResult, deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { pidPath, socketPath } from "../../src/stacks/bird/paths.js";
import { stackOf } from "../../src/stacks/index.js";
import type { RoutingStack } from "../../src/stacks/stack.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";
import { type VerifyReport, verifyLab } from "../../src/verify/run.js";
import { nodeDetails } from "../../src/web/details.js";
import { gatherSnapshot } from "../../src/web/snapshot.js";
import { birdProcesses, EXAMPLES, inNode, pingTtl, ROOT, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const FILE = path.join(EXAMPLES, "ospf-bird.yml");
const LAB = "hdospf";
const BIRDS = ["rr1", "c2", "c3"];

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

/** Polls (never a fixed sleep) until `fn` holds; returns the ms it took. */
async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  while (!(await fn().catch(() => false))) {
    if (performance.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await delay(50);
  }
  return performance.now() - t0;
}

function on(lab: Lab, name: string) {
  const node = lab.nodes.find((n) => n.name === name);
  assert.ok(node, `node ${name}`);
  return { handle: nodeHandle(lab.name, node), stack: stackOf(node) as Required<RoutingStack> };
}

/** The selected route of `node`'s RIB (its own stack's) to `prefix`: protocol and first next hop. */
async function ribRoute(lab: Lab, node: string, prefix: string) {
  const { handle, stack } = on(lab, node);
  const r = (await stack.ribRoutes(handle, prefix.includes(":") ? "ipv6" : "ipv4"))[prefix]?.find((x) => x.selected);
  return r && { protocol: r.protocol, via: r.nexthops[0]?.ip };
}

async function bestPath(lab: Lab, node: string, prefix: string) {
  const { handle, stack } = on(lab, node);
  return (await stack.bgpRoutes(handle, "ipv4"))[prefix]?.find((p) => p.bestpath);
}

describe("ospf-bird.yml: OSPF and iBGP route reflection across BIRD and FRR", { skip: skipUnlessRoot }, () => {
  let lab: Lab;
  let result: DeployResult;
  after(() => destroy(LAB));

  test("deploys; OSPF adjacencies, OSPF routes and reflected BGP routes are in place when deploy returns", async (t) => {
    lab = { ...(await loadTopology(FILE)), name: LAB };
    result = await deployLab(lab, { timeoutMs: 90_000 });
    for (const r of result.ready) t.diagnostic(`${r.summary} in ${Math.round(r.ms)} ms`);
    t.diagnostic(`deploy took ${Math.round(result.ms)} ms`);
    const ospf = result.ready.filter((r) => r.protocol === "ospf");
    assert.equal(ospf.length, 2, "OSPF waited for on both stacks");
    for (const r of [...ospf, ...result.ready.filter((x) => x.protocol === "bgp")]) {
      assert.equal(r.done, true, `${r.summary} (down: ${r.down.join(", ")})`);
    }
    assert.match(ospf.map((r) => r.summary).join("\n"), /OSPF \(BIRD\): 3\/3 routers answering, 7\/7 adjacencies up/);

    // Right away, no polling: rr1 (BIRD) is Full with every client, OSPFv2 and OSPFv3 with c1 (FRR).
    const rr1 = on(lab, "rr1");
    const nbrs = await rr1.stack.ospfNeighbors(rr1.handle);
    assert.deepEqual(nbrs.map((n) => `${n.family} ${n.routerId} ${n.ifname} ${n.state} ${n.up}`).sort(), [
      "4 10.255.0.11 1 Full true",
      "4 10.255.0.12 2 Full true",
      "4 10.255.0.13 3 Full true",
      "6 10.255.0.11 1 Full true",
    ]);
    // c1 (FRR) sees rr1 (BIRD) on both families.
    const c1 = on(lab, "c1");
    const fromC1 = (await c1.stack.ospfNeighbors(c1.handle)).filter((n) => n.routerId === "10.255.0.1");
    assert.deepEqual(fromC1.map((n) => [n.family, n.up]).sort(), [
      [4, true],
      [6, true],
    ]);
    // OSPF routes: c2 (BIRD) reaches c1 through rr1 (cost 20) rather than over the LAN (50).
    assert.deepEqual(await ribRoute(lab, "c2", "10.255.0.11/32"), { protocol: "ospf", via: "10.0.2.0" });
    // FRR learns BIRD's loopbacks (stub networks), IPv6 through OSPFv3.
    assert.equal((await ribRoute(lab, "c1", "10.255.0.12/32"))?.protocol, "ospf");
    assert.equal((await ribRoute(lab, "c1", "2001:db8:ff::1/128"))?.protocol, "ospf6");
    // BGP: rr1 (BIRD) reflects c2's aggregate to c1 (FRR) and back, next hops unchanged.
    const agg2 = await bestPath(lab, "c1", "10.2.0.0/16");
    assert.deepEqual([agg2?.aspath, agg2?.nexthops[0]?.ip], ["", "10.255.0.12"]);
    const agg1 = await bestPath(lab, "c2", "10.1.0.0/16");
    assert.deepEqual([agg1?.aspath, agg1?.pathFrom, agg1?.nexthops[0]?.ip], ["", "internal", "10.255.0.11"]);
    // c3 (BIRD): next-hop-self toward rr1, a default route to ext1 (FRR).
    assert.equal((await bestPath(lab, "c1", "198.51.100.1/32"))?.nexthops[0]?.ip, "10.255.0.13");
    assert.equal((await bestPath(lab, "ext1", "0.0.0.0/0"))?.aspath, "65000");
    // c3 keeps the default out of its own kernel (nothing behind it there).
    assert.equal(await ribRoute(lab, "c3", "0.0.0.0/0"), undefined);
    assert.equal(await pingTtl(LAB, "c1", "198.51.100.1"), 62);
  });

  test("the topology's checks pass (verifyLab)", async () => {
    const state = await readState(LAB);
    assert.ok(state);
    const report = await verifyLab(state);
    assert.equal(report.pass, true, JSON.stringify(report.suites[0]?.checks.filter((c) => !c.pass)));
  });

  test("the web view's routing pane shows BIRD's sessions and routes", async () => {
    const state = await readState(LAB);
    assert.ok(state);
    const snap = await gatherSnapshot(state);
    const rr1 = snap.nodes.rr1;
    assert.equal(rr1?.asn, 65000);
    assert.equal(rr1?.routerId, "10.255.0.1");
    assert.equal(rr1?.bgpError, undefined);
    assert.deepEqual(rr1?.received.map((r) => `${r.prefix} ${r.from} ${r.nexthop}`).sort(), [
      "10.1.0.0/16 c1 10.255.0.11",
      "10.2.0.0/16 c2 10.255.0.12",
      "198.51.100.1/32 c3 10.255.0.13",
    ]);
    const rrSessions = Object.values(snap.sessions).filter((s) => s.a === "rr1" || s.b === "rr1");
    assert.deepEqual(rrSessions.map((s) => `${[s.a, s.b].sort().join("-")} ${s.family} ${s.established}`).sort(), [
      "c1-rr1 ipv4 true",
      "c1-rr1 ipv6 true",
      "c2-rr1 ipv4 true",
      "c3-rr1 ipv4 true",
    ]);
    // The node pane: BIRD's routing table with its OSPF routes, and its BGP peers.
    const details = await nodeDetails(state, "c2");
    assert.ok(details);
    assert.deepEqual(details.errors, []);
    const ospf = details.routes.find((r) => r.prefix === "10.255.0.11/32" && r.selected);
    assert.equal(ospf?.protocol, "ospf");
    assert.match(ospf?.nexthops.join(" ") ?? "", /10\.0\.2\.0/);
    assert.deepEqual(
      details.bgp?.peers.map((p) => `${p.address} ${p.state}`),
      ["10.255.0.1 Established"],
    );
    // The IGP pane and inspect read BIRD's OSPF through the stack seam, in FRR's words.
    const c2 = state.model.nodes.find((n) => n.name === "c2");
    assert.ok(c2);
    const igp = await readIgp(LAB, state.model, c2);
    assert.deepEqual(igp?.errors, []);
    assert.deepEqual(igp?.ospf?.areas, ["0.0.0.0"]);
    assert.deepEqual(igp?.ospf?.neighbors.map((n) => `${n.neighbor} ${n.state}`).sort(), ["c1 Full", "rr1 Full"]);
    // Deploy's routing column, read back from the running bird.
    const running = await runningRouting(LAB, state.model);
    assert.deepEqual(
      running.get("c2")?.map((p) => (p.detail ? `${p.name} ${p.detail}` : p.name)),
      ["bgp AS65000", "ospf area 0.0.0.0", "static"], // static: its originate route
    );
  });

  test("a cut cable: OSPF moves c2's routes onto the LAN and back; measured", async (t) => {
    const t0 = performance.now();
    const down = await wirelab(["link", "--lab", LAB, "rr1:2", "c2:1", "down"]);
    assert.equal(down.code, 0, down.stderr);
    t.after(() => wirelab(["link", "--lab", LAB, "rr1:2", "up"]));
    await waitFor("c2 to reach c1 over the LAN", async () => {
      const r = await ribRoute(lab, "c2", "10.255.0.11/32");
      return r?.via === "10.0.12.1";
    });
    const moved = performance.now() - t0;
    // rr1's route to c2's link is withdrawn (c2 no longer announces it on that side).
    await waitFor("rr1 to route to c2's loopback through c1", async () => {
      return (await ribRoute(lab, "rr1", "10.255.0.12/32"))?.via === "10.0.1.1";
    });
    // The iBGP session to the reflector follows the IGP: c2 still has c1's aggregate.
    assert.equal((await bestPath(lab, "c2", "10.1.0.0/16"))?.nexthops[0]?.ip, "10.255.0.11");
    const t1 = performance.now();
    const up = await wirelab(["link", "--lab", LAB, "rr1:2", "c2:1", "up"]);
    assert.equal(up.code, 0, up.stderr);
    await waitFor(
      "c2's direct way back",
      async () => (await ribRoute(lab, "c2", "10.255.0.11/32"))?.via === "10.0.2.0",
    );
    t.diagnostic(
      `rerouted ${Math.round(moved)} ms after the cut, back ${Math.round(performance.now() - t1)} ms after up`,
    );
  });

  test("verify --scenario: a cut cable and a stopped bird pass, and the lab is restored", async () => {
    for (const [scenario, checks] of [
      ["cut-rr1-c2", 4],
      ["stop-c3", 4],
    ] as const) {
      const r = await wirelab(["verify", "-t", FILE, "--lab", LAB, "--scenario", scenario, "--json"]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const report = JSON.parse(r.stdout) as VerifyReport;
      assert.deepEqual(
        report.suites.map((s) => [s.name, s.pass, s.checks.length]),
        [
          ["baseline", true, 10],
          [scenario, true, checks],
          [`${scenario} restored`, true, 10],
        ],
      );
      if (scenario === "stop-c3") {
        // The stopped router's own OSPF check names its daemon: bird, not FRR's ospfd.
        const own = report.suites[1]?.checks.find((c) => c.type === "ospf-neighbor");
        assert.equal(own?.seen, "bird is not running");
      }
    }
    // The stopped bird's routes came back: c1 has ext1's network through c3 again.
    assert.equal((await bestPath(lab, "c1", "198.51.100.1/32"))?.nexthops[0]?.ip, "10.255.0.13");
  });

  test("a bird killed with SIGKILL: its peers lose it, inspect says degraded, destroy leaves nothing", async (t) => {
    const pid = Number((await readFile(pidPath(LAB, "c2"), "utf8")).trim());
    assert.ok(pid > 1);
    process.kill(pid, "SIGKILL");
    // No Cease from a killed bird, but its kernel closes its TCP sessions: rr1 learns at once
    // (measured: under 10 ms), well before OSPF's dead interval or BGP's hold time.
    const lost = await waitFor("rr1 to lose c2's aggregate", async () => !(await bestPath(lab, "rr1", "10.2.0.0/16")));
    t.diagnostic(`rr1 withdrew c2's aggregate ${Math.round(lost)} ms after the kill`);
    const state = await readState(LAB);
    assert.ok(state);
    const info = await inspectLab(state);
    assert.equal(info.nodes.find((n) => n.name === "c2")?.status, "degraded");
    const sockets = BIRDS.map((n) => socketPath(LAB, n));
    await destroy(LAB);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
    assert.deepEqual(await birdProcesses(LAB), []);
    for (const s of sockets) await assert.rejects(readFile(s), /ENOENT/);
  });
});

const SEED_BIRD = path.join(EXAMPLES, "seed-ebgp-bird.yml");

async function namespaces(): Promise<string[]> {
  return (await readdir("/run/netns").catch(() => [] as string[])).sort();
}

function deployChild(lab: string) {
  return spawn(process.execPath, [path.join(ROOT, "bin/wirelab.js"), "deploy", "-t", SEED_BIRD, "--lab", lab], {
    stdio: "ignore",
  });
}

describe("a BIRD lab's deploy killed or interrupted half-way", { skip: skipUnlessRoot }, () => {
  after(async () => {
    for (const l of ["hdk9ns", "hdk9bird", "hdterm"]) await destroy(l);
  });

  for (const [point, lab] of [
    ["namespaces", "hdk9ns"],
    ["bird started", "hdk9bird"],
  ] as const) {
    test(`kill -9 during deploy (${point}) then destroy leaves nothing`, async () => {
      const child = deployChild(lab);
      const reached = async () =>
        point === "namespaces"
          ? (await namespaces()).includes(`wl_${lab}_ops3`)
          : (await readFile(pidPath(lab, "ops1"), "utf8").catch(() => "")).trim() !== "";
      const deadline = Date.now() + 30_000;
      while (!(await reached()) && Date.now() < deadline && child.exitCode === null) await delay(2);
      assert.equal(child.exitCode, null, "the deploy was still running at the kill point");
      child.kill("SIGKILL");
      await new Promise((r) => child.once("close", r));
      if (point === "bird started") assert.ok((await birdProcesses(lab)).length > 0, "a bird was left to clean up");
      const x = await wirelab(["destroy", "--lab", lab]);
      assert.equal(x.code, 0, x.stderr);
      assert.deepEqual(await waitNoLeftovers(lab), []);
      assert.deepEqual(await birdProcesses(lab), []);
    });
  }

  test("SIGTERM once bird runs rolls the lab back by itself", async () => {
    const lab = "hdterm";
    const child = deployChild(lab);
    const deadline = Date.now() + 30_000;
    while (
      !(await readFile(pidPath(lab, "ops1"), "utf8").catch(() => "")).trim() &&
      Date.now() < deadline &&
      child.exitCode === null
    )
      await delay(2);
    child.kill("SIGTERM");
    const code = await new Promise((r) => child.once("close", r));
    assert.notEqual(code, 0, "an interrupted deploy fails");
    assert.deepEqual(await waitNoLeftovers(lab), [], "rolled back without a destroy");
    assert.deepEqual(await birdProcesses(lab), []);
  });
});

/** BFD on BIRD: eBGP to FRR (single hop) and iBGP between two BIRD routers over a link. */
const BFD_LAB = `name: hdbfd
nodes:
  r1:
    stack: bird
    interfaces: { lo: { ip: 10.255.1.1/32 } }
    bgp: { asn: 65001, networks: [10.255.1.1/32], bfd: true, neighbors: [r2, { node: r3, port: e2 }] }
  r2:
    interfaces: { lo: { ip: 10.255.1.2/32 } }
    bgp: { asn: 65002, networks: [10.255.1.2/32], neighbors: [{ node: r1, bfd: true }] }
  r3:
    stack: bird
    interfaces: { lo: { ip: 10.255.1.3/32 } }
    bgp: { asn: 65001, neighbors: [{ node: r1, port: e1, bfd: true }] }
links:
  - [{ endpoint: r1:e1, ip: 10.1.12.1/24 }, { endpoint: r2:e1, ip: 10.1.12.2/24 }]
  - [{ endpoint: r1:e2, ip: 10.1.13.1/24 }, { endpoint: r3:e1, ip: 10.1.13.3/24 }]
checks:
  - bfd-session: r1
  - bfd-session: r2
  - bfd-session: r3
`;

describe("BFD on BIRD, with FRR and BIRD peers", { skip: skipUnlessRoot }, () => {
  const name = "hdbfd";
  after(() => destroy(name));

  test("sessions come up both ways; a dead BFD peer takes BIRD's BGP session down before its hold time", async (t) => {
    const lab = parseTopology(BFD_LAB, path.join(EXAMPLES, "hdbfd.yml"));
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    assert.equal(result.bgp?.timedOut, false, `BGP converged (down: ${result.bgp?.down.join(", ")})`);
    const state = await readState(name);
    assert.ok(state);
    const report = await verifyLab(state);
    assert.equal(report.pass, true, JSON.stringify(report.suites[0]?.checks.filter((c) => !c.pass)));
    const r1 = on(lab, "r1");
    assert.deepEqual(
      (await r1.stack.bfdPeers(r1.handle)).map((p) => `${p.peer} ${p.interface ?? "multihop"} ${p.status}`).sort(),
      ["10.1.12.2 e1 up", "10.1.13.3 multihop up"],
    );
    // r2's bfdd dies, its bgpd lives on: only BFD can tell r1 (hold time 9 s).
    const r2 = lab.nodes.find((n) => n.name === "r2");
    assert.ok(r2);
    const bfdd = (await inspectLab(state)).nodes.find((n) => n.name === "r2")?.daemons.find((d) => d.name === "bfdd");
    assert.ok(bfdd?.pid, "r2 runs bfdd");
    const t0 = performance.now();
    process.kill(bfdd.pid, "SIGKILL");
    const peerState = async () =>
      (await r1.stack.bgpPeers(r1.handle)).find((p) => p.address === "10.1.12.2")?.state ?? "absent";
    await waitFor("r1's session to r2 to drop", async () => (await peerState()) !== "Established", 8000);
    const ms = performance.now() - t0;
    t.diagnostic(`BIRD dropped the BGP session ${Math.round(ms)} ms after the peer's BFD died`);
    assert.ok(ms < 5000, `within BFD's detection time, well before the 9 s hold time (${Math.round(ms)} ms)`);
    assert.equal((await r1.stack.bfdPeers(r1.handle)).find((p) => p.peer === "10.1.12.2")?.up, false);
    await destroy(name);
    assert.deepEqual(await waitNoLeftovers(name), []);
    assert.deepEqual(await birdProcesses(name), []);
    // FRR's crash-log directory of the killed bfdd went with the lab.
    await assert.rejects(readdir(`/var/tmp/frr/bfdd.${bfdd.pid}`), /ENOENT/);
  });
});

/**
 * examples/ospf-multiarea.yml (two areas, an ABR, OSPFv2 and OSPFv3, a LAN, a passive port)
 * run by BIRD on every router, and by both stacks mixed (BIRD's ABR r3 next to FRR's r4).
 */
async function multiarea(variant: "bird" | "mixed"): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "hdma-"));
  let text = (await readFile(path.join(EXAMPLES, "ospf-multiarea.yml"), "utf8")).replace(
    /^name: ospf-multiarea$/m,
    `name: hdma${variant}\ndefaults: { stack: bird }`,
  );
  if (variant === "mixed") {
    text = text.replace(/^ {2}(r2|r4):\n/gm, "  $1:\n    stack: frr\n");
  }
  const file = path.join(dir, "ma.yml");
  await writeFile(file, text);
  return { file, dir };
}

for (const variant of ["bird", "mixed"] as const) {
  describe(`ospf-multiarea.yml with ${variant === "bird" ? "BIRD on every router" : "BIRD and FRR mixed"}`, {
    skip: skipUnlessRoot,
  }, () => {
    const name = `hdma${variant}`;
    after(() => destroy(name));

    test("deploys, its checks and its scenario pass, destroy leaves nothing", async (t) => {
      const { file, dir } = await multiarea(variant);
      try {
        const lab = { ...(await loadTopology(file)), name };
        const stacks = lab.nodes.filter((n) => n.role === "router").map((n) => `${n.name}:${stackOf(n)?.name}`);
        assert.deepEqual(
          stacks,
          variant === "bird"
            ? ["r1:bird", "r2:bird", "r3:bird", "r4:bird", "r5:bird"]
            : ["r1:bird", "r2:frr", "r3:bird", "r4:frr", "r5:bird"],
        );
        const result = await deployLab(lab, { timeoutMs: 90_000 });
        for (const r of result.ready) {
          t.diagnostic(`${r.summary} in ${Math.round(r.ms)} ms`);
          assert.equal(r.done, true, `${r.summary} (down: ${r.down.join(", ")})`);
        }
        // Right away: r1 has r5's loopbacks across the area border, both families.
        assert.equal((await ribRoute(lab, "r1", "10.255.0.5/32"))?.protocol, "ospf");
        assert.match((await ribRoute(lab, "r1", "2001:db8:ff::5/128"))?.protocol ?? "", /^ospf6?$/);
        const r = await wirelab(["verify", "-t", file, "--lab", name, "--scenario", "cut-r1-r2", "--json"]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        const report = JSON.parse(r.stdout) as VerifyReport;
        assert.deepEqual(
          report.suites.map((s) => [s.name, s.pass]),
          [
            ["baseline", true],
            ["cut-r1-r2", true],
            ["cut-r1-r2 restored", true],
          ],
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      await destroy(name);
      assert.deepEqual(await waitNoLeftovers(name), []);
      assert.deepEqual(await birdProcesses(name), []);
    });
  });
}

/**
 * Four BIRD routers on one LAN: r1 and r2 end up DROthers, 2-Way with each other by design;
 * r1 redistributes a static route and originates a default, and has a passive port.
 */
const LAN = `name: hdlan
defaults: { stack: bird }
nodes:
  lan: { kind: bridge, subnet: 10.9.0.0/24 }
  r1:
    interfaces: { lo: { ip: 10.255.9.1/32 }, "1": { ip: 10.9.0.1/24 } }
    ospf: { area: 0, passive: [s1], redistribute: [static], default-originate: true }
    routes: [{ to: 10.77.0.0/16, via: 10.9.0.4 }]
  r2:
    interfaces: { lo: { ip: 10.255.9.2/32 }, "1": { ip: 10.9.0.2/24 } }
    ospf: { area: 0 }
  r3:
    interfaces: { lo: { ip: 10.255.9.3/32 }, "1": { ip: 10.9.0.3/24 } }
    ospf: { area: 0 }
  r4:
    interfaces: { lo: { ip: 10.255.9.4/32 }, "1": { ip: 10.9.0.4/24 } }
    ospf: { area: 0 }
  h1: { kind: linux }
links:
  - [r1:1, lan:1]
  - [r2:1, lan:2]
  - [r3:1, lan:3]
  - [r4:1, lan:4]
  - [{ endpoint: r1:s1, ip: 10.9.1.1/24 }, { endpoint: h1:1, ip: 10.9.1.2/24 }]
`;

describe("a LAN of BIRD routers: DR election, DROthers, redistribution", { skip: skipUnlessRoot }, () => {
  const name = "hdlan";
  after(() => destroy(name));

  test("deploy waits for every adjacency (2-Way between DROthers counts) and the redistributed routes", async () => {
    const lab = parseTopology(LAN, path.join(EXAMPLES, "hdlan.yml"));
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    const ospf = result.ready.find((r) => r.protocol === "ospf");
    assert.equal(ospf?.done, true, `${ospf?.summary} (down: ${ospf?.down.join(", ")})`);
    assert.equal(ospf?.detail?.total, 12, "each of the four routers expects the other three");
    const all = await Promise.all(
      ["r1", "r2", "r3", "r4"].map(async (n) => {
        const { handle, stack } = on(lab, n);
        return (await stack.ospfNeighbors(handle)).map((x) => `${n}→${x.routerId} ${x.state}/${x.role ?? "-"}`);
      }),
    );
    const states = all.flat();
    assert.equal(states.length, 12);
    // Exactly one DROther pair stays 2-Way; everything else is Full.
    assert.equal(states.filter((s) => s.includes(" 2-Way/DROther")).length, 2, states.join(", "));
    assert.equal(states.filter((s) => s.includes(" Full/")).length, 10, states.join(", "));
    // r1's passive port: its subnet announced, no adjacency over it.
    assert.equal((await ribRoute(lab, "r2", "10.9.1.0/24"))?.protocol, "ospf");
    // default-originate and redistribute static, external routes from r1 (BIRD's).
    assert.deepEqual(await ribRoute(lab, "r2", "0.0.0.0/0"), { protocol: "ospf", via: "10.9.0.1" });
    assert.equal((await ribRoute(lab, "r2", "10.77.0.0/16"))?.protocol, "ospf");
    // r1's own stand-in default never reaches its kernel.
    const k = await inNode(name, "r1", ["ip", "-j", "route", "show", "default"]);
    assert.deepEqual(JSON.parse(k.stdout || "[]"), []);
    await destroy(name);
    assert.deepEqual(await waitNoLeftovers(name), []);
    assert.deepEqual(await birdProcesses(name), []);
  });
});
