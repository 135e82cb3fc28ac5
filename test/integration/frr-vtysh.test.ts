// Two real FRR instances in two namespaces, configured from rendered frr.conf files:
// `ia` from intent, its daemons reading the unified file themselves (`-f frr.conf`);
// `ib` from raw seed-style text with the traditional profile (where ebgp-requires-policy
// is on), its daemons started empty and the file pushed with `vtysh -f`. Asserted through
// src/frr/state.ts; everything is removed afterwards.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chown, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { NodeModel } from "../../src/core/model.js";
import { checkFrrConfig } from "../../src/stacks/frr/check.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import {
  type BgpPeer,
  bgpRoutes,
  bgpSummary,
  frrRunning,
  ipRoutes,
  runningDaemons,
  waitForDaemons,
} from "../../src/stacks/frr/state.js";
import { VtyshError, vtysh, vtyshApply, vtyshJson } from "../../src/stacks/frr/vtysh.js";
import { run, runOk } from "../../src/util/exec.js";

const A = "wlfrrtest_ia"; // namespace and pathspace
const B = "wlfrrtest_ib";
const FRR_RUN = "/var/run/frr";
const skip =
  process.getuid?.() !== 0
    ? "needs root (namespaces, FRR)"
    : !existsSync("/usr/lib/frr/zebra")
      ? "FRR is not installed"
      : false;

const dir = (ps: string) => path.join(FRR_RUN, ps);
const conf = (ps: string) => path.join(dir(ps), "frr.conf");

const nodeA: NodeModel = {
  name: "ia",
  kind: "frr",
  role: "router",
  ports: [{ node: "ia", name: "1", ifname: "1", addresses: ["192.168.101.1/24", "2001:db8:101::1/64"] }],
  loopback: ["10.0.0.1/32", "2001:db8:a::1/128"],
  forwarding: true,
  subnets: [],
  runtime: { name: "netns" },
  stack: {
    name: "frr",
    options: { profile: "datacenter", ebgpRequiresPolicy: false, daemons: ["zebra", "staticd", "bgpd"] },
  },
  intents: {
    static: [{ to: "10.99.0.0/16", via: "192.168.101.2" }],
    bgp: {
      asn: 65001,
      routerId: "10.0.0.1",
      networks: ["10.0.0.1/32", "2001:db8:a::1/128"],
      redistribute: [],
      neighbors: [
        { address: "192.168.101.2", remoteAs: 65002, node: "ib" },
        { address: "2001:db8:101::2", remoteAs: 65002, node: "ib" },
      ],
    },
  },
};

const nodeB: NodeModel = {
  name: "ib",
  kind: "frr",
  role: "router",
  ports: [{ node: "ib", name: "1", ifname: "1", addresses: ["192.168.101.2/24", "2001:db8:101::2/64"] }],
  loopback: [],
  forwarding: true,
  subnets: [],
  intents: {},
  runtime: { name: "netns" },
  stack: {
    name: "frr",
    options: { profile: "traditional", ebgpRequiresPolicy: false, daemons: ["zebra", "bgpd"] },
    config: `hostname ib
router bgp 65002
bgp router-id 192.168.101.2
neighbor 192.168.101.1 remote-as 65001
neighbor 192.168.101.1 timers connect 1
neighbor 2001:db8:101::1 remote-as 65001
neighbor 2001:db8:101::1 timers connect 1
address-family ipv6 unicast
 neighbor 2001:db8:101::1 activate
exit-address-family
interface 1
 description to ia
`,
  },
};

async function pidsOf(ps: string): Promise<number[]> {
  const files = await readdir(dir(ps)).catch(() => [] as string[]);
  const pids: number[] = [];
  for (const f of files.filter((x) => x.endsWith(".pid"))) {
    const pid = Number((await readFile(path.join(dir(ps), f), "utf8").catch(() => "")).trim());
    if (pid > 1) pids.push(pid);
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the daemons of our own pathspaces (by pid file only, all signalled at once: zebra
 * and staticd take about 2 s to exit on SIGTERM), then removes namespaces and dirs.
 */
async function cleanup(): Promise<void> {
  const pids = (await Promise.all([A, B].map(pidsOf))).flat().filter(alive);
  for (const pid of pids) process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 5000;
  while (pids.some(alive) && Date.now() < deadline) await delay(20);
  for (const pid of pids.filter(alive)) process.kill(pid, "SIGKILL");
  for (const ps of [A, B]) {
    await run("ip", ["netns", "del", ps]);
    await rm(dir(ps), { recursive: true, force: true });
  }
}

async function frrOwner(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await runOk("id", ["-u", "frr"])).stdout.trim());
  const gid = Number((await runOk("id", ["-g", "frr"])).stdout.trim());
  return { uid, gid };
}

async function startDaemons(ps: string, daemons: string[], file: string): Promise<void> {
  for (const d of daemons) {
    await runOk("ip", ["netns", "exec", ps, `/usr/lib/frr/${d}`, "-d", "-N", ps, "-f", file, "-P", "0"]);
  }
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
    await delay(200);
  }
}

const allUp = (peers: BgpPeer[], n: number) => peers.length === n && peers.every((p) => p.established);

describe("two FRR instances configured from rendered frr.conf", { skip }, () => {
  before(async () => {
    await cleanup(); // leftovers of an interrupted run
    await runOk("ip", ["netns", "add", A]);
    await runOk("ip", ["netns", "add", B]);
    await runOk("ip", ["link", "add", "name", "1", "netns", A, "type", "veth", "peer", "name", "1", "netns", B]);
    for (const [ns, n] of [
      [A, nodeA],
      [B, nodeB],
    ] as const) {
      await runOk("ip", ["-n", ns, "link", "set", "lo", "up"]);
      for (const a of n.loopback) await runOk("ip", ["-n", ns, "addr", "add", a, "dev", "lo"]);
      for (const a of n.ports[0]?.addresses ?? []) {
        await runOk("ip", ["-n", ns, "addr", "add", a, "dev", "1", ...(a.includes(":") ? ["nodad"] : [])]);
      }
      await runOk("ip", ["-n", ns, "link", "set", "1", "up"]);
    }
    const o = await frrOwner();
    for (const [ps, n] of [
      [A, nodeA],
      [B, nodeB],
    ] as const) {
      await mkdir(dir(ps), { recursive: true });
      await chown(dir(ps), o.uid, o.gid);
      const text = renderFrrConfig(n, { logFile: path.join(dir(ps), "frr.log") });
      assert.deepEqual(await checkFrrConfig(text), [], `${n.name}'s config passes vtysh -C`);
      await writeFile(conf(ps), text, { mode: 0o644 });
    }
    await writeFile(path.join(dir(B), "empty.conf"), "", { mode: 0o644 });
  });

  after(cleanup);

  test("ia: daemons read the unified frr.conf themselves", async () => {
    await startDaemons(A, ["zebra", "staticd", "bgpd"], conf(A));
    assert.deepEqual(await waitForDaemons(A, ["zebra", "staticd", "bgpd"], { timeoutMs: 10_000 }), []);
  });

  test("ib: daemons start empty, then vtysh -f pushes frr.conf", async () => {
    assert.equal(await frrRunning(B, "zebra"), false, "nothing answers before the start");
    await startDaemons(B, ["zebra", "bgpd"], path.join(dir(B), "empty.conf"));
    assert.deepEqual(await waitForDaemons(B, ["zebra", "bgpd"], { timeoutMs: 10_000 }), []);
    await vtyshApply(B, conf(B));
    const running = await vtysh(B, ["show running-config"]);
    assert.match(running, /^ no bgp ebgp-requires-policy$/m, "the injected line is live (traditional profile)");
  });

  test("readiness probes", async () => {
    assert.deepEqual((await runningDaemons(A)).sort(), ["bgpd", "staticd", "zebra"]);
    assert.equal(await frrRunning(B, "bgpd"), true);
    assert.equal(await frrRunning(B, "staticd"), false);
    assert.equal(await frrRunning("wlfrrtest_none", "zebra"), false);
  });

  test("both sessions come up on both sides", async () => {
    const peersA = await until("ia's sessions", async () => {
      const p = await bgpSummary(A);
      return allUp(p, 2) ? p : undefined;
    });
    const peersB = await until("ib's sessions", async () => {
      const p = await bgpSummary(B);
      return allUp(p, 2) ? p : undefined;
    });
    assert.deepEqual(peersA.map((p) => [p.address, p.remoteAs]).sort(), [
      ["192.168.101.2", 65002],
      ["2001:db8:101::2", 65002],
    ]);
    // ia's IPv6 neighbor carries IPv6 only (deactivated for IPv4 by the renderer).
    const v6 = peersA.find((p) => p.address === "2001:db8:101::2");
    assert.deepEqual(Object.keys(v6?.families ?? {}), ["ipv6Unicast"]);
    assert.equal(peersA.find((p) => p.address === "192.168.101.2")?.description, "ib");
    assert.ok(peersB.every((p) => !p.policyBlocked));
  });

  test("ib learns ia's prefixes with AS path and next hop", async () => {
    // Wait for a best path, not just the prefix: under load the route shows before selection.
    const v4 = await until("10.0.0.1/32 on ib", async () => {
      const paths = (await bgpRoutes(B, "ipv4"))["10.0.0.1/32"];
      return paths?.some((p) => p.bestpath) ? paths : undefined;
    });
    const best = v4.find((p) => p.bestpath);
    assert.ok(best, "a best path");
    assert.equal(best.aspath, "65001");
    assert.deepEqual(
      best.nexthops.map((n) => n.ip),
      ["192.168.101.1"],
    );
    const v6 = await until("2001:db8:a::1/128 on ib", async () => {
      const paths = (await bgpRoutes(B, "ipv6"))["2001:db8:a::1/128"];
      return paths?.some((p) => p.bestpath) ? paths : undefined;
    });
    const best6 = v6.find((p) => p.bestpath);
    assert.equal(best6?.aspath, "65001");
    assert.ok(best6?.nexthops.some((n) => n.ip === "2001:db8:101::1"));
    const rib = await until("10.0.0.1/32 in ib's RIB", async () => {
      const r = (await ipRoutes(B))["10.0.0.1/32"]?.find((x) => x.protocol === "bgp" && x.installed);
      return r;
    });
    assert.equal(rib.nexthops[0]?.ip, "192.168.101.1");
    const kernel = await runOk("ip", ["-n", B, "route", "show", "10.0.0.1/32"]);
    assert.match(kernel.stdout, /via 192\.168\.101\.1 dev 1 proto bgp/);
  });

  test("ia's static route came from the unified file (staticd read past the other blocks)", async () => {
    const r = (await ipRoutes(A))["10.99.0.0/16"]?.[0];
    assert.equal(r?.protocol, "static");
    assert.equal(r?.nexthops[0]?.ip, "192.168.101.2");
  });

  test("vtysh and vtyshJson errors", async () => {
    await assert.rejects(vtysh(A, ["show bogus"]), (e: unknown) => {
      assert.ok(e instanceof VtyshError);
      assert.match(e.message, /% Unknown command: show bogus/);
      return true;
    });
    await assert.rejects(vtyshJson(B, "show ip ospf"), /ospfd is not running/);
    assert.deepEqual(await vtyshJson(B, "show bgp vrf nosuch summary"), {});
  });

  test("vtyshApply reports refused and unknown lines with their line numbers", async () => {
    const bad = path.join(dir(B), "bad.conf");
    await writeFile(bad, "router bgp 65002\n neighbor 10.9.9.9 description nobody\n bogus line\n", { mode: 0o644 });
    await assert.rejects(vtyshApply(B, bad), (e: unknown) => {
      assert.ok(e instanceof VtyshError);
      assert.deepEqual(
        e.errors.map((x) => [x.line, x.text, x.message]),
        [
          [
            2,
            "neighbor 10.9.9.9 description nobody",
            "refused by bgpd: % Specify remote-as or peer-group commands first",
          ],
          [3, "bogus line", "% Unknown command"],
        ],
      );
      return true;
    });
  });
});
