// The docker runtime's pure parts: capabilities from the bounding set, where each node runs
// and with which image, and the plan of a lab mixing namespaces and containers.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { nodeExecArgv } from "../../src/core/exec.js";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import { renderPlan, type Step } from "../../src/core/plan.js";
import { capsFromMask, planCaps } from "../../src/runtimes/docker/caps.js";
import { configLines } from "../../src/stacks/frr/start.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

describe("capabilities", () => {
  test("a full bounding set means --privileged", () => {
    const p = planCaps("000001ffffffffff", 40);
    assert.equal(p.privileged, true);
    assert.equal(p.note, undefined);
  });

  test("a bounding set without CAP_SYS_RESOURCE gives an explicit list and says so", () => {
    const p = planCaps("000001fffeffffff", 40);
    assert.equal(p.privileged, false);
    assert.deepEqual(p.missing, ["SYS_RESOURCE"]);
    assert.ok(p.capAdd.includes("NET_ADMIN") && p.capAdd.includes("SYS_ADMIN"));
    assert.ok(!p.capAdd.includes("SYS_RESOURCE"));
    assert.equal(p.capAdd.length, 40);
    assert.match(p.note ?? "", /refuses --privileged .*CAP_SYS_RESOURCE/);
  });

  test("capabilities beyond the kernel's last one are not asked for", () => {
    const { have, missing } = capsFromMask("3fffffffff", 37);
    assert.equal(have.length, 38);
    assert.deepEqual(missing, []);
  });

  test("a host without NET_ADMIN cannot run routers", () => {
    assert.throws(() => planCaps("000001ffffffefff", 40), /CAP_NET_ADMIN/);
  });
});

describe("runtime and image per node", () => {
  const load = (text: string) => parseTopology(text, "t.yml");

  test("the lab's runtime applies to routers and hosts, not to bridges", () => {
    const lab = load(`
name: t
runtime: docker
defaults: { image: img:1 }
nodes:
  r1: {}
  h1: { kind: linux }
  br: { kind: bridge }
links: [[r1:1, br], [h1:eth0, br]]
`);
    const [r1, h1, br] = lab.nodes;
    assert.deepEqual(r1?.runtime.container, { image: "img:1", init: "wirelab" });
    assert.equal(h1?.runtime.container?.image, "img:1");
    assert.equal(br?.runtime.container, undefined);
  });

  test("node, then kinds, then defaults; a node may stay a namespace", () => {
    const lab = load(`
name: t
defaults: { runtime: docker, image: d:1 }
kinds:
  linux: { image: k:1, cmd: [sleep, infinity] }
nodes:
  r1: { image: n:1 }
  r2: {}
  h1: { kind: linux }
  r3: { runtime: netns }
links: [[r1:1, r2:1], [r2:2, h1:eth0], [r3:1, r1:2]]
`);
    const byName = new Map(lab.nodes.map((n) => [n.name, n]));
    assert.equal(byName.get("r1")?.runtime.container?.image, "n:1");
    assert.equal(byName.get("r2")?.runtime.container?.image, "d:1");
    assert.equal(byName.get("h1")?.runtime.container?.image, "k:1");
    assert.deepEqual(byName.get("h1")?.runtime.container?.cmd, ["sleep", "infinity"]);
    assert.equal(byName.get("r3")?.runtime.container, undefined);
  });

  test("openswitch is an frr router in a container with its ports in swns", async () => {
    const lab = parseTopology(await readFile(example("seed-openswitch.yml"), "utf8"), "seed-openswitch.yml");
    for (const n of lab.nodes) {
      assert.equal(n.kind, "openswitch");
      assert.equal(n.role, "router");
      assert.equal(n.stack?.name, "frr");
      assert.deepEqual(n.runtime, {
        name: "docker",
        container: { image: "wirelab-test/frr-swns:latest", init: "image", portNamespace: "swns" },
      });
      assert.ok((n.stack?.options.daemons as string[] | undefined)?.includes("bgpd"));
    }
  });

  test("errors point at the place in the file", () => {
    const cases: [string, RegExp][] = [
      ["name: t\nnodes:\n  a: { runtime: docker }\n", /^t\.yml:3:3: node 'a' runs in Docker .* has no image/],
      [
        "name: t\nruntime: docker\ndefaults: { runtime: netns }\nnodes: { a: {} }\n",
        /^t\.yml:3:22: runtime is given twice/,
      ],
      [
        "name: t\nkinds: { frrr: { image: x } }\nnodes: { a: {} }\n",
        /^t\.yml:2:10: unknown kind 'frrr' in kinds \(did you mean 'frr'\?\)/,
      ],
      ["name: t\nnodes:\n  b: { kind: bridge, runtime: docker }\n", /^t\.yml:3:31: bridge 'b' is a Linux bridge/],
      [
        "name: t\nnodes:\n  a: { cmd: [x] }\n",
        /^t\.yml:3:8: node 'a' runs in a namespace .* 'cmd' applies only to container nodes/,
      ],
      [
        "name: t\nruntime: docker\ndefaults: { image: i }\nmanagement: { subnet: 10.0.0.1/24 }\nnodes: { a: {} }\n",
        /^t\.yml:4:23: invalid management subnet/,
      ],
    ];
    for (const [text, re] of cases) {
      assert.throws(
        () => load(text),
        (e: unknown) => e instanceof TopologyError && re.test(e.message),
        `${JSON.stringify(text)} should fail with ${re}`,
      );
    }
  });

  test("management: true on a lab with containers; ignored without any", () => {
    const on = load("name: t\nruntime: docker\ndefaults: { image: i }\nmanagement: true\nnodes: { a: {} }\n");
    assert.deepEqual(on.management, {});
    const off = load("name: t\nmanagement: { subnet: 172.30.0.0/24 }\nnodes: { a: {} }\n");
    assert.equal(off.management, undefined);
  });
});

describe("the plan of a mixed lab", async () => {
  const lab = parseTopology(await readFile(example("mixed-docker.yml"), "utf8"), "mixed-docker.yml");
  const configs = new Map(lab.nodes.map((n) => [n.name, { node: n.name, text: `hostname ${n.name}\n`, warnings: [] }]));
  const plan = buildLabPlan(lab, configs, { dryRun: true });
  const phase = (name: string) => plan.phases.find((p) => p.name === name);
  // The node a group works on, by the namespace name its steps use; API calls marked.
  const owners = (name: string) =>
    (phase(name)?.groups ?? []).map((g) => {
      const node = /(?:wl_mixed_|nodes\/)(r\d+)\b/.exec(JSON.stringify(g))?.[1] ?? "?";
      return g[0]?.type === "call" ? `call:${node}` : node;
    });

  test("phases in order; namespaces only for the netns node", () => {
    assert.equal(plan.runtime, "docker");
    assert.deepEqual(
      plan.phases.map((p) => p.name),
      ["namespaces", "containers", "hostnames", "cables", "ports", "interfaces", "routing"],
    );
    const ns = (phase("namespaces")?.groups ?? []).flat() as Step[];
    assert.deepEqual(
      ns.flatMap((s) => (s.type === "ip" ? s.lines : [])),
      ["netns add wl_mixed_r1"],
    );
    assert.equal(phase("containers")?.groups.length, 2);
    assert.deepEqual(owners("hostnames"), ["r1"]);
    assert.equal(phase("ports")?.groups.length, 1, "r3 keeps its ports in swns");
    assert.deepEqual(owners("interfaces"), ["r1", "r2", "r3"], "addresses through the namespace names, all nodes");
    assert.deepEqual(owners("routing"), ["r1", "call:r2", "call:r3"]);
  });

  test("cables are the netns runtime's, straight into each container's namespace", () => {
    const lines = ((phase("cables")?.groups ?? []).flat() as Step[]).flatMap((s) => (s.type === "ip" ? s.lines : []));
    const bare = lines.map((l) => l.replace(/ address [0-9a-f:]{17}/g, ""));
    assert.ok(bare.includes("link add name 1 netns wl_mixed_r1 type veth peer name 1 netns wl_mixed_r2"));
    assert.ok(bare.includes("link add name 2 netns wl_mixed_r2 type veth peer name 1 netns wl_mixed_r3"));
  });

  test("state records each container", () => {
    const r3 = plan.nodes.find((n) => n.name === "r3");
    assert.deepEqual(r3?.container, {
      name: "wl_mixed_r3",
      image: "wirelab-test/frr-swns:latest",
      portNamespace: "swns",
    });
    assert.equal(r3?.kind, "openswitch");
    assert.equal(plan.nodes.find((n) => n.name === "r1")?.container, undefined);
  });

  test("the dry run names the Docker steps and the seed's port move", () => {
    const text = renderPlan(plan);
    assert.match(text, /^# wirelab plan for lab 'mixed' \(docker runtime\)/);
    assert.match(text, /ip netns attach wl_mixed_r2 <PID of wl_mixed_r2>/);
    assert.match(text, /ip link set 1 netns swns/);
    assert.match(text, /vtysh -c 'configure terminal'/);
  });

  test("exec enters a container through its bound namespaces; a netns node as before", () => {
    const [r1, r2] = lab.nodes;
    assert.deepEqual(nodeExecArgv("mixed", r2 as never, ["vtysh", "-c", "show ip bgp"]), [
      "nsenter",
      "--net=/run/netns/wl_mixed_r2",
      "--uts=/run/wirelab/labs/mixed/nodes/r2/uts",
      "--mount=/run/wirelab/labs/mixed/nodes/r2/mnt",
      "--pid=/run/wirelab/labs/mixed/nodes/r2/pidns",
      "--",
      "vtysh",
      "-c",
      "show ip bgp",
    ]);
    assert.ok(nodeExecArgv("mixed", r1 as never, ["vtysh"]).includes("-N"));
  });
});

test("config lines for an image's vtysh drop comments and FRR's start-up header", () => {
  const text =
    "frr defaults datacenter\nhostname ops1\nlog file /x/frr.log informational\n!\n! comment\nrouter bgp 1\n neighbor 1.1.1.1 remote-as 2\n\n";
  assert.deepEqual(configLines(text), ["hostname ops1", "router bgp 1", " neighbor 1.1.1.1 remote-as 2"]);
});
