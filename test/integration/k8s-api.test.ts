// The kubernetes runtime's conversation with a cluster, against an in-process API server
// (k8s-fake-api.ts): deploy creates the lab's Namespace, ConfigMaps and Pods, waits for
// them to run, builds the VXLAN cables, addresses and FRR inside them through exec, and
// destroy deletes the namespace and waits until it is gone. Each failure a cluster can
// answer with is a clear message, and leaves nothing behind, here or in the "cluster".
// No live cluster is used: the API server is the one thing faked.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import type { Lab } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { teardownKubernetes } from "../../src/runtimes/kubernetes/destroy.js";
import { loadTopology } from "../../src/topology/load.js";
import { EXAMPLES, skipUnlessRoot } from "./helpers.js";
import { FakeKubeApi, type FakeOptions, selfSignedCert, type Tls } from "./k8s-fake-api.js";
import { labLeftovers } from "./k8s-machines.js";

let dir: string;
let tls: Tls;
let api: FakeKubeApi | undefined;
const savedKubeconfig = process.env.KUBECONFIG;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "k8api-"));
  tls = await selfSignedCert(dir);
});
after(async () => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** The seed lab on kubernetes under a test name (k8…), talking to a fresh fake API server. */
async function setup(name: string, opts: FakeOptions = {}): Promise<{ lab: Lab; api: FakeKubeApi }> {
  api = new FakeKubeApi(tls, opts);
  await api.start();
  // One file per test: a process keeps its API client per KUBECONFIG and context.
  process.env.KUBECONFIG = await api.kubeconfig(dir, `kubeconfig-${name}`);
  const lab = { ...(await loadTopology(path.join(EXAMPLES, "seed-ebgp-k8s.yml"))), name };
  return { lab, api };
}

/** Nothing of the lab on this host, and nothing in the cluster. */
async function assertClean(lab: string, fake: FakeKubeApi): Promise<void> {
  assert.deepEqual(await labLeftovers(lab), []);
  assert.equal(await readState(lab), undefined);
  assert.deepEqual([...fake.namespaces.keys()], []);
  assert.deepEqual(fake.invalid, []);
}

const deploy = (lab: Lab) => deployLab(lab, { wait: false });

describe("kubernetes runtime against an API server", { skip: skipUnlessRoot }, () => {
  test("deploy: namespace, configs, pods, then cables, addresses and FRR inside the pods; destroy deletes the namespace and waits", async () => {
    const { lab, api } = await setup("k8api", { podMtu: 1450 });
    await deploy(lab);
    const ns = api.namespaces.get("wl-k8api");
    assert.equal(ns?.metadata.labels["wirelab.lab"], "k8api");
    assert.deepEqual(
      [...api.configMaps.keys()],
      ["wl-k8api/ops1-config", "wl-k8api/ops2-config", "wl-k8api/ops3-config"],
    );
    assert.deepEqual([...api.pods.keys()], ["wl-k8api/ops1", "wl-k8api/ops2", "wl-k8api/ops3"]);
    assert.deepEqual(api.invalid, []);
    // RBAC asked before anything was created.
    const firstCreate = api.requests.findIndex((r) => r.method === "POST" && r.path === "/api/v1/namespaces");
    const reviews = api.requests.filter((r, i) => i < firstCreate && r.path.endsWith("/selfsubjectaccessreviews"));
    assert.equal(reviews.length, 9);

    const ip = (pod: string) => api.pods.get(`wl-k8api/${pod}`)?.status.podIP as string;
    const ran = (pod: string) => api.execs.filter((e) => e.pod === pod).map((e) => e.argv.join(" "));
    // The pod network's MTU 1450 measured, less VXLAN's 50, on every cable.
    assert.deepEqual(ran("ops2").slice(0, 3).sort(), [
      "ip -j addr show",
      `ip link add name 1 mtu 1400 type vxlan id 10000 local ${ip("ops2")} remote ${ip("ops1")} dstport 14789`,
      `ip link add name 2 mtu 1400 type vxlan id 10001 local ${ip("ops2")} remote ${ip("ops3")} dstport 14789`,
    ]);
    assert.deepEqual(ran("ops1"), [
      "ip -j addr show",
      `ip link add name 1 mtu 1400 type vxlan id 10000 local ${ip("ops1")} remote ${ip("ops2")} dstport 14789`,
      "ip link set dev lo up",
      "ip addr add 192.168.101.1/24 dev 1",
      "ip link set dev 1 up",
      "install -d -o frr -g frr -m 0755 /var/run/frr /run/wirelab/labs/k8api/nodes/ops1/log",
      "/usr/lib/frr/zebra -d -f /dev/null -P 0",
      "/usr/lib/frr/staticd -d -f /dev/null -P 0",
      "/usr/lib/frr/bgpd -d -f /dev/null -P 0",
      "vtysh -f /run/wirelab/labs/k8api/nodes/ops1/frr.conf",
    ]);
    // The context used is recorded: destroy asks the same cluster.
    const state = await readState("k8api");
    assert.equal(state?.runtime, "kubernetes");
    assert.ok(state?.model.nodes.every((n) => n.runtime.kubernetes?.context === "fake"));

    const report = await destroyLab(state as NonNullable<typeof state>);
    assert.equal(report.containers, 3);
    const del = api.requests.find((r) => r.method === "DELETE");
    assert.equal(del?.path, "/api/v1/namespaces/wl-k8api");
    assert.equal(del?.query.get("propagationPolicy"), "Foreground");
    // Waited on the API: read until it answered 404.
    const reads = api.requests.filter(
      (r, i) =>
        r.method === "GET" && r.path === "/api/v1/namespaces/wl-k8api" && i > api.requests.indexOf(del as never),
    );
    assert.ok(reads.length >= 3, `read ${reads.length} times after the delete`);
    await assertClean("k8api", api);
  });

  test("no cluster reachable: said with the server and the context; nothing made", async () => {
    const { lab, api } = await setup("k8down");
    const url = api.url;
    await api.close();
    await assert.rejects(deploy(lab), (e: Error) => {
      assert.equal(e.name, "DeployError");
      assert.match(
        e.message,
        new RegExp(`no Kubernetes API server answers at ${url} \\(context fake\\): .*ECONNREFUSED`),
      );
      return true;
    });
    assert.equal(await readState("k8down"), undefined);
    assert.deepEqual(await labLeftovers("k8down"), []);
  });

  test("no kubeconfig at all: said, with where it was looked for", async () => {
    const { lab } = await setup("k8none");
    process.env.KUBECONFIG = path.join(dir, "missing");
    await assert.rejects(deploy(lab), /no Kubernetes cluster is configured: no file of KUBECONFIG=.*missing exists/);
    assert.equal(await readState("k8none"), undefined);
  });

  test("credentials refused (401): said with the server and the context; nothing made", async () => {
    const { lab, api } = await setup("k8auth");
    process.env.KUBECONFIG = await api.kubeconfig(dir, "kubeconfig-k8auth-bad", "not-the-token");
    await assert.rejects(
      deploy(lab),
      /the API server at https:\/\/127.0.0.1:\d+ refused the credentials of context fake \(401 Unauthorized\)/,
    );
    await assertClean("k8auth", api);
  });

  test("403 up front: the missing RBAC verbs are listed before anything is created", async () => {
    const { lab, api } = await setup("k8rbac", {
      deny: new Set(["delete namespaces", "create pods/exec", "list pods"]),
    });
    await assert.rejects(deploy(lab), (e: Error) => {
      assert.match(
        e.message,
        /does not allow this user to delete namespaces \(cluster-wide\); list pods, create pods\/exec \(in namespace wl-k8rbac\): wirelab needs these RBAC verbs; bind the ClusterRole of docs\/kubernetes.md/,
      );
      return true;
    });
    assert.equal(
      api.requests.filter((r) => r.method === "POST" && !r.path.includes("selfsubjectaccessreviews")).length,
      0,
    );
    await assertClean("k8rbac", api);
  });

  test("403 half-way (a permission taken away after the check): named, and what was made is deleted", async () => {
    const { lab, api } = await setup("k8revoke");
    api.onNamespaceCreated = () => api.deny.add("create pods");
    await assert.rejects(deploy(lab), (e: Error) => {
      assert.match(
        e.message,
        /create pod wl-k8revoke\/ops\d: pods is forbidden: User "wirelab" cannot create resource "pods" .*\(HTTP 403 Forbidden\); .*create pods \(in namespace wl-k8revoke\)/,
      );
      return true;
    });
    assert.ok(api.requests.some((r) => r.method === "DELETE" && r.path === "/api/v1/namespaces/wl-k8revoke"));
    await assertClean("k8revoke", api);
  });

  test("image pull back-off: the node, the image and the kubelet's reason; rolled back", async () => {
    const { lab, api } = await setup("k8pull", {
      fate: (pod) =>
        pod.metadata.name === "ops2"
          ? { imagePull: 'Back-off pulling image "wirelab-test/frr:latest"' }
          : { run: true },
    });
    await assert.rejects(
      deploy(lab),
      /pod wl-k8pull\/ops2: image wirelab-test\/frr:latest cannot be pulled \(ImagePullBackOff: Back-off pulling image "wirelab-test\/frr:latest"\); load it into the cluster's machines/,
    );
    await assertClean("k8pull", api);
  });

  test("unschedulable: the resource is named with what the pod requests; rolled back", async () => {
    const { lab, api } = await setup("k8sched", {
      fate: () => ({
        unschedulable:
          "0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
      }),
    });
    await assert.rejects(
      deploy(lab),
      /pod wl-k8sched\/ops\d: no machine of the cluster can run it, short of memory \(the pod requests \d+Mi\): 0\/2 nodes are available: 2 Insufficient memory/,
    );
    await assertClean("k8sched", api);
  });

  test("a forwarding sysctl the kubelet does not allow: said with the kubelet flag; rolled back", async () => {
    const { lab, api } = await setup("k8sysctl", {
      fate: () => ({ sysctlForbidden: 'Pod forbidden sysctl: "net.ipv4.ip_forward" not allowlisted' }),
    });
    await assert.rejects(
      deploy(lab),
      /SysctlForbidden: Pod forbidden sysctl: "net.ipv4.ip_forward" not allowlisted; the kubelet must allow these sysctls \(--allowed-unsafe-sysctls/,
    );
    await assertClean("k8sysctl", api);
  });

  test("a command failing in a pod stops the deploy with the command and its output; rolled back", async () => {
    const { lab, api } = await setup("k8cmd", {
      exec: (pod, argv) =>
        pod === "ops3" && argv[1] === "link" && argv[2] === "add"
          ? { code: 2, stderr: "Error: Unknown device type.\n" }
          : undefined,
    });
    await assert.rejects(
      deploy(lab),
      /pod wl-k8cmd\/ops3: ip link add name 1 mtu 1400 type vxlan .* failed \(exit 2\): Error: Unknown device type\./,
    );
    await assertClean("k8cmd", api);
  });

  test("a namespace of the same name that is not the lab's: deploy refuses, destroy leaves it alone", async () => {
    const { lab, api } = await setup("k8taken");
    const theirs = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "wl-k8taken", labels: {} },
      status: { phase: "Active" },
    };
    api.namespaces.set("wl-k8taken", theirs);
    await assert.rejects(
      deploy(lab),
      /namespace wl-k8taken already exists on context fake and is not this lab's; choose another with --namespace/,
    );
    const state = {
      version: 1,
      name: "k8taken",
      runtime: "kubernetes",
      phase: "running",
      createdAt: "",
      updatedAt: "",
      pid: 0,
      nodes: [],
      model: lab,
    } as const;
    const r = await teardownKubernetes({ ...state, nodes: [] });
    assert.match(
      r.warning ?? "",
      /namespace wl-k8taken \(context fake\) is not lab 'k8taken''s \(no label wirelab.lab=k8taken\): left alone/,
    );
    assert.equal(api.namespaces.get("wl-k8taken"), theirs);
    assert.equal(api.requests.filter((r) => r.method === "DELETE").length, 0);
    assert.deepEqual(await labLeftovers("k8taken"), []);
  });

  test("exec refused half-way (403 on pods/exec): named with the missing verbs; rolled back", async () => {
    const { lab, api } = await setup("k8exec");
    api.onNamespaceCreated = () => api.deny.add("create pods/exec");
    await assert.rejects(
      deploy(lab),
      /exec in pod wl-k8exec\/ops\d: .*does not allow this user to create pods\/exec \(in namespace wl-k8exec\)/,
    );
    await assertClean("k8exec", api);
  });

  test("deploy waits for BGP through the pods' own vtysh (exec), as for containers", async () => {
    const bgp = (lab: Lab, pod: string) => {
      const n = lab.nodes.find((x) => x.name === pod);
      const peers = Object.fromEntries(
        (n?.intents.bgp?.neighbors ?? []).map((p) => [p.address, { remoteAs: p.remoteAs, bgpState: "Established" }]),
      );
      return JSON.stringify(peers);
    };
    let labRef: Lab | undefined;
    const { lab, api } = await setup("k8ready", {
      exec: (pod, argv) =>
        argv.join(" ") === "vtysh -c show bgp neighbors json" && labRef
          ? { code: 0, stdout: bgp(labRef, pod) }
          : undefined,
    });
    labRef = lab;
    const result = await deployLab(lab, { wait: true, timeoutMs: 20_000 });
    assert.equal(result.bgp?.established, 4);
    assert.equal(result.bgp?.timedOut, false);
    assert.ok(api.execs.some((e) => e.argv.join(" ") === "vtysh -c show bgp neighbors json"));
    const state = await readState("k8ready");
    await destroyLab(state as NonNullable<typeof state>);
    await assertClean("k8ready", api);
  });
});
