// The docker runtime, for real: containers from the images scripts/docker-setup.sh builds
// from Debian packages, cabled by wirelab, running FRR; then nothing left behind, also after
// a deploy killed with SIGKILL. Skipped (with the reason) when no Docker daemon answers,
// except in CI, where .ci/run starts one and these tests must run.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { access, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { run } from "../../src/util/exec.js";
import { EXAMPLES, isRoot, pingTtl, ROOT, waitNoLeftovers, wirelab } from "./helpers.js";

const IMAGES = ["wirelab-test/frr:latest", "wirelab-test/frr-swns:latest"];
const docker = new Docker({ socketPath: process.env.WIRELAB_DOCKER_SOCKET ?? "/var/run/docker.sock" });

async function why(): Promise<string | false> {
  if (!isRoot) return "needs root (namespaces, containers)";
  try {
    await docker.ping();
  } catch (e) {
    return `no Docker daemon answers on /var/run/docker.sock (${(e as Error).message}); run scripts/docker-setup.sh`;
  }
  for (const image of IMAGES) {
    try {
      await docker.getImage(image).inspect();
    } catch {
      return `test image ${image} is missing; run scripts/docker-setup.sh`;
    }
  }
  return false;
}
const reason = await why();
// In CI the daemon and images are set up by .ci/run: a missing one is a failure, not a skip.
const skip = process.env.CI ? false : reason;

const LABS = ["d4seed", "d4mix", "d4ops", "d4mgmt", "d4kill", "d4kill2"];

/** Containers carrying the lab's label, running or not. */
async function containersOf(lab: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`wirelab.lab=${lab}`] } });
  return list.map((c) => c.Names[0] ?? c.Id);
}

/** Everything of the lab on the machine: the netns runtime's leftovers plus containers and networks. */
async function allLeftovers(lab: string): Promise<string[]> {
  const left = await waitNoLeftovers(lab);
  for (const c of await containersOf(lab)) left.push(`container ${c}`);
  const nets = await docker.listNetworks({ filters: { label: [`wirelab.lab=${lab}`] } });
  for (const n of nets) left.push(`network ${n.Name}`);
  const mounts = await readFile("/proc/self/mountinfo", "utf8");
  if (mounts.includes(`/run/netns/wl_${lab}_`)) left.push("a namespace bind mount");
  return left;
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

interface InspectJson {
  nodes: {
    name: string;
    status: string;
    daemons: { name: string; alive: boolean }[];
    container?: { state: string; pid?: number; portNamespace?: string; mgmt?: string };
    ports: { port: string; state: string; peerOk?: boolean; addresses: string[] }[];
  }[];
}

describe("docker runtime", { skip }, () => {
  before(async () => {
    if (reason) throw new Error(reason);
    for (const lab of LABS) await wirelab(["destroy", "--lab", lab]);
  });
  after(async () => {
    for (const lab of LABS) await wirelab(["destroy", "--lab", lab]);
  });

  test("the seed lab on Docker: the seed's BGP table, ping across ops2, exec/cli/save/inspect, clean destroy", async () => {
    const lab = "d4seed";
    const d = await wirelab(["deploy", "-t", path.join(EXAMPLES, "seed-ebgp-docker.yml"), "--lab", lab, "--json"]);
    assert.equal(d.code, 0, d.stderr);
    const result = json<{ bgp: { established: number; total: number } }>(d.stdout);
    assert.equal(result.bgp.established, 4);

    // Three containers, each with its daemons, found by label.
    assert.equal((await containersOf(lab)).length, 3);

    // The seed's table on ops1: its own prefix, and ops3's via ops2 with AS path 65002 65003.
    const bgp = await wirelab(["exec", "--lab", lab, "ops1", "--", "vtysh", "-c", "show ip bgp json"]);
    assert.equal(bgp.code, 0, bgp.stderr);
    const routes = json<{ routes: Record<string, { bestpath?: boolean; path: string; nexthops: { ip: string }[] }[]> }>(
      bgp.stdout,
    ).routes;
    assert.ok(routes["192.168.101.0/24"], "ops1 announces 192.168.101.0/24");
    const best = routes["192.168.102.0/24"]?.find((p) => p.bestpath);
    assert.ok(best, "ops1 learned 192.168.102.0/24");
    assert.equal(best.path, "65002 65003");
    assert.equal(best.nexthops[0]?.ip, "192.168.101.2");
    // The blog post's ping from ops1 to ops3, one router in between.
    assert.equal(await pingTtl(lab, "ops1", "192.168.102.2"), 63);

    // exec runs inside the container: its hostname and the image's own files.
    const host = await wirelab(["exec", "--lab", lab, "ops2", "--", "sh", "-c", "hostname; cat /etc/debian_version"]);
    assert.equal(host.code, 0, host.stderr);
    assert.match(host.stdout, /^ops2\n\d+/);
    // cli: the container's vtysh, fed from stdin.
    const cli = await wirelab(["cli", "--lab", lab, "ops3"], { input: "show bgp summary\n" });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /192\.168\.102\.1/);

    const info = json<InspectJson>((await wirelab(["inspect", "--lab", lab, "--json"])).stdout);
    for (const n of info.nodes) {
      assert.equal(n.status, "running", `${n.name}: ${JSON.stringify(n)}`);
      assert.equal(n.container?.state, "running");
      assert.ok(
        n.daemons.every((x) => x.alive),
        `${n.name}: daemons alive`,
      );
      assert.ok(
        n.ports.every((p) => p.peerOk && p.state === "UP"),
        `${n.name}: cables`,
      );
    }

    const out = await mkdtemp(path.join(os.tmpdir(), "d4save-"));
    try {
      const s = await wirelab(["save", "--lab", lab, "-o", out]);
      assert.equal(s.code, 0, s.stderr);
      assert.match(await readFile(path.join(out, "ops2.conf"), "utf8"), /router bgp 65002/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }

    const x = await wirelab(["destroy", "--lab", lab]);
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stdout, /3 containers/);
    assert.deepEqual(await allLeftovers(lab), []);
  });

  test("a mixed lab (one namespace node, two container nodes) converges and routes", async () => {
    const lab = "d4mix";
    const d = await wirelab(["deploy", "-t", path.join(EXAMPLES, "mixed-docker.yml"), "--lab", lab, "--json"]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(json<{ bgp: { established: number } }>(d.stdout).bgp.established, 6);
    // r1 is a namespace running the host's FRR; r2 and r3 are containers.
    assert.equal((await containersOf(lab)).length, 2);
    const r1 = await wirelab(["exec", "--lab", lab, "r1", "--", "vtysh", "-c", "show ip route json"]);
    const rib = json<Record<string, unknown>>(r1.stdout);
    assert.ok(rib["10.255.0.2/32"] && rib["10.255.0.3/32"], "r1 has both containers' loopbacks");
    // Loopback to loopback, namespace → container, and container → container.
    const ping = await wirelab([
      "exec",
      "--lab",
      lab,
      "r1",
      "--",
      "ping",
      "-c",
      "1",
      "-W",
      "2",
      "-I",
      "10.255.0.1",
      "10.255.0.3",
    ]);
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    const ping2 = await wirelab([
      "exec",
      "--lab",
      lab,
      "r2",
      "--",
      "ping",
      "-c",
      "1",
      "-W",
      "2",
      "-I",
      "10.255.0.2",
      "10.255.0.3",
    ]);
    assert.equal(ping2.code, 0, ping2.stdout + ping2.stderr);
    assert.equal((await wirelab(["destroy", "--lab", lab])).code, 0);
    assert.deepEqual(await allLeftovers(lab), []);
  });

  test("port-namespace image: ports move into swns inside the container and route there", async () => {
    const lab = "d4ops";
    const d = await wirelab(["deploy", "-t", path.join(EXAMPLES, "seed-openswitch.yml"), "--lab", lab]);
    assert.equal(d.code, 0, d.stderr);
    const name = `wl_${lab}_ops2`;
    const container = docker.getContainer(name);
    const pid = (await container.inspect()).State.Pid;
    // The container's own namespace keeps only lo; ports 1 and 2 are in swns, with the
    // addresses from the seed's config (set by the FRR in swns).
    const outer = await run("nsenter", ["-t", String(pid), "-n", "ip", "-br", "link"]);
    assert.deepEqual(
      outer.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(/\s+/)[0]),
      ["lo"],
      outer.stdout,
    );
    const inner = await run("nsenter", [
      "-t",
      String(pid),
      "-m",
      "-n",
      "ip",
      "netns",
      "exec",
      "swns",
      "ip",
      "-br",
      "addr",
    ]);
    assert.equal(inner.code, 0, inner.stderr);
    assert.match(inner.stdout, /^1@\S+\s+UP\s+192\.168\.101\.2\/24/m);
    assert.match(inner.stdout, /^2@\S+\s+UP\s+192\.168\.102\.1\/24/m);
    // Routed through the inner namespaces: ops1 → ops2 → ops3.
    assert.equal(await pingTtl(lab, "ops1", "192.168.102.2"), 63);
    const bgp = await wirelab(["exec", "--lab", lab, "ops1", "--", "vtysh", "-c", "show ip bgp"]);
    assert.match(bgp.stdout, /192\.168\.102\.0\/24\s+192\.168\.101\.2/);
    const info = json<InspectJson>((await wirelab(["inspect", "--lab", lab, "--json"])).stdout);
    assert.ok(info.nodes.every((n) => n.container?.portNamespace === "swns" && n.status === "running"));
    assert.ok(
      info.nodes.flatMap((n) => n.ports).every((p) => p.peerOk && p.addresses.length === 1),
      "inspect reads the ports in swns",
    );
    assert.equal((await wirelab(["destroy", "--lab", lab])).code, 0);
    assert.deepEqual(await allLeftovers(lab), []);
  });

  test("linux containers with a management network: addresses shown, network removed", async () => {
    const lab = "d4mgmt";
    const dir = await mkdtemp(path.join(os.tmpdir(), "d4mgmt-"));
    const file = path.join(dir, "mgmt.yml");
    await writeFile(
      file,
      [
        "name: d4mgmt",
        "runtime: docker",
        "management: { subnet: 172.31.250.0/24 }",
        "defaults: { kind: linux, image: wirelab-test/frr:latest }",
        "nodes:",
        "  h1: { interfaces: { eth1: { ip: 10.9.0.1/24 } } }",
        "  h2: { interfaces: { eth1: { ip: 10.9.0.2/24 } } }",
        "links:",
        "  - [h1:eth1, h2:eth1]",
        "",
      ].join("\n"),
    );
    try {
      const d = await wirelab(["deploy", "-t", file]);
      assert.equal(d.code, 0, d.stderr);
      const info = json<InspectJson>((await wirelab(["inspect", "--lab", lab, "--json"])).stdout);
      for (const n of info.nodes) assert.match(n.container?.mgmt ?? "", /^172\.31\.250\.\d+\/24$/, n.name);
      assert.equal(await pingTtl(lab, "h1", "10.9.0.2"), 64);
      const eth0 = await wirelab(["exec", "--lab", lab, "h2", "--", "ip", "-br", "addr", "show", "eth0"]);
      assert.match(eth0.stdout, /172\.31\.250\./);
      assert.equal((await wirelab(["destroy", "--lab", lab])).code, 0);
      assert.deepEqual(await allLeftovers(lab), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  /** Starts a deploy, SIGKILLs it when `ready` holds, then destroys; nothing may remain. */
  async function killedDeploy(lab: string, topology: string, ready: () => Promise<boolean>): Promise<void> {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/wirelab.js"), "deploy", "-t", topology, "--lab", lab], {
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    const deadline = Date.now() + 60_000;
    let hit = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await ready()) {
        hit = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await exited;
    assert.ok(hit, "the deploy was killed at the intended point");
    assert.ok((await containersOf(lab)).length > 0, "the killed deploy left containers to clean up");
    const x = await wirelab(["destroy", "--lab", lab]);
    assert.equal(x.code, 0, x.stderr);
    assert.deepEqual(await allLeftovers(lab), []);
  }

  test("a deploy killed with SIGKILL while starting containers leaves nothing after destroy", async () => {
    await killedDeploy("d4kill", path.join(EXAMPLES, "seed-ebgp-docker.yml"), async () => {
      // Killed as soon as the first container's namespace is attached: others may be half made.
      const names = await readdir("/run/netns").catch(() => [] as string[]);
      return names.some((n) => n.startsWith("wl_d4kill_"));
    });
  });

  test("a deploy killed with SIGKILL after moving ports into swns leaves nothing after destroy", async () => {
    await killedDeploy("d4kill2", path.join(EXAMPLES, "seed-openswitch.yml"), async () => {
      // The routing phase writes each node's frr.conf: by then ports are in swns and the
      // node's namespace name points at it.
      return access("/run/wirelab/labs/d4kill2/nodes/ops1/frr.conf").then(
        () => true,
        () => false,
      );
    });
  });
});
