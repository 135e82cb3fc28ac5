// The kubernetes runtime's data plane, for real, on this machine: the seed lab split over
// two "machines" (network namespaces joined by an underlay bridge, k8s-machines.ts), its
// routers in "pods" (plain namespaces behind each machine's pod bridge), cabled by the
// VXLAN link type with the function that cables real pods. Deployed and destroyed by
// wirelab's own deploy and destroy; FRR runs the netns way. Then the same with the
// kubernetes runtime itself, against the fake API server with a kubelet that runs its pods
// as namespaces. No cluster is involved anywhere.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { inspectLab } from "../../src/core/inspect.js";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle, RUNTIMES } from "../../src/runtimes/index.js";
import { frr } from "../../src/stacks/frr/index.js";
import { loadTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, inNode, pingTtl, skipUnlessRoot } from "./helpers.js";
import { FakeKubeApi, selfSignedCert } from "./k8s-fake-api.js";
import { NamespaceKubelet } from "./k8s-fake-kubelet.js";
import { labLeftovers, Machines, machinesRuntime, UNDERLAY_MTU } from "./k8s-machines.js";

const LAB = "k8dp";
// ops1 and ops3 on the first machine, ops2 on the second: both cables cross machines.
const PLACEMENT = {
  ops1: { machine: 0, ip: "10.244.1.11" },
  ops2: { machine: 1, ip: "10.244.2.12" },
  ops3: { machine: 0, ip: "10.244.1.13" },
} as const;
const CABLE_MTU = UNDERLAY_MTU - 50;

let lab: Lab;
const machines = new Machines("k8dp");

async function netnsList(): Promise<string[]> {
  return (await run("ip", ["netns", "list"])).stdout.split("\n").map((l) => l.split(" ")[0] ?? "");
}

describe("kubernetes data plane: the seed lab over VXLAN between two machines", { skip: skipUnlessRoot }, () => {
  before(async () => {
    const taken = (await netnsList()).filter((n) => n.startsWith("k8dp-") || n.startsWith(`wl_${LAB}_`));
    assert.deepEqual(taken, [], "namespaces of an earlier run are still there");
    RUNTIMES.k8local = machinesRuntime(machines, PLACEMENT);
    await machines.build();
    const seed = await loadTopology(path.join(EXAMPLES, "seed-ebgp.yml"));
    lab = { ...seed, name: LAB, nodes: seed.nodes.map((n) => ({ ...n, runtime: { name: "k8local" } })) };
    await deployLab(lab, { timeoutMs: 60_000 });
  });

  after(async () => {
    const state = await readState(LAB);
    if (state) await destroyLab(state);
    await machines.remove();
    delete RUNTIMES.k8local;
    assert.deepEqual(await labLeftovers(LAB), []);
    assert.deepEqual(
      (await netnsList()).filter((n) => n.startsWith("k8dp-")),
      [],
    );
  });

  test("each cable is a VXLAN tunnel between pods on different machines, named after its port, with the lowered MTU", async () => {
    const [dev] = JSON.parse((await inNode(LAB, "ops2", ["ip", "-d", "-j", "link", "show", "dev", "2"])).stdout) as {
      mtu: number;
      linkinfo: { info_kind: string; info_data: { id: number; local: string; remote: string; port: number } };
    }[];
    assert.equal(dev?.linkinfo.info_kind, "vxlan");
    assert.deepEqual(
      { ...dev?.linkinfo.info_data, mtu: dev?.mtu },
      {
        ...dev?.linkinfo.info_data,
        id: 10001,
        local: PLACEMENT.ops2.ip,
        remote: PLACEMENT.ops3.ip,
        port: 14789,
        mtu: CABLE_MTU,
      },
    );
    // No veth anywhere in the lab: the pods reach each other only through the underlay.
    for (const node of ["ops1", "ops2", "ops3"]) {
      const veths = JSON.parse((await inNode(LAB, node, ["ip", "-j", "link", "show", "type", "veth"])).stdout) as {
        ifname: string;
      }[];
      assert.deepEqual(
        veths.map((v) => v.ifname),
        ["eth0"],
        node,
      );
    }
  });

  test("ops1 learns 192.168.102.0/24 through ops2 with AS path 65002 65003", async () => {
    const routes = await frr.bgpRoutes?.(nodeHandle(LAB, lab.nodes[0] as Lab["nodes"][number]), "ipv4");
    const best = routes?.["192.168.102.0/24"]?.find((p) => p.bestpath);
    assert.equal(best?.aspath, "65002 65003");
    assert.equal(best?.nexthops[0]?.ip, "192.168.101.2");
  });

  test("ops1 pings ops3 across both tunnels: ttl=63, one router between them", async () => {
    assert.equal(await pingTtl(LAB, "ops1", "192.168.102.2"), 63);
  });

  test("full-size packets cross both tunnels unfragmented (ping -M do -s MTU-28); one byte more does not leave ops1", async () => {
    const full = await inNode(LAB, "ops1", [
      "ping",
      "-c",
      "2",
      "-W",
      "2",
      "-M",
      "do",
      "-s",
      String(CABLE_MTU - 28),
      "192.168.102.2",
    ]);
    assert.equal(full.code, 0, full.stdout + full.stderr);
    assert.match(full.stdout, new RegExp(`${CABLE_MTU - 28 + 8} bytes from 192.168.102.2: icmp_seq=\\d+ ttl=63`));
    const over = await inNode(LAB, "ops1", [
      "ping",
      "-c",
      "1",
      "-W",
      "1",
      "-M",
      "do",
      "-s",
      String(CABLE_MTU - 27),
      "192.168.102.2",
    ]);
    assert.notEqual(over.code, 0);
    assert.match(over.stdout + over.stderr, new RegExp(`mtu[ =]${CABLE_MTU}`));
  });

  test("the tunnels' packets really cross the underlay bridge (UDP 14789 between the machines)", async () => {
    const counters = async () => {
      const r = await run("ip", ["-n", machines.underlay, "-s", "-j", "link", "show", "dev", "m2"]);
      return (JSON.parse(r.stdout) as { stats64: { tx: { packets: number } } }[])[0]?.stats64.tx.packets ?? 0;
    };
    const before = await counters();
    await inNode(LAB, "ops1", ["ping", "-c", "5", "-i", "0.2", "-W", "1", "192.168.102.2"]);
    // Each echo and each reply passes ops2, on machine 2: 5 × 2 frames towards it at least.
    const sent = (await counters()) - before;
    assert.ok(sent >= 10, `${sent} frames towards machine 2`);
  });
});

// The kubernetes runtime itself, end to end: its deploy speaks to the fake API server
// (k8s-fake-api.ts), whose kubelet runs each pod for real as namespaces on two machines
// like the ones above. So the runtime's own steps (the pods' IPs from their status, the
// pod network's MTU measured through exec, the VXLAN cables and addresses through exec,
// FRR started inside the pods, readiness asked of the pods' vtysh) build a working lab.
describe("kubernetes runtime end to end: fake API server, pods as namespaces on two machines", {
  skip: skipUnlessRoot,
}, () => {
  const E2E = "k8e2e";
  const cluster = new Machines("k8e2e");
  const PODS_ON = { ops1: 0, ops2: 1, ops3: 0 } as const;
  let dir: string;
  let api: FakeKubeApi;
  let kubelet: NamespaceKubelet;
  let k8lab: Lab;
  const savedKubeconfig = process.env.KUBECONFIG;
  const handleOf = (name: string) => nodeHandle(E2E, k8lab.nodes.find((n) => n.name === name) as Lab["nodes"][number]);

  before(async () => {
    const taken = (await netnsList()).filter((n) => n.startsWith("k8e2e-"));
    assert.deepEqual(taken, [], "namespaces of an earlier run are still there");
    dir = await mkdtemp(path.join(os.tmpdir(), "k8e2e-"));
    await cluster.build();
    kubelet = new NamespaceKubelet(cluster, path.join(dir, "pods"), (pod) => PODS_ON[pod as keyof typeof PODS_ON]);
    api = new FakeKubeApi(await selfSignedCert(dir), { kubelet });
    await api.start();
    process.env.KUBECONFIG = await api.kubeconfig(dir, "kubeconfig");
    k8lab = { ...(await loadTopology(path.join(EXAMPLES, "seed-ebgp-k8s.yml"))), name: E2E };
    await deployLab(k8lab, { timeoutMs: 60_000 });
  });

  after(async () => {
    const state = await readState(E2E);
    if (state) await destroyLab(state);
    await api.close();
    await kubelet.close();
    await cluster.remove();
    if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = savedKubeconfig;
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(await labLeftovers(E2E), []);
    assert.deepEqual(
      (await netnsList()).filter((n) => n.startsWith("k8e2e-")),
      [],
    );
    assert.deepEqual([...api.namespaces.keys()], []);
  });

  test("BGP converged through the pods: ops1 learns 192.168.102.0/24 with AS path 65002 65003", async () => {
    const routes = await frr.bgpRoutes?.(handleOf("ops1"), "ipv4");
    assert.equal(routes?.["192.168.102.0/24"]?.find((p) => p.bestpath)?.aspath, "65002 65003");
    assert.deepEqual(api.invalid, []);
  });

  test("inside the pods, through exec: ping ops3 with ttl=63; full-size packets at the measured MTU (1500 - 50)", async () => {
    const ops1 = handleOf("ops1");
    const ping = await ops1.run(["ping", "-c", "1", "-W", "2", "192.168.102.2"]);
    assert.match(ping.stdout, /ttl=63/);
    const full = await ops1.run([
      "ping",
      "-c",
      "1",
      "-W",
      "2",
      "-M",
      "do",
      "-s",
      String(CABLE_MTU - 28),
      "192.168.102.2",
    ]);
    assert.equal(full.code, 0, full.stdout + full.stderr);
    const over = await ops1.run([
      "ping",
      "-c",
      "1",
      "-W",
      "1",
      "-M",
      "do",
      "-s",
      String(CABLE_MTU - 27),
      "192.168.102.2",
    ]);
    assert.notEqual(over.code, 0);
    const [dev] = JSON.parse((await handleOf("ops2").run(["ip", "-d", "-j", "link", "show", "dev", "1"])).stdout);
    assert.equal(dev.linkinfo.info_data.remote, api.pods.get("wl-k8e2e/ops1")?.status.podIP);
    assert.equal(dev.mtu, CABLE_MTU);
  });

  test("wirelab verify: the example's checks (BGP route, sessions, ping) hold, asked through the API", async () => {
    const report = await verifyLab((await readState(E2E)) as NonNullable<Awaited<ReturnType<typeof readState>>>);
    assert.deepEqual(
      report.suites[0]?.checks.map((c) => [c.name, c.pass]),
      (k8lab.checks ?? []).map((c) => [c.name, true]),
    );
    assert.equal(report.pass, true);
  });

  test("inspect reads the pods through the API: running, their ports as the pods' kernels have them", async () => {
    const info = await inspectLab((await readState(E2E)) as NonNullable<Awaited<ReturnType<typeof readState>>>);
    assert.deepEqual(
      info.nodes.map((n) => [n.name, n.status, n.container?.state, n.container?.mgmt]),
      ["ops1", "ops2", "ops3"].map((n) => [n, "running", "running", api.pods.get(`wl-k8e2e/${n}`)?.status.podIP]),
    );
    const port = info.nodes[1]?.ports.find((p) => p.port === "2");
    assert.deepEqual([port?.state, port?.mtu, port?.addresses], ["UNKNOWN", CABLE_MTU, ["192.168.102.1/24"]]);
  });
});
