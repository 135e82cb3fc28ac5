// containerlab topologies deployed for real, in namespaces: the three labs of
// test/fixtures/clab/ come up, converge (checked with wirelab's own checks, added in code to
// the converted topology), ping across, and are destroyed with nothing left behind. Also:
// the CLI path (-t on a .clab.yml, warnings on stderr, destroy by the mapped name), `convert`
// output that deploys --dry-run, and --runtime docker when a Docker daemon and the test image
// are there.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { CheckModel } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { bgpRoutes } from "../../src/stacks/frr/state.js";
import { convertContainerlab } from "../../src/topology/containerlab/index.js";
import { readTopologyDocument, readTopologyText, validateTopologyInput } from "../../src/topology/load.js";
import { verifyLab } from "../../src/verify/run.js";
import { inNode, isRoot, pingTtl, ROOT, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const DIR = path.join(ROOT, "test/fixtures/clab");
const SEED = path.join(DIR, "seed.clab.yml");
const BRIDGE = path.join(DIR, "bridge.clab.yml");
const TRIANGLE = path.join(DIR, "triangle.clab.yml");
const UNNUMBERED = path.join(DIR, "unnumbered.clab.yml");
const LABS = ["cl-seed", "clbridge", "cltri", "clunnum", "cldock"];

async function destroy(name: string) {
  const state = await readState(name);
  if (state) await destroyLab(state);
}

/**
 * The lab of a containerlab file with `checks` added to its converted topology, so they are
 * resolved (node names to addresses, positions) by wirelab's loader like written ones.
 */
async function labWithChecks(file: string, checks: unknown[]) {
  const { data, source } = readTopologyDocument(await readTopologyText(file), file);
  const c = convertContainerlab(data as Record<string, unknown>, source);
  const lab = validateTopologyInput({ ...c.input, checks }, c.source);
  return { ...lab, file };
}

/** Deploys the lab, runs its checks (each waits until it holds), returns the failures. */
async function deployAndVerify(file: string, checks: unknown[]): Promise<{ name: string; failed: string[] }> {
  const lab = await labWithChecks(file, checks);
  const result = await deployLab(lab, { timeoutMs: 60_000 });
  if (result.bgp) assert.equal(result.bgp.timedOut, false, `BGP converged (down: ${result.bgp.down.join(", ")})`);
  const state = await readState(lab.name);
  assert.ok(state, "state recorded");
  const report = await verifyLab(state, { checks: lab.checks as CheckModel[] });
  const failed = report.suites
    .flatMap((s) => s.checks)
    .filter((c) => !c.pass)
    .map((c) => `${c.name}: expected ${c.expected}, seen ${c.seen}`);
  return { name: lab.name, failed };
}

describe("containerlab labs in namespaces", { skip: skipUnlessRoot }, () => {
  before(async () => {
    for (const name of LABS) await destroy(name);
  });
  after(async () => {
    for (const name of LABS) await destroy(name);
  });

  test("seed: the seed's routers from bound frr.conf files converge as in the seed; hosts ping across", async () => {
    const { name, failed } = await deployAndVerify(SEED, [
      { "bgp-route": { node: "ops1", prefix: "192.168.102.0/24", "as-path": "65002 65003", nexthop: "192.168.101.2" } },
      { "bgp-route": { node: "ops3", prefix: "10.0.1.0/24", "as-path": "65002 65001" } },
      { "bgp-session": "ops2" },
      { ping: { from: "h1", to: "h3" } },
      { ping: { from: "h3", to: "192.168.101.1" } },
    ]);
    assert.equal(name, "cl-seed");
    assert.deepEqual(failed, []);
    // The seed's table, read from FRR directly as well.
    const best = (await bgpRoutes("wl_cl-seed_ops1", "ipv4"))["192.168.102.0/24"]?.find((p) => p.bestpath);
    assert.equal(best?.aspath, "65002 65003");
    // h1 to h3 crosses ops1, ops2 and ops3.
    assert.equal(await pingTtl("cl-seed", "h1", "10.0.3.10"), 61);
    await destroy("cl-seed");
    assert.deepEqual(await waitNoLeftovers("cl-seed"), []);
  });

  test("triangle: startup-config routers peer in eBGP and reach each other's loopbacks", async () => {
    const { name, failed } = await deployAndVerify(TRIANGLE, [
      { "bgp-route": { node: "r1", prefix: "10.255.0.3/32", "as-path": "65003" } },
      { "bgp-route": { node: "r2", prefix: "10.255.0.1/32", "as-path": "65001" } },
      { "bgp-session": "r3" },
      { ping: { from: "r1", to: "10.255.0.3", source: "10.255.0.1" } },
      { ping: { from: "r2", to: "10.255.0.3", source: "10.255.0.2" } },
    ]);
    assert.deepEqual(failed, []);
    // The link's MTU from the newer link format reached the kernel.
    const link = await inNode(name, "r1", ["ip", "-j", "link", "show", "dev", "eth1"]);
    assert.equal((JSON.parse(link.stdout) as { mtu: number }[])[0]?.mtu, 9000);
    await destroy(name);
    assert.deepEqual(await waitNoLeftovers(name), []);
  });

  test("unnumbered: sessions on interfaces (no cable addresses) come up; loopbacks route over IPv6 next hops", async () => {
    const { name, failed } = await deployAndVerify(UNNUMBERED, [
      { "bgp-session": "spine1" },
      { "bgp-route": { node: "leaf1", prefix: "10.255.2.2/32", "as-path": "65100 65202" } },
      { "bgp-route": { node: "leaf2", prefix: "10.255.2.1/32", "as-path": "65100 65201" } },
      { ping: { from: "leaf1", to: "10.255.2.2", source: "10.255.2.1" } },
    ]);
    assert.equal(name, "clunnum");
    assert.deepEqual(failed, []);
    // No IPv4 address on any cable: the route's next hop is the spine's IPv6 link-local.
    const addrs = await inNode(name, "leaf1", ["ip", "-j", "addr", "show", "dev", "eth1"]);
    const families = (JSON.parse(addrs.stdout) as { addr_info: { family: string; scope: string }[] }[])[0]?.addr_info;
    assert.deepEqual(
      families?.map((a) => `${a.family}/${a.scope}`),
      ["inet6/link"],
    );
    const route = await inNode(name, "leaf1", ["ip", "-j", "route", "show", "10.255.2.2/32"]);
    const r = (JSON.parse(route.stdout) as { gateway?: string; via?: { family: string; host: string } }[])[0];
    assert.match(r?.via?.host ?? r?.gateway ?? "", /^fe80:/, route.stdout);
    await destroy(name);
    assert.deepEqual(await waitNoLeftovers(name), []);
  });

  test("bridge, through the CLI: warnings on stderr, hosts ping over the bridge (IPv4, IPv6), destroy -t", async () => {
    const d = await wirelab(["deploy", "-t", BRIDGE]);
    assert.equal(d.code, 0, d.stderr);
    const warnings = d.stderr.split("\n").filter((l) => l.startsWith("warning: "));
    assert.equal(warnings.length, 6, d.stderr);
    assert.ok(warnings.every((l) => l.startsWith(`warning: ${BRIDGE}:`)));
    assert.match(d.stdout, /Lab 'clbridge' deployed: 4 nodes, 3 links/);

    assert.equal(await pingTtl("clbridge", "h1", "10.10.0.3"), 64, "one segment: no router in between");
    const v6 = await inNode("clbridge", "h1", ["ping", "-6", "-c", "1", "-W", "2", "2001:db8:10::3"]);
    assert.equal(v6.code, 0, v6.stdout + v6.stderr);
    const mtu = await inNode("clbridge", "h1", ["ip", "-j", "link", "show", "dev", "eth1"]);
    assert.equal((JSON.parse(mtu.stdout) as { mtu: number }[])[0]?.mtu, 1400, "ip link set eth1 mtu 1400");

    // Commands on a deployed lab find it by the file's (mapped) name.
    const x = await wirelab(["destroy", "-t", BRIDGE]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(await waitNoLeftovers("clbridge"), []);
  });

  test("--strict refuses a file with settings that do not map (exit 2), before anything is built", async () => {
    const d = await wirelab(["deploy", "--strict", "-t", BRIDGE]);
    assert.equal(d.code, 2);
    assert.equal(d.stderr.split("\n").filter((l) => l.startsWith("error: ")).length, 7, d.stderr);
    assert.equal(await readState("clbridge"), undefined);
  });
});

describe("wirelab convert", () => {
  test("writes a wirelab topology that deploy --dry-run accepts; warnings go to stderr", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-convert-"));
    try {
      for (const file of [SEED, BRIDGE, TRIANGLE, UNNUMBERED]) {
        const out = path.join(dir, path.basename(file).replace(".clab.yml", ".yml"));
        const c = await wirelab(["convert", file]);
        assert.equal(c.code, 0, c.stderr);
        assert.match(c.stdout, /^# Converted from /);
        assert.equal(c.stderr.includes("warning: "), file === BRIDGE);
        await writeFile(out, c.stdout);
        const dry = await wirelab(["deploy", "--dry-run", "-t", out]);
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stdout, /^# wirelab plan for lab /);
        assert.equal(dry.stderr, "", "a converted file loads without notes or warnings");
      }
      const notClab = await wirelab(["convert", path.join(ROOT, "examples/seed-ebgp.yml")]);
      assert.equal(notClab.code, 2);
      assert.match(notClab.stderr, /is not a containerlab topology/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// --runtime docker: the triangle with the test image (built from Debian packages by
// scripts/docker-setup.sh) as every router's image, configs inline.
const IMAGE = "wirelab-test/frr:latest";
async function dockerReason(): Promise<string | false> {
  if (!isRoot) return "needs root";
  const docker = new Docker({ socketPath: "/var/run/docker.sock" });
  try {
    await docker.ping();
    await docker.getImage(IMAGE).inspect();
  } catch (e) {
    return `no Docker daemon or no ${IMAGE} (${(e as Error).message}); run scripts/docker-setup.sh`;
  }
  return false;
}
const dockerSkip = process.env.CI ? false : await dockerReason();

function router(n: number, asn: number, ports: [string, string][], peers: [string, number][]): string {
  const lines = [`hostname r${n}`];
  for (const [port, ip] of ports) lines.push(`interface ${port}`, ` ip address ${ip}`);
  lines.push(`router bgp ${asn}`, ` bgp router-id 10.255.0.${n}`);
  for (const [ip, as] of peers) lines.push(` neighbor ${ip} remote-as ${as}`);
  lines.push(` network 10.255.0.${n}/32`);
  return `      startup-config: |\n${lines.map((l) => `        ${l}`).join("\n")}\n`;
}

describe("containerlab lab with --runtime docker", { skip: dockerSkip }, () => {
  after(() => wirelab(["destroy", "--lab", "cldock"]));

  test("routers run in containers of their image, converge, and are destroyed with nothing left", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-cldock-"));
    const file = path.join(dir, "dock.clab.yml");
    const node = (n: number, cfg: string) =>
      `    r${n}:\n      exec:\n        - ip addr add 10.255.0.${n}/32 dev lo\n${cfg}`;
    await writeFile(
      file,
      `name: cldock\nmgmt:\n  ipv4-subnet: 172.30.250.0/24\ntopology:\n  defaults:\n    kind: linux\n    image: ${IMAGE}\n  nodes:\n${node(
        1,
        router(1, 65001, [["eth1", "10.0.12.1/24"]], [["10.0.12.2", 65002]]),
      )}${node(
        2,
        router(
          2,
          65002,
          [
            ["eth1", "10.0.12.2/24"],
            ["eth2", "10.0.23.2/24"],
          ],
          [
            ["10.0.12.1", 65001],
            ["10.0.23.3", 65003],
          ],
        ),
      )}${node(3, router(3, 65003, [["eth1", "10.0.23.3/24"]], [["10.0.23.2", 65002]]))}  links:\n    - endpoints: ["r1:eth1", "r2:eth1"]\n    - endpoints: ["r2:eth2", "r3:eth1"]\n`,
    );
    try {
      const d = await wirelab(["deploy", "--runtime", "docker", "-t", file, "--json"]);
      assert.equal(d.code, 0, d.stderr);
      assert.equal((JSON.parse(d.stdout) as { bgp: { established: number } }).bgp.established, 4);
      const info = JSON.parse((await wirelab(["inspect", "--lab", "cldock", "--json"])).stdout) as {
        nodes: { name: string; container?: { state: string; image?: string; mgmt?: string } }[];
      };
      for (const n of info.nodes) {
        assert.equal(n.container?.state, "running", n.name);
        assert.match(n.container?.mgmt ?? "", /^172\.30\.250\./, `${n.name} on the management network`);
      }
      // Loopback to loopback (only loopbacks are announced), across r2.
      const ping = await inNode("cldock", "r1", ["ping", "-c", "1", "-W", "2", "-I", "10.255.0.1", "10.255.0.3"]);
      assert.equal(ping.code, 0, ping.stdout + ping.stderr);
      assert.match(ping.stdout, /ttl=63/);
      const x = await wirelab(["destroy", "-t", file]);
      assert.equal(x.code, 0, x.stderr);
      assert.match(x.stdout, /3 containers/);
      assert.deepEqual(await waitNoLeftovers("cldock"), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
