// Breaking labs on purpose, for real: in the square lab a cut cable moves traffic to the
// other path and back, a stopped router's neighbors lose and regain their sessions; on a
// small lab tc impairments show in ping round-trip times and in inspect.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { LabInspect } from "../../src/core/inspect.js";
import { netemAvailable } from "../../src/links/impair.js";
import { bgpSummary } from "../../src/stacks/frr/state.js";
import type { VerifyReport } from "../../src/verify/run.js";
import { EXAMPLES, inNode, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const SQUARE = path.join(EXAMPLES, "square-ebgp.yml");
const SQ = "v3sq";

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(50);
  }
}

async function sessionTo(lab: string, node: string, address: string): Promise<string> {
  const peers = await bgpSummary(`wl_${lab}_${node}`).catch(() => []);
  return peers.find((p) => p.address === address)?.state ?? "absent";
}

/** TTL of the reply to a ping from r1's loopback to r2's: 64 direct, 62 the long way round. */
async function ttlToR2(lab: string): Promise<number | undefined> {
  const r = await inNode(lab, "r1", ["ping", "-n", "-c", "1", "-i", "0.1", "-w", "5", "-I", "10.0.0.1", "10.0.0.2"]);
  const ttl = /ttl=(\d+)/.exec(r.stdout)?.[1];
  return ttl ? Number(ttl) : undefined;
}

/** r1's kernel next hop for r2's loopback. */
async function nextHop(lab: string): Promise<string | undefined> {
  const r = await inNode(lab, "r1", ["ip", "-j", "-4", "route", "show", "exact", "10.0.0.2/32"]);
  const [route] = JSON.parse(r.stdout || "[]") as { gateway?: string }[];
  return route?.gateway;
}

describe("square lab: link cuts and router failures", { skip: skipUnlessRoot }, () => {
  after(() => wirelab(["destroy", "--lab", SQ]));

  test("deploys with its checks passing", async () => {
    const r = await wirelab(["deploy", "-t", SQUARE, "--lab", SQ, "--verify"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /All 4 checks passed/);
  });

  test("scenario cut-r1-r2: traffic takes the long way round, then comes back", async () => {
    const r = await wirelab(["verify", "-t", SQUARE, "--lab", SQ, "--scenario", "cut-r1-r2", "--json"]);
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
    const cut = report.suites[1]?.checks ?? [];
    const bgp = cut.find((c) => c.type === "bgp-route");
    assert.match(bgp?.seen ?? "", /^best: AS path 65004 65003 65002 via 10\.14\.0\.2/, "the new AS path");
    const ping = cut.find((c) => c.type === "ping");
    assert.match(ping?.seen ?? "", /ttl 62/, "the reply crossed r3 and r4");
    assert.ok((ping?.ms ?? 1e9) < (ping?.timeoutMs ?? 0), "within its timeout");
    const restored = report.suites[2]?.checks.find((c) => c.type === "bgp-route");
    assert.match(restored?.seen ?? "", /^best: AS path 65002 via 10\.12\.0\.2/, "the original path");
    assert.equal(report.faults?.[0]?.description, "link r1:1 — r2:1 down");
    assert.ok(report.faults?.[0]?.revertedAt, "the cable was put back");
    // After the restored suite, traffic is direct again: the reply comes straight from r2.
    assert.equal(await nextHop(SQ), "10.12.0.2");
    assert.equal(await ttlToR2(SQ), 64);
  });

  test("link down/up by hand: both ends go down, r1 reroutes; measured convergence", async (t) => {
    const t0 = performance.now();
    const down = await wirelab(["link", "--lab", SQ, "r1:1", "r2:1", "down"]);
    assert.equal(down.code, 0, down.stderr);
    t.after(() => wirelab(["link", "--lab", SQ, "r1:1", "up"]));
    const cut = await waitFor("r1 to reroute via r4", async () =>
      (await nextHop(SQ)) === "10.14.0.2" ? performance.now() : false,
    );
    t.diagnostic(`r1 rerouted to r2's loopback via r4 ${Math.round(cut - t0)} ms after the cut command started`);
    for (const node of ["r1", "r2"]) {
      const k = await inNode(SQ, node, ["ip", "-j", "link", "show", "dev", "1"]);
      const [dev] = JSON.parse(k.stdout) as { flags: string[] }[];
      assert.ok(!dev?.flags.includes("UP"), `${node}:1 is down`);
    }
    assert.equal(await ttlToR2(SQ), 62);

    const t1 = performance.now();
    const up = await wirelab(["link", "--lab", SQ, "r2:1", "r1:1", "up"]);
    assert.equal(up.code, 0, up.stderr);
    const back = await waitFor("the direct path to return", async () =>
      (await nextHop(SQ)) === "10.12.0.2" ? performance.now() : false,
    );
    t.diagnostic(`direct path back ${Math.round(back - t1)} ms after the restore command started`);
    assert.equal(await ttlToR2(SQ), 64);
  });

  test("a stopped router's neighbors see their sessions go down, and come back after start", async (t) => {
    const stop = await wirelab(["node", "--lab", SQ, "r2", "stop"]);
    assert.equal(stop.code, 0, stop.stderr);
    t.after(() => wirelab(["node", "--lab", SQ, "r2", "start"]));
    assert.match(stop.stdout, /r2: stopped zebra, staticd, bgpd/);
    await waitFor("r1 and r3 to lose r2", async () => {
      const states = [await sessionTo(SQ, "r1", "10.12.0.2"), await sessionTo(SQ, "r3", "10.23.0.1")];
      return states.every((s) => s !== "Established");
    });
    // The router's namespace and cables stay: its interfaces are up, only its daemons are gone.
    const k = await inNode(SQ, "r2", ["ip", "-j", "link", "show", "dev", "1"]);
    assert.equal((JSON.parse(k.stdout) as { operstate: string }[])[0]?.operstate, "UP");
    const info = JSON.parse((await wirelab(["inspect", "--lab", SQ, "--json"])).stdout) as LabInspect;
    assert.equal(info.nodes.find((n) => n.name === "r2")?.status, "degraded");
    assert.equal((await wirelab(["node", "--lab", SQ, "r2", "stop"])).code, 1, "stopping twice is an error");

    const start = await wirelab(["node", "--lab", SQ, "r2", "start"]);
    assert.equal(start.code, 0, start.stderr);
    await waitFor("r1 and r3 to see r2 Established again", async () => {
      const states = [await sessionTo(SQ, "r1", "10.12.0.2"), await sessionTo(SQ, "r3", "10.23.0.1")];
      return states.every((s) => s === "Established");
    });
    const again = await wirelab(["verify", "--lab", SQ]);
    assert.equal(again.code, 0, again.stdout);
  });

  test("scenario stop-r2 passes and restores the lab", async () => {
    const r = await wirelab(["verify", "-t", SQUARE, "--lab", SQ, "--scenario", "stop-r2"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /r2's loopback is gone from r1's table/);
    assert.match(r.stdout, /All 13 checks passed/);
  });

  test("destroy leaves nothing behind", async () => {
    assert.equal((await wirelab(["destroy", "--lab", SQ])).code, 0);
    assert.deepEqual(await waitNoLeftovers(SQ), []);
  });
});

const IMP = "v3imp";
const IMP_TOPOLOGY = `name: ${IMP}
nodes:
  a: { bgp: { asn: 65001, neighbors: [b] } }
  b: { bgp: { asn: 65002, neighbors: [a] } }
links:
  - endpoints: [{ endpoint: a:1, ip: 10.1.0.1/30 }, { endpoint: b:1, ip: 10.1.0.2/30 }]
    impairment: { rate: 1mbit }
  - [{ endpoint: a:2, ip: 10.2.0.1/30 }, { endpoint: b:2, ip: 10.2.0.2/30 }]
`;

/** Average RTT in ms of `count` pings of `size` bytes from a to `to`. */
async function rtt(to: string, size: number, count = 3): Promise<number> {
  const r = await inNode(IMP, "a", ["ping", "-n", "-q", "-c", String(count), "-i", "0.3", "-s", String(size), to]);
  const avg = /= [\d.]+\/([\d.]+)\//.exec(r.stdout)?.[1];
  assert.ok(avg, `ping worked: ${r.stdout}${r.stderr}`);
  return Number(avg);
}

describe("link impairments (tc)", { skip: skipUnlessRoot }, () => {
  let dir = "";
  let file = "";
  let netem = false;
  before(async () => {
    netem = await netemAvailable();
    dir = await mkdtemp(path.join(os.tmpdir(), "v3imp-"));
    file = path.join(dir, "imp.yml");
    await writeFile(file, IMP_TOPOLOGY);
  });
  after(async () => {
    await wirelab(["destroy", "--lab", IMP]);
    await rm(dir, { recursive: true, force: true });
  });

  test("a rate in the topology file is applied at deploy and shown by inspect", async () => {
    const r = await wirelab(["deploy", "-t", file]);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse((await wirelab(["inspect", "--lab", IMP, "--json"])).stdout) as LabInspect;
    const ports = info.nodes.flatMap((n) => n.ports);
    assert.deepEqual(
      ports.map((p) => [`${p.node}:${p.port}`, p.impairment]),
      [
        ["a:1", { rateBps: 1_000_000 }],
        ["a:2", undefined],
        ["b:1", { rateBps: 1_000_000 }],
        ["b:2", undefined],
      ],
    );
    const human = await wirelab(["inspect", "--lab", IMP]);
    assert.match(human.stdout, /impairment/);
    assert.match(human.stdout, /rate 1mbit/);
    // 30 kB each way at 1 mbit/s is about 0.2 s per direction; the unshaped cable is instant.
    const slow = await rtt("10.1.0.2", 30_000);
    const fast = await rtt("10.2.0.2", 30_000);
    assert.ok(slow > 250 && slow < 1500, `shaped RTT ${slow} ms`);
    assert.ok(fast < 50, `unshaped RTT ${fast} ms`);
  });

  test("link clear removes it, link set puts a rate back at run time", async () => {
    assert.equal((await wirelab(["link", "--lab", IMP, "a:1", "clear"])).code, 0);
    assert.ok((await rtt("10.1.0.2", 30_000)) < 50, "unshaped after clear");
    const set = await wirelab(["link", "--lab", IMP, "b:2", "a:2", "set", "--rate", "2mbit", "--json"]);
    assert.equal(set.code, 0, set.stderr);
    const out = JSON.parse(set.stdout) as { ends: { impairment?: { rateBps: number } }[] };
    assert.deepEqual(
      out.ends.map((e) => e.impairment),
      [{ rateBps: 2_000_000 }, { rateBps: 2_000_000 }],
    );
    const slow = await rtt("10.2.0.2", 30_000);
    assert.ok(slow > 120 && slow < 1000, `2 mbit/s RTT ${slow} ms`);
    const bad = await wirelab(["link", "--lab", IMP, "a:2", "set", "--rate", "2mbps"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--rate: '2mbps' is not a rate/);
  });

  test("a 50 ms netem delay shows in ping RTT", async (t) => {
    if (!netem) {
      t.skip("this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM)");
      return;
    }
    assert.equal((await wirelab(["link", "--lab", IMP, "a:1", "b:1", "set", "--delay", "50ms"])).code, 0);
    const ms = await rtt("10.1.0.2", 56, 5);
    // 50 ms each way.
    assert.ok(ms > 95 && ms < 150, `RTT ${ms} ms with 50 ms each way`);
    assert.equal((await wirelab(["link", "--lab", IMP, "a:1", "clear"])).code, 0);
    assert.ok((await rtt("10.1.0.2", 56)) < 20);
  });

  test("without netem, delay is refused with a message that says why", async (t) => {
    if (netem) {
      t.skip("this kernel has netem");
      return;
    }
    const r = await wirelab(["link", "--lab", IMP, "a:1", "set", "--delay", "50ms"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no netem qdisc \(CONFIG_NET_SCH_NETEM\)/);
    // And nothing of a half-applied change stays behind.
    const info = JSON.parse((await wirelab(["inspect", "--lab", IMP, "--json"])).stdout) as LabInspect;
    assert.equal(
      info.nodes.flatMap((n) => n.ports).find((p) => p.node === "a" && p.port === "1")?.impairment,
      undefined,
    );
    // A topology asking for delay is refused before anything is built.
    const f = path.join(dir, "delay.yml");
    await writeFile(f, IMP_TOPOLOGY.replace(`name: ${IMP}`, "name: v3delay").replace("rate: 1mbit", "delay: 50ms"));
    const d = await wirelab(["deploy", "-t", f]);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /link a:1 — b:1: this kernel has no netem qdisc/);
    assert.deepEqual(await waitNoLeftovers("v3delay"), []);
  });

  test("destroy leaves nothing behind", async () => {
    assert.equal((await wirelab(["destroy", "--lab", IMP])).code, 0);
    assert.deepEqual(await waitNoLeftovers(IMP), []);
  });
});
