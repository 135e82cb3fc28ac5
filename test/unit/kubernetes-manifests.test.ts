// The kubernetes runtime's manifests: what deploy creates through the API and `deploy
// --dry-run -o` writes. Checked three ways: against the Kubernetes OpenAPI schemas
// (kubernetes-models' validate(): types, required fields, enums), field by field against
// the API's generated models (no field the API server would silently drop), and against a
// golden file for the seed lab.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ClusterRole, ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { ConfigMap, Namespace, Pod } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";
import { prepareConfigs } from "../../src/core/lifecycle/deploy.js";
import type { Lab } from "../../src/core/model.js";
import { nodeCapabilities } from "../../src/runtimes/docker/caps.js";
import { labManifests, renderManifests } from "../../src/runtimes/kubernetes/manifests.js";
import { clusterRoleYaml, PERMISSIONS, permissionText } from "../../src/runtimes/kubernetes/rbac.js";
import { frrMemoryMb } from "../../src/stacks/frr/memory.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";
import { unknownFields } from "./k8s-strict.js";

const ROOT = new URL("../../", import.meta.url);
const example = (name: string) => fileURLToPath(new URL(`examples/${name}`, ROOT));
const GOLDEN = fileURLToPath(new URL("test/golden/kubernetes/seed-ebgp-k8s.yaml", ROOT));

async function seedManifests(): Promise<{ lab: Lab; text: string }> {
  const lab = await loadTopology(example("seed-ebgp-k8s.yml"));
  const configs = await prepareConfigs(lab);
  return { lab, text: renderManifests(lab, labManifests(lab, lab.nodes, configs)) };
}

describe("manifests of examples/seed-ebgp-k8s.yml", () => {
  test("match the golden file (multi-document YAML, kubectl-apply ready)", async () => {
    const { text } = await seedManifests();
    assert.equal(text, readFileSync(GOLDEN, "utf8"));
  });

  test("every object is valid against the Kubernetes schemas and has no field the API would drop", async () => {
    const { text } = await seedManifests();
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    assert.deepEqual(
      docs.map((d) => `${d.kind}/${d.metadata.name}`),
      [
        "Namespace/wl-seed-k8s",
        ...["ops1", "ops2", "ops3"].map((n) => `ConfigMap/${n}-config`),
        ...["ops1", "ops2", "ops3"].map((n) => `Pod/${n}`),
      ],
    );
    const classes = { Namespace, ConfigMap, Pod } as const;
    for (const d of docs) {
      const Model = classes[d.kind as keyof typeof classes];
      new Model(d as never).validate(); // throws on a schema violation
      assert.deepEqual(unknownFields(d, `V1${d.kind}`), [], `${d.kind}/${d.metadata.name}`);
    }
  });

  test("the strict check does catch a misspelt field (so the one above can fail)", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      spec: { containers: [{ name: "c", image: "i", securityContex: {} }] },
    };
    assert.deepEqual(unknownFields(pod, "V1Pod"), [".spec.containers[0].securityContex"]);
    assert.throws(
      () =>
        new Pod({ metadata: { name: "x" }, spec: { containers: [{ name: "c" }], hostname: 5 } } as never).validate(),
      /hostname must be string/,
    );
  });

  test("each pod: one container, the node's image, hostname, labels, the Docker runtime's capabilities, memory from its stack, its config mounted where FRR reads it", async () => {
    const { lab } = await seedManifests();
    const configs = await prepareConfigs(lab);
    const m = labManifests(lab, lab.nodes, configs);
    for (const [i, node] of lab.nodes.entries()) {
      const pod = m.pods[i];
      const c = pod?.spec?.containers[0];
      assert.equal(pod?.spec?.hostname, node.name);
      assert.deepEqual(pod?.metadata?.labels, {
        "wirelab.lab": "seed-k8s",
        "wirelab.node": node.name,
        "wirelab.kind": "frr",
      });
      assert.equal(c?.image, "wirelab-test/frr:latest");
      assert.deepEqual(c?.securityContext?.capabilities, { drop: ["ALL"], add: nodeCapabilities(node) });
      // The API refuses allowPrivilegeEscalation: false next to CAP_SYS_ADMIN (routers need it).
      assert.equal(c?.securityContext?.allowPrivilegeEscalation, undefined);
      // The stack's estimate, whole MB up: zebra, staticd, bgpd and 0.7 MB per BGP peer.
      assert.deepEqual(c?.resources?.requests, { memory: `${Math.ceil(frrMemoryMb(node))}Mi` });
      assert.match(String(c?.resources?.requests?.memory), /^(29|30)Mi$/);
      assert.equal(c?.volumeMounts?.[0]?.mountPath, configs.get(node.name)?.file);
      assert.equal(m.configMaps[i]?.data?.["frr.conf"], configs.get(node.name)?.text);
      assert.equal(pod?.spec?.restartPolicy, "Never");
    }
    assert.equal(m.namespace.metadata?.labels?.["wirelab.lab"], "seed-k8s");
  });
});

describe("manifests of other nodes", () => {
  const lab = parseTopology(
    `
name: k8m
runtime: kubernetes
defaults: { image: img:1 }
kubernetes: { namespace: labs-a, context: kind-a }
nodes:
  r1: { node-selector: { kubernetes.io/hostname: worker1 } }
  h1: { kind: linux }
  big: { privileged: true, cmd: [/sbin/init] }
links: [[r1:e1, h1:e1], [r1:e2, big:e1]]
`,
    "t.yml",
  );
  const m = labManifests(lab, lab.nodes);
  const [r1, h1, big] = m.pods;

  test("a host: network capabilities only, no privilege escalation, no memory request, no sysctls", () => {
    const c = h1?.spec?.containers[0];
    assert.deepEqual(c?.securityContext, {
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] },
      seccompProfile: { type: "RuntimeDefault" },
      allowPrivilegeEscalation: false,
    });
    assert.equal(c?.resources, undefined);
    assert.equal(c?.command, undefined);
    assert.equal(h1?.spec?.securityContext, undefined);
  });

  test("a router: forwarding sysctls in the pod's spec (its /proc/sys is read-only), the keep-alive command, its nodeSelector", () => {
    assert.deepEqual(
      r1?.spec?.securityContext?.sysctls?.map((s) => `${s.name}=${s.value}`),
      ["net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.keep_addr_on_down=1"],
    );
    assert.equal(r1?.spec?.containers[0]?.command?.[0], "/bin/sh");
    assert.deepEqual(r1?.spec?.nodeSelector, { "kubernetes.io/hostname": "worker1" });
  });

  test("privileged: true is a privileged container with its own command; the topology's namespace is used", () => {
    assert.deepEqual(big?.spec?.containers[0]?.securityContext, { privileged: true });
    assert.deepEqual(big?.spec?.containers[0]?.command, ["/sbin/init"]);
    assert.equal(m.namespace.metadata?.name, "labs-a");
    assert.ok(m.pods.every((p) => p.metadata?.namespace === "labs-a"));
    for (const p of m.pods) {
      new Pod(p as never).validate();
      assert.deepEqual(unknownFields(p, "V1Pod"), []);
    }
    assert.equal(lab.nodes[0]?.runtime.kubernetes?.context, "kind-a");
  });
});

describe("RBAC", () => {
  test("docs/kubernetes.md ships the ClusterRole of exactly the verbs deploy checks for, valid for the API", () => {
    const docs = readFileSync(fileURLToPath(new URL("docs/kubernetes.md", ROOT)), "utf8");
    const yaml = clusterRoleYaml();
    assert.ok(docs.includes(`\`\`\`yaml\n${yaml}\`\`\``), "docs/kubernetes.md must hold clusterRoleYaml() verbatim");
    const [role, binding] = parseAllDocuments(yaml).map((d) => d.toJS());
    new ClusterRole(role).validate();
    new ClusterRoleBinding(binding).validate();
    const granted = (role.rules as { resources: string[]; verbs: string[] }[]).flatMap((r) =>
      r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}`)),
    );
    assert.deepEqual(granted.sort(), PERMISSIONS.map(permissionText).sort());
  });
});
