// `deploy --reconfigure` on a real lab (FRR): a router and its cable added (its session comes
// up, its route is learned), a port's address changed, a router removed (its namespace and
// daemons gone), and the session between the two routers nothing touched keeps running:
// its BGP uptime (vtysh JSON) only grows. Then verify passes and destroy leaves nothing.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { birdShow } from "../../src/stacks/bird/control.js";
import { socketPath } from "../../src/stacks/bird/paths.js";
import { vtyshJson } from "../../src/stacks/frr/vtysh.js";
import { run } from "../../src/util/exec.js";
import { EXAMPLES, inNode, leftovers, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const LAB = "hrlive1";

const BEFORE = `name: ${LAB}
nodes:
  r1:
    bgp: { asn: 65001, router-id: 10.255.0.1, networks: [10.0.1.0/24], neighbors: [r2] }
  r2:
    bgp: { asn: 65002, router-id: 10.255.0.2, neighbors: [r1, r3] }
  r3:
    bgp: { asn: 65003, networks: [10.0.3.0/24], neighbors: [r2] }
  h1:
    kind: linux
    routes: [{ to: 0.0.0.0/0, via: 10.0.1.1 }]
  h3:
    kind: linux
    routes: [{ to: 0.0.0.0/0, via: 10.0.3.1 }]
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.0.12.1/30 }, { endpoint: r2:1, ip: 10.0.12.2/30 }]
  - endpoints: [{ endpoint: r2:2, ip: 10.0.23.1/30 }, { endpoint: r3:1, ip: 10.0.23.2/30 }]
  - endpoints: [{ endpoint: r1:2, ip: 10.0.1.1/24 }, { endpoint: h1:1, ip: 10.0.1.10/24 }]
  - endpoints: [{ endpoint: r3:2, ip: 10.0.3.1/24 }, { endpoint: h3:1, ip: 10.0.3.10/24 }]
checks:
  - bgp-route: { node: r1, prefix: 10.0.3.0/24, as-path: 65002 65003 }
`;

// r3 and its host gone; r4 cabled to r2; r1's LAN renumbered (its port, its host, its network).
// Router ids are given: one derived from addresses would change with them, and FRR resets
// every session of a router whose id changes.
const AFTER = `name: ${LAB}
nodes:
  r1:
    bgp: { asn: 65001, router-id: 10.255.0.1, networks: [10.0.11.0/24], neighbors: [r2] }
  r2:
    bgp: { asn: 65002, router-id: 10.255.0.2, neighbors: [r1, r4] }
  r4:
    bgp: { asn: 65004, networks: [10.0.24.0/30], neighbors: [r2] }
  h1:
    kind: linux
    routes: [{ to: 0.0.0.0/0, via: 10.0.11.1 }]
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.0.12.1/30 }, { endpoint: r2:1, ip: 10.0.12.2/30 }]
  - endpoints: [{ endpoint: r2:3, ip: 10.0.24.1/30 }, { endpoint: r4:1, ip: 10.0.24.2/30 }]
  - endpoints: [{ endpoint: r1:2, ip: 10.0.11.1/24 }, { endpoint: h1:1, ip: 10.0.11.10/24 }]
checks:
  - bgp-route: { node: r1, prefix: 10.0.24.0/30, as-path: 65002 65004 }
  - bgp-route: { node: r4, prefix: 10.0.11.0/24, as-path: 65002 65001 }
  - bgp-route: { node: r1, prefix: 10.0.3.0/24, as-path: 65002 65003, expect: absent }
  - ping: { from: h1, to: 10.0.24.2 }
`;

interface Summary {
  ipv4Unicast?: { peers?: Record<string, { state?: string; peerUptimeMsec?: number }> };
}

/** The session's uptime on r1 towards r2, in ms (vtysh JSON), or undefined when it is not up. */
async function uptime(): Promise<number | undefined> {
  const s = await vtyshJson<Summary>(`wl_${LAB}_r1`, "show bgp summary");
  const peer = s.ipv4Unicast?.peers?.["10.0.12.2"];
  return peer?.state === "Established" ? peer.peerUptimeMsec : undefined;
}

async function addresses(node: string, dev: string): Promise<string[]> {
  const r = await inNode(LAB, node, ["ip", "-j", "addr", "show", "dev", dev]);
  const j = JSON.parse(r.stdout || "[]") as { addr_info: { family: string; local: string; prefixlen: number }[] }[];
  return (j[0]?.addr_info ?? []).filter((a) => a.family === "inet").map((a) => `${a.local}/${a.prefixlen}`);
}

async function namespaces(): Promise<string[]> {
  const r = await run("ip", ["netns", "list"]);
  return r.stdout
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(`wl_${LAB}_`))
    .sort();
}

async function pidOf(node: string, daemon: string): Promise<number | undefined> {
  const text = await readFile(`/var/run/frr/wl_${LAB}_${node}/${daemon}.pid`, "utf8").catch(() => "");
  return text.trim() ? Number(text.trim()) : undefined;
}

describe("deploy --reconfigure", { skip: skipUnlessRoot }, () => {
  let dir = "";
  after(async () => {
    await wirelab(["destroy", "--lab", LAB]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("adds a router and its cable, renumbers a port, removes a router; the untouched session stays up", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wl-reconf-"));
    const file = path.join(dir, "lab.yml");
    await writeFile(file, BEFORE);
    const d = await wirelab(["deploy", "-t", file]);
    assert.equal(d.code, 0, d.stderr);

    // Deploying again is refused, and the refusal names --reconfigure.
    const again = await wirelab(["deploy", "-t", file]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already deployed.*--reconfigure/);

    // Another file with the same lab name: refused, naming both files, by deploy and by apply.
    const other = path.join(dir, "other.yml");
    await writeFile(other, BEFORE);
    for (const args of [
      ["deploy", "-t", other],
      ["apply", "-t", other],
    ]) {
      const o = await wirelab(args);
      assert.equal(o.code, 1, `${args[0]}: ${o.stderr}`);
      assert.ok(o.stderr.includes(file) && o.stderr.includes(other), `${args[0]} names both files: ${o.stderr}`);
    }

    // The same file again: nothing differs, nothing is touched.
    const same = await wirelab(["apply", "-t", file]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /nothing differs/);

    const r1Bgpd = await pidOf("r1", "bgpd");
    const r2Bgpd = await pidOf("r2", "bgpd");
    assert.ok(r1Bgpd && r2Bgpd);
    // Let the session be up a while, so a reset (uptime back near 0) cannot hide.
    await delay(2000);
    const before = await uptime();
    assert.ok(before !== undefined && before >= 1500, `r1—r2 established for a while (uptime ${before})`);

    // A bad file: refused with its position (exit 2), nothing changed.
    await writeFile(file, AFTER.replace("  r1:\n", "  r1:\n    config: |\n      router bgp 65001\n"));
    const bad = await wirelab(["apply", "-t", file]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /lab\.yml:\d+:\d+: node 'r1'/);
    assert.deepEqual(await namespaces(), [
      `wl_${LAB}_h1`,
      `wl_${LAB}_h3`,
      `wl_${LAB}_r1`,
      `wl_${LAB}_r2`,
      `wl_${LAB}_r3`,
    ]);

    await writeFile(file, AFTER);
    const dry = await wirelab(["deploy", "--reconfigure", "--dry-run", "-t", file]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /# - node r3/);
    assert.match(dry.stdout, /# \+ node r4/);
    assert.match(dry.stdout, /# ~ r1:2 -10\.0\.1\.1\/24 \+10\.0\.11\.1\/24/);
    assert.match(dry.stdout, /link add name 3 .*netns wl_hrlive1_r2 type veth peer name 1 .*netns wl_hrlive1_r4/);
    assert.match(dry.stdout, /no neighbor 10\.0\.23\.2 remote-as 65003/, "r2 loses r3 as a no line");
    assert.doesNotMatch(dry.stdout, /ip netns add wl_hrlive1_r1\b/, "r1 is not rebuilt");
    // The dry run changed nothing.
    assert.deepEqual(await addresses("r1", "2"), ["10.0.1.1/24"]);

    const t0 = Date.now();
    const r = await wirelab(["apply", "-t", file, "--verify"]);
    const ms = Date.now() - t0;
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /Reconfiguring lab 'hrlive1':/);
    assert.match(r.stdout, /reconfigured/);
    process.stderr.write(`# reconfigure took ${ms} ms (CLI, verify included)\n`);

    // The untouched session: same daemons, uptime only grew.
    const afterUp = await uptime();
    assert.ok(afterUp !== undefined && before !== undefined && afterUp > before, `uptime ${before} -> ${afterUp}`);
    assert.equal(await pidOf("r1", "bgpd"), r1Bgpd, "r1's bgpd was not restarted");
    assert.equal(await pidOf("r2", "bgpd"), r2Bgpd, "r2's bgpd was not restarted");

    // The renumbered port, the removed nodes, the new one.
    assert.deepEqual(await addresses("r1", "2"), ["10.0.11.1/24"]);
    assert.deepEqual(await namespaces(), [`wl_${LAB}_h1`, `wl_${LAB}_r1`, `wl_${LAB}_r2`, `wl_${LAB}_r4`]);
    assert.equal(await pidOf("r3", "bgpd"), undefined, "r3's daemons are gone");
    const stray = (await leftovers(LAB)).filter((l) => l.includes(`wl_${LAB}_r3`) || l.includes(`wl_${LAB}_h3`));
    assert.deepEqual(stray, []);

    // The state follows the file: a second apply finds nothing to do.
    const again2 = await wirelab(["apply", "-t", file]);
    assert.equal(again2.code, 0, again2.stderr);
    assert.match(again2.stdout, /nothing differs/);

    const v = await wirelab(["verify", "-t", file]);
    assert.equal(v.code, 0, v.stdout + v.stderr);

    const x = await wirelab(["destroy", "--lab", LAB]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });

  test("BIRD: a new loopback and network on one router, loaded with configure; bird keeps running, the untouched session stays", async () => {
    const lab = "hrbird1";
    const file = path.join(dir, "bird.yml");
    const base = (await readFile(path.join(EXAMPLES, "seed-ebgp-bird.yml"), "utf8")).replace(
      "name: seed-ebgp-bird",
      `name: ${lab}`,
    );
    await writeFile(file, base);
    try {
      const d = await wirelab(["deploy", "-t", file]);
      assert.equal(d.code, 0, d.stderr);
      const pid = async (node: string) =>
        Number((await readFile(`/run/wirelab/labs/${lab}/nodes/${node}/run/bird.pid`, "utf8")).trim());
      const pids = [await pid("ops1"), await pid("ops2"), await pid("ops3")];
      // ops3's session to ops2 (its only one): the line with its state and since-time.
      const session = async () =>
        (await birdShow(socketPath(lab, "ops3"), "show protocols")).split("\n").filter((l) => /\bBGP\b/.test(l));
      const before = await session();
      assert.equal(before.length, 1);
      assert.match(before[0] as string, /Established/);

      // BIRD announces what its table has: the new prefix is a new loopback address.
      await writeFile(
        file,
        `${base
          .replace("networks: [192.168.101.0/24]", "networks: [192.168.101.0/24, 192.168.201.1/32]")
          .replace(
            "  ops1:\n    stack: bird\n",
            "  ops1:\n    stack: bird\n    interfaces: { lo: { ip: 192.168.201.1/32 } }\n",
          )}\n  - bgp-route: { node: ops3, prefix: 192.168.201.1/32, as-path: 65002 65001 }\n`,
      );
      const dry = await wirelab(["apply", "--dry-run", "-t", file]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /# ~ ops1 BIRD config/);
      assert.match(dry.stdout, new RegExp(`birdc -s ${socketPath(lab, "ops1")} configure`));
      assert.doesNotMatch(dry.stdout, /ops2 BIRD config|ops3 BIRD config/);

      const r = await wirelab(["apply", "-t", file, "--verify"]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual([await pid("ops1"), await pid("ops2"), await pid("ops3")], pids, "no bird restarted");
      // BIRD prints since-times from its monotonic clock plus a wall-clock offset it recomputes,
      // so the same instant can print 1 ms apart: a reset would move it by the apply's seconds.
      const after = await session();
      assert.equal(after.length, 1);
      assert.match(after[0] as string, /Established/, "ops2—ops3 still up");
      const since = (l: string) =>
        Date.parse(`${(/(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)/.exec(l) ?? []).slice(1).join("T")}Z`);
      const drift = Math.abs(since(after[0] as string) - since(before[0] as string));
      assert.ok(drift < 50, `ops2—ops3 untouched: since moved ${drift} ms\n${before[0]}\n${after[0]}`);
    } finally {
      const x = await wirelab(["destroy", "--lab", lab]);
      assert.equal(x.code, 0, x.stderr);
      assert.deepEqual(await waitNoLeftovers(lab), []);
    }
  });
});

describe("apply: a new route-map", { skip: skipUnlessRoot }, () => {
  const lab = "hrpol1";
  let dir = "";
  after(async () => {
    await wirelab(["destroy", "--lab", lab]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("takes effect when apply returns: the neighbor's routes stay, with the map's local preference", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wl-reconf-pol-"));
    const file = path.join(dir, "lab.yml");
    const base = (await readFile(path.join(EXAMPLES, "seed-ebgp.yml"), "utf8")).replace(
      "name: seed-ebgp",
      `name: ${lab}`,
    );
    await writeFile(file, base);
    const d = await wirelab(["deploy", "-t", file]);
    assert.equal(d.code, 0, d.stderr);
    // The valid path's local preference as the BGP table lists it (FRR omits the default,
    // 100), or undefined without a valid path.
    const seen = async () => {
      const t = await vtyshJson<{ routes?: Record<string, { valid?: boolean; locPrf?: number }[]> }>(
        `wl_${lab}_ops1`,
        "show bgp ipv4 unicast",
      );
      const p = t.routes?.["192.168.102.0/24"]?.find((x) => x.valid);
      return p ? (p.locPrf ?? 100) : undefined;
    };
    assert.equal(await seen(), 100);

    // ops1 takes ops2's routes through a map that did not exist before.
    await writeFile(
      file,
      base.replace(
        "      networks: [192.168.101.0/24]\n      neighbors: [ops2]\n",
        "      networks: [192.168.101.0/24]\n      neighbors: [{ node: ops2, route-map: { in: FROM-OPS2 } }]\n    policy:\n      route-maps:\n        FROM-OPS2: [{ set: { local-preference: 150 } }]\n",
      ),
    );
    const r = await wirelab(["apply", "-t", file]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    // FRR would take the map as deny-all until its route-map delay timer (5 s) fired; apply
    // defines the map first and refreshes the session. Read at once, and for at most 3 s
    // (the route refresh's round trip, with room for a loaded machine), never as long as the timer.
    /** Reads at once, then every 0.1 s for at most 3 s, until the local preference is `want`. */
    const settled = async (want: number) => {
      const t0 = Date.now();
      let pref = await seen();
      while (pref !== want && Date.now() - t0 < 3000) {
        await delay(100);
        pref = await seen();
      }
      return { pref, ms: Date.now() - t0 };
    };
    const first = await settled(150);
    assert.equal(
      first.pref,
      150,
      `ops1's route to 192.168.102.0/24 ${first.ms} ms after apply: local-pref ${first.pref}`,
    );

    // The map's entry changes: FRR would apply it when its delay timer fires; apply refreshes now.
    await writeFile(file, (await readFile(file, "utf8")).replace("local-preference: 150", "local-preference: 170"));
    const r2 = await wirelab(["apply", "-t", file]);
    assert.equal(r2.code, 0, `${r2.stdout}\n${r2.stderr}`);
    const second = await settled(170);
    assert.equal(second.pref, 170, `${second.ms} ms after the second apply: local-pref ${second.pref}`);
    const x = await wirelab(["destroy", "--lab", lab]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(await waitNoLeftovers(lab), []);
  });
});

describe("deploy --reconfigure that fails half-way", { skip: skipUnlessRoot }, () => {
  const lab = "hrfail1";
  let dir = "";
  after(async () => {
    await wirelab(["destroy", "--lab", lab]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the error names the step, the state lists old and new nodes, destroy removes all of it", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wl-reconf-fail-"));
    const file = path.join(dir, "lab.yml");
    const base = `name: ${lab}
nodes:
  h1: { kind: linux }
  h2: { kind: linux }
links:
  - endpoints: [{ endpoint: h1:eth0, ip: 10.0.0.1/24 }, { endpoint: h2:eth0, ip: 10.0.0.2/24 }]
`;
    await writeFile(file, base);
    const d = await wirelab(["deploy", "-t", file]);
    assert.equal(d.code, 0, d.stderr);
    // Someone made an interface named like the port the new cable needs: the cables phase
    // fails after h3's namespace exists.
    const squat = await run("ip", [
      "-n",
      `wl_${lab}_h1`,
      "link",
      "add",
      "name",
      "eth1",
      "type",
      "veth",
      "peer",
      "name",
      "x1",
    ]);
    assert.equal(squat.code, 0, squat.stderr);
    await writeFile(
      file,
      `${base.replace("  h2: { kind: linux }\n", "  h2: { kind: linux }\n  h3: { kind: linux }\n")}  - [h1:eth1, h3:eth0]\n`,
    );
    const r = await wirelab(["apply", "-t", file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /stopped half-way \(cables \(veth pairs\)\): .*link add name eth1 .*wl_hrfail1_h1.*File exists/,
    );
    assert.match(r.stderr, /wirelab destroy --lab hrfail1/);
    const state = JSON.parse(await readFile(`/run/wirelab/labs/${lab}/state.json`, "utf8")) as {
      phase: string;
      nodes: { name: string }[];
    };
    assert.equal(state.phase, "failed");
    assert.deepEqual(state.nodes.map((n) => n.name).sort(), ["h1", "h2", "h3"]);
    assert.ok((await run("ip", ["netns", "list"])).stdout.includes(`wl_${lab}_h3`), "h3 was made before the failure");

    const again = await wirelab(["apply", "-t", file]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is failed .*destroy it/);

    const x = await wirelab(["destroy", "--lab", lab]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(await waitNoLeftovers(lab), []);
  });
});
