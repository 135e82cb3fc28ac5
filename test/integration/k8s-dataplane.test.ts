// The kubernetes runtime's data plane, for real, on this machine: the seed lab split over
// two "machines" (network namespaces joined by an underlay bridge, k8s-machines.ts), its
// routers in "pods" (plain namespaces behind each machine's pod bridge), cabled by the
// VXLAN link type with the function that cables real pods. Deployed and destroyed by
// wirelab's own deploy and destroy; FRR runs the netns way. No cluster is involved: the
// API conversation is tested in k8s-api.test.ts.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle, RUNTIMES } from "../../src/runtimes/index.js";
import { frr } from "../../src/stacks/frr/index.js";
import { loadTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";
import { EXAMPLES, inNode, pingTtl, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";
import { buildMachines, machinesRuntime, removeMachines, UNDERLAY_MTU, UNDERLAY_NS } from "./k8s-machines.js";

const LAB = "k8dp";
// ops1 and ops3 on the first machine, ops2 on the second: both cables cross machines.
const PLACEMENT = {
  ops1: { machine: 0, ip: "10.244.1.11" },
  ops2: { machine: 1, ip: "10.244.2.12" },
  ops3: { machine: 0, ip: "10.244.1.13" },
} as const;
const CABLE_MTU = UNDERLAY_MTU - 50;

let lab: Lab;

async function netnsList(): Promise<string[]> {
  return (await run("ip", ["netns", "list"])).stdout.split("\n").map((l) => l.split(" ")[0] ?? "");
}

describe("kubernetes data plane: the seed lab over VXLAN between two machines", { skip: skipUnlessRoot }, () => {
  before(async () => {
    const taken = (await netnsList()).filter((n) => n.startsWith("k8dp-") || n.startsWith(`wl_${LAB}_`));
    assert.deepEqual(taken, [], "namespaces of an earlier run are still there");
    RUNTIMES.k8local = machinesRuntime(PLACEMENT);
    await buildMachines();
    const seed = await loadTopology(path.join(EXAMPLES, "seed-ebgp.yml"));
    lab = { ...seed, name: LAB, nodes: seed.nodes.map((n) => ({ ...n, runtime: { name: "k8local" } })) };
    await deployLab(lab, { timeoutMs: 60_000 });
  });

  after(async () => {
    const state = await readState(LAB);
    if (state) await destroyLab(state);
    await removeMachines();
    delete RUNTIMES.k8local;
    assert.deepEqual(await waitNoLeftovers(LAB), []);
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
      const r = await run("ip", ["-n", UNDERLAY_NS, "-s", "-j", "link", "show", "dev", "m2"]);
      return (JSON.parse(r.stdout) as { stats64: { tx: { packets: number } } }[])[0]?.stats64.tx.packets ?? 0;
    };
    const before = await counters();
    await inNode(LAB, "ops1", ["ping", "-c", "5", "-i", "0.2", "-W", "1", "192.168.102.2"]);
    // Each echo and each reply passes ops2, on machine 2: 5 × 2 frames towards it at least.
    const sent = (await counters()) - before;
    assert.ok(sent >= 10, `${sent} frames towards machine 2`);
  });
});
