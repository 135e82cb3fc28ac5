// `runtime: kubernetes` in a topology: what it accepts and refuses (with file:line:col),
// deploy's --runtime, and its plan: VXLAN cables instead of veths, the same ip commands
// inside the pods, placeholders for what only the cluster knows.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import { renderPlan } from "../../src/core/plan.js";
import { vxlanArgs } from "../../src/links/vxlan.js";
import { applyRuntimeOptions } from "../../src/runtimes/index.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
const load = (text: string) => parseTopology(text, "t.yml");
const base = "name: k8t\nruntime: kubernetes\ndefaults: { image: img:1 }\n";

describe("topology", () => {
  const refusals: [string, RegExp][] = [
    [`${base}nodes:\n  R1: {}\n`, /^t\.yml:5:3: node 'R1' runs on kubernetes.*lowercase/],
    [`${base}nodes:\n  r_1: {}\n`, /^t\.yml:5:3: node 'r_1' runs on kubernetes/],
    [
      "name: k8t\nruntime: kubernetes\nnodes:\n  r1: {}\n",
      /^t\.yml:4:3: node 'r1' runs in a Kubernetes pod \(runtime kubernetes\) but has no image/,
    ],
    [
      `${base}nodes:\n  r1: { port-namespace: swns }\n`,
      /^t\.yml:5:9: node 'r1': an inner port namespace \(swns\) is not supported on kubernetes/,
    ],
    [
      "name: k8t\nnodes:\n  r1: { node-selector: { a: b } }\n",
      /^t\.yml:3:9: node 'r1' runs on netns: 'node-selector' applies only to kubernetes nodes/,
    ],
    [`${base}management: true\nnodes:\n  r1: {}\n`, /^t\.yml:4:1: management: is a Docker network/],
    [
      `${base}nodes:\n  r1: {}\n  r2: {}\nlinks: [[r1:eth0, r2:1]]\n`,
      /port eth0 of node 'r1' clashes with its pod's own eth0/,
    ],
    [
      "name: K8t\nruntime: kubernetes\ndefaults: { image: i }\nnodes:\n  r1: {}\n",
      /^t\.yml:1:7: lab name 'K8t' cannot name a Kubernetes namespace/,
    ],
    [
      `${base}kubernetes: { underlay-mtu: 1400 }\nnodes:\n  r1: {}\n  r2: {}\nlinks:\n  - { endpoints: [r1:1, r2:1], mtu: 1400 }\n`,
      /port r1:1 asks for MTU 1400, but a VXLAN cable over an underlay of MTU 1400 carries at most 1350/,
    ],
    [`${base}kubernetes: { vxlan-port: 0 }\nnodes:\n  r1: {}\n`, /vxlan-port/],
  ];
  for (const [text, re] of refusals) {
    test(`refused: ${re.source.slice(0, 70)}`, () => {
      assert.throws(
        () => load(text),
        (e: Error) => {
          assert.match(e.message, re);
          return true;
        },
      );
    });
  }

  test("defaults: namespace wl-<lab>, VXLAN port 14789, VNIs from 10000; settings from the file", () => {
    const lab = load(`${base}nodes:\n  r1: {}\n`);
    assert.deepEqual(lab.kubernetes, { vxlanPort: 14789, vniBase: 10000 });
    assert.deepEqual(lab.nodes[0]?.runtime.kubernetes, {});
    const set = load(
      `${base}kubernetes: { vxlan-port: 4790, vni-base: 7, underlay-mtu: 9000, namespace: x }\nnodes:\n  r1: {}\n`,
    );
    assert.deepEqual(set.kubernetes, { vxlanPort: 4790, vniBase: 7, underlayMtu: 9000 });
    assert.deepEqual(set.nodes[0]?.runtime.kubernetes, { namespace: "x" });
  });

  test("deploy --runtime kubernetes runs a file's nodes as pods (bridges stay namespaces); unknown runtimes are refused", async () => {
    const lab = await loadTopology(example("seed-ebgp-docker.yml"), { runtime: "kubernetes" });
    assert.deepEqual(
      lab.nodes.map((n) => n.runtime.name),
      ["kubernetes", "kubernetes", "kubernetes"],
    );
    await assert.rejects(
      loadTopology(example("seed-ebgp.yml"), { runtime: "kubernetes" }),
      /runs in a Kubernetes pod \(runtime kubernetes\) but has no image/,
    );
    await assert.rejects(
      loadTopology(example("seed-ebgp.yml"), { runtime: "k8s" as never }),
      /unknown runtime 'k8s' \(known: netns, docker, kubernetes\)/,
    );
  });

  test("--context and --namespace go onto every pod; a runtime without a cluster takes none", () => {
    const lab = load(`${base}nodes:\n  r1: {}\n  r2: {}\n`);
    assert.equal(applyRuntimeOptions(lab, { context: "kind-x", namespace: "lab-x" }), true);
    assert.deepEqual(
      lab.nodes.map((n) => n.runtime.kubernetes),
      [
        { context: "kind-x", namespace: "lab-x" },
        { context: "kind-x", namespace: "lab-x" },
      ],
    );
    assert.throws(() => applyRuntimeOptions(lab, { namespace: "Bad_Name" }), /--namespace Bad_Name/);
    assert.equal(applyRuntimeOptions(load("name: n\nnodes:\n  r1: {}\n"), { context: "x" }), false);
  });
});

describe("plan", () => {
  const configs = (names: string[]) =>
    new Map(
      names.map((n) => [
        n,
        { node: n, text: `hostname ${n}\n`, warnings: [], file: `/run/wirelab/labs/k8t/nodes/${n}/frr.conf` },
      ]),
    );

  test("cables are VXLAN tunnels made inside both pods, one VNI per link, never veths", () => {
    const lab = load(
      `${base}kubernetes: { underlay-mtu: 1500 }\nnodes:\n  r1: {}\n  r2: {}\n  r3: {}\nlinks: [[r1:1, r2:1], [r2:2, r3:1]]\n`,
    );
    const text = renderPlan(buildLabPlan(lab, configs(["r1", "r2", "r3"]), { dryRun: true }));
    const cables = text.split("# --- cables")[1]?.split("# ---")[0] ?? "";
    assert.doesNotMatch(cables, /veth/);
    assert.deepEqual(
      cables.split("\n").filter((l) => l.startsWith("ip ")),
      [
        "ip link add name 1 mtu 1450 type vxlan id 10000 local <pod IP of r1> remote <pod IP of r2> dstport 14789",
        "ip link add name 1 mtu 1450 type vxlan id 10000 local <pod IP of r2> remote <pod IP of r1> dstport 14789",
        "ip link add name 2 mtu 1450 type vxlan id 10001 local <pod IP of r2> remote <pod IP of r3> dstport 14789",
        "ip link add name 1 mtu 1450 type vxlan id 10001 local <pod IP of r3> remote <pod IP of r2> dstport 14789",
      ],
    );
    // The node's own setup: the netns runtime's ip lines, run in the pod one by one.
    assert.match(
      text,
      /# inside pod wl-k8t\/r2 \(exec API\), one command each:\nip link set dev lo up\nip link set dev 1 up\nip link set dev 2 up\n/,
    );
  });

  test("a cable between a pod and a namespace node is refused, and veths still cable namespace nodes", () => {
    const mixed = load(`${base}nodes:\n  r1: {}\n  r2: { runtime: netns }\nlinks: [[r1:1, r2:1]]\n`);
    assert.throws(
      () => buildLabPlan(mixed, configs(["r1", "r2"]), { dryRun: true }),
      /r1 runs on kubernetes and r2 on netns; a cable joins two nodes of one runtime/,
    );
    const plain = load("name: n\nnodes:\n  r1: {}\n  r2: {}\nlinks: [[r1:1, r2:1]]\n");
    assert.match(
      renderPlan(buildLabPlan(plain, configs(["r1", "r2"]), { dryRun: true })),
      /type veth peer name 1 address [0-9a-f:]{17} netns wl_n_r2/,
    );
  });

  test("the tunnel's ip command", () => {
    assert.equal(
      vxlanArgs({ port: "eth1", vni: 42, local: "10.0.0.1", remote: "10.0.1.1", udpPort: 14789, mtu: 1450 }).join(" "),
      "link add name eth1 mtu 1450 type vxlan id 42 local 10.0.0.1 remote 10.0.1.1 dstport 14789",
    );
  });
});
