// containerlab topologies: the mapping into wirelab's model (test/fixtures/clab/), the
// warnings for what does not map and their positions, --strict, errors of wirelab's own
// validation pointing into the containerlab file, and `convert` output that loads back.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { prepareConfigs } from "../../src/core/lifecycle/deploy.js";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import { findNode, findPort, type Lab } from "../../src/core/model.js";
import { renderPlan } from "../../src/core/plan.js";
import {
  clabLabName,
  convertContainerlab,
  convertedYaml,
  type Diagnostic,
  isContainerlab,
} from "../../src/topology/containerlab/index.js";
import { parseDaemons, parseExec } from "../../src/topology/containerlab/lines.js";
import { TopologyError } from "../../src/topology/errors.js";
import {
  type LoadOptions,
  loadTopology,
  parseTopology,
  readTopologyDocument,
  readTopologyText,
} from "../../src/topology/load.js";

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/clab");
const SEED = path.join(DIR, "seed.clab.yml");
const BRIDGE = path.join(DIR, "bridge.clab.yml");
const TRIANGLE = path.join(DIR, "triangle.clab.yml");
const EXAMPLES = path.resolve(DIR, "../../../examples");

async function load(file: string, opts: LoadOptions = {}): Promise<{ lab: Lab; diags: Diagnostic[] }> {
  const diags: Diagnostic[] = [];
  const lab = await loadTopology(file, { ...opts, onDiagnostic: (d) => diags.push(d) });
  return { lab, diags };
}

function node(lab: Lab, name: string) {
  const n = findNode(lab, name);
  assert.ok(n, `node ${name}`);
  return n;
}

/** "line:col" of the `nth` occurrence (1-based) of `needle` in `text`. */
function posOf(text: string, needle: string, nth = 1): string {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${needle} occurs ${nth} times`);
  }
  const before = text.slice(0, at).split("\n");
  return `${before.length}:${(before[before.length - 1] ?? "").length + 1}`;
}

const where = (d: { pos?: { line: number; col: number } }) => `${d.pos?.line}:${d.pos?.col}`;

test("containerlab files are told apart from wirelab files; lab names are mapped", () => {
  assert.equal(isContainerlab({ name: "x", topology: { nodes: {} } }), true);
  assert.equal(isContainerlab({ name: "x", nodes: {} }), false);
  assert.equal(isContainerlab(null), false);
  assert.equal(clabLabName("srl_lab.v2"), "srl-lab-v2");
  assert.equal(clabLabName("_x"), "x");
  assert.equal(clabLabName("ok-name"), "ok-name");
  assert.equal(clabLabName("a".repeat(40)).length, 32);
});

test("seed: FRR routers from bound frr.conf and daemons files, hosts from exec lines", async () => {
  const { lab, diags } = await load(SEED);
  assert.equal(lab.name, "cl-seed");
  assert.deepEqual(
    lab.nodes.map((n) => [n.name, n.kind]),
    [
      ["ops1", "frr"],
      ["ops2", "frr"],
      ["ops3", "frr"],
      ["h1", "linux"],
      ["h3", "linux"],
    ],
  );
  const ops1 = node(lab, "ops1");
  assert.equal(ops1.stack?.config, readFileSync(path.join(DIR, "seed/ops1/frr.conf"), "utf8"));
  assert.deepEqual(ops1.stack?.options.daemons, ["zebra", "staticd", "bgpd"]);
  const h1 = node(lab, "h1");
  assert.deepEqual(findPort(h1, "eth1")?.addresses, ["10.0.1.10/24"]);
  assert.deepEqual(findPort(h1, "eth1")?.peer, { node: "ops1", port: "3" });
  assert.deepEqual(h1.intents.static, [{ to: "0.0.0.0/0", via: "10.0.1.1" }]);
  assert.equal(h1.forwarding, false);
  assert.equal(h1.runtime.name, "netns");
  assert.equal(lab.links.length, 4);
  // Notes only: the name and the management network; nothing is left out.
  assert.deepEqual(
    diags.map((d) => [d.severity, where(d)]),
    [
      ["note", "4:7"],
      ["note", "6:1"],
    ],
  );
  assert.match(diags[0]?.detail ?? "", /lab name 'cl_seed' becomes 'cl-seed'/);
  assert.match(diags[1]?.detail ?? "", /mgmt .* is ignored/);
  assert.ok(diags.every((d) => d.message.startsWith(`${SEED}:${d.pos.line}:${d.pos.col}: `)));
});

test("bridge: a bridge node with hosts; one warning per setting that does not map, at its position", async () => {
  const { lab, diags } = await load(BRIDGE);
  const text = readFileSync(BRIDGE, "utf8");
  assert.deepEqual(
    lab.nodes.map((n) => [n.name, n.kind, n.role]),
    [
      ["br1", "bridge", "bridge"],
      ["h1", "linux", "host"],
      ["h2", "linux", "host"],
      ["h3", "linux", "host"],
    ],
  );
  assert.deepEqual(
    node(lab, "br1").ports.map((p) => p.name),
    ["eth1", "eth2", "eth3"],
  );
  const eth1 = findPort(node(lab, "h1"), "eth1");
  assert.deepEqual(eth1?.addresses, ["10.10.0.1/24", "2001:db8:10::1/64"]);
  assert.equal(eth1?.mtu, 1400);
  assert.equal(lab.links.length, 3);
  const expected: [string, RegExp][] = [
    [posOf(text, "labels:"), /^topology\.defaults\.labels is not mapped/],
    [posOf(text, "env:"), /^node 'h1' env is not mapped/],
    [posOf(text, "touch /tmp/ready"), /^node 'h1' exec 'touch \/tmp\/ready' is not mapped .*: 'touch' commands/],
    [posOf(text, "nokia_srlinux"), /^node 'srl' of kind 'nokia_srlinux' is not mapped .*left out/],
    [posOf(text, "endpoints", 4), /^link #4 \(srl:e1-1 — br1:eth4\) is left out: node 'srl' is not mapped/],
    [posOf(text, '"host:clbr-h3"'), /^link #5 endpoint 'host:clbr-h3' \(a veth into the host's namespace\)/],
  ];
  assert.equal(diags.length, expected.length, diags.map((d) => d.message).join("\n"));
  expected.forEach(([at, re], i) => {
    const d = diags[i] as Diagnostic;
    assert.equal(d.severity, "warning");
    assert.equal(where(d), at, d.message);
    assert.match(d.detail, re);
    assert.doesNotMatch(d.detail, /\n/);
  });
});

test("--strict: what does not map is an error (every one reported, exit code 2 through TopologyError)", async () => {
  const diags: Diagnostic[] = [];
  await assert.rejects(loadTopology(BRIDGE, { strict: true, onDiagnostic: (d) => diags.push(d) }), (e: unknown) => {
    assert.ok(e instanceof TopologyError);
    const text = readFileSync(BRIDGE, "utf8");
    assert.equal(where(e), posOf(text, "labels:"));
    assert.match(
      e.message,
      /--strict: 6 containerlab settings do not map to wirelab \(each is an error above; the first is here\)/,
    );
    assert.equal(e.errors.length, 7);
    return true;
  });
  assert.deepEqual(
    diags.map((d) => d.severity),
    Array(6).fill("error"),
  );
  // Notes are not errors: the seed (notes only) loads under --strict.
  await assert.doesNotReject(loadTopology(SEED, { strict: true }));
});

test("triangle: startup-config (files and inline), exec loopbacks, the newer link format with mtu", async () => {
  const { lab, diags } = await load(TRIANGLE);
  assert.deepEqual(diags, []);
  assert.deepEqual(
    lab.nodes.map((n) => [n.name, n.kind, n.loopback]),
    [
      ["r1", "frr", ["10.255.0.1/32"]],
      ["r2", "frr", ["10.255.0.2/32"]],
      ["r3", "frr", ["10.255.0.3/32"]],
    ],
  );
  assert.equal(node(lab, "r1").stack?.config, readFileSync(path.join(DIR, "triangle/r1.conf"), "utf8"));
  assert.match(node(lab, "r3").stack?.config ?? "", /^hostname r3\ninterface eth1\n/);
  assert.equal(node(lab, "r1").stack?.options.profile, "datacenter");
  assert.deepEqual(
    lab.links.map((l) => [`${l.a.node}:${l.a.port}`, `${l.b.node}:${l.b.port}`, l.mtu]),
    [
      ["r1:eth1", "r2:eth1", 9000],
      ["r2:eth2", "r3:eth1", undefined],
      ["r3:eth2", "r1:eth2", undefined],
    ],
  );
  assert.equal(findPort(node(lab, "r2"), "eth1")?.mtu, 9000);
});

test("--runtime docker: nodes run from their containerlab images, with a management network", async () => {
  const { lab, diags } = await load(SEED, { runtime: "docker" });
  assert.deepEqual(
    lab.nodes.map((n) => [n.name, n.runtime.name, n.runtime.container?.image]),
    [
      ["ops1", "docker", "quay.io/frrouting/frr:8.4.1"],
      ["ops2", "docker", "quay.io/frrouting/frr:8.4.1"],
      ["ops3", "docker", "quay.io/frrouting/frr:8.4.1"],
      ["h1", "docker", "alpine:3"],
      ["h3", "docker", "alpine:3"],
    ],
  );
  assert.deepEqual(lab.management, { subnet: "172.30.101.0/24" });
  assert.match(diags[1]?.detail ?? "", /mgmt becomes the lab's management network \(172\.30\.101\.0\/24\)/);
  // Bridges stay namespaces.
  const bridge = await load(BRIDGE, { runtime: "docker" });
  assert.equal(node(bridge.lab, "br1").runtime.name, "netns");
  assert.equal(node(bridge.lab, "h1").runtime.container?.image, "alpine:3");
});

test("--runtime on a wirelab file replaces the file's lab-wide runtime", async () => {
  const docker = await loadTopology(path.join(EXAMPLES, "seed-ebgp-docker.yml"), { runtime: "netns" });
  assert.ok(docker.nodes.every((n) => n.runtime.name === "netns" && !n.runtime.container));
  await assert.rejects(
    loadTopology(path.join(EXAMPLES, "seed-ebgp.yml"), { runtime: "docker" }),
    /runs in Docker .* has no image/,
  );
});

/** A containerlab file written inline (in the fixture directory, so bound paths resolve there). */
const INLINE = path.join(DIR, "inline.clab.yml");

function clab(nodes: string, links = "", extra = ""): string {
  return `name: clx\n${extra}topology:\n  nodes:\n${nodes}${links ? `  links:\n${links}` : ""}`;
}

function badAt(text: string, at: string, contains: RegExp, opts: LoadOptions = {}): void {
  assert.throws(
    () => parseTopology(text, INLINE, opts),
    (e: unknown) => {
      assert.ok(e instanceof TopologyError, `a TopologyError, got ${String(e)}`);
      assert.ok(e.message.startsWith(`${INLINE}:${at}: `), `expected ${at}, got ${e.message}`);
      assert.match(e.detail, contains);
      return true;
    },
  );
}

const H1 = `    h1:\n      kind: linux\n`;
const H2 = `    h2:\n      kind: linux\n`;

test("errors of wirelab's validation point into the containerlab file", () => {
  // A link to a node the file does not have: the endpoint, in either link format.
  let t = clab(H1, `    - endpoints: ["h1:eth1", "h9:eth1"]\n`);
  badAt(t, posOf(t, '"h9:eth1"'), /unknown node 'h9' in link endpoint 'h9:eth1'/);
  t = clab(
    H1,
    `    - type: veth\n      endpoints:\n        - { node: h1, interface: eth1 }\n        - { node: h9, interface: eth1 }\n`,
  );
  badAt(t, posOf(t, "{ node: h9"), /unknown node 'h9'/);
  // An exec address that is not an address: the exec line.
  t = clab(
    `${H1}      exec:\n        - ip addr add 10.0.0.300/24 dev eth1\n${H2}`,
    `    - endpoints: ["h1:eth1", "h2:eth1"]\n`,
  );
  badAt(t, posOf(t, "ip addr add"), /invalid address '10\.0\.0\.300\/24' on h1:eth1/);
  // A route whose next hop is on no subnet of the node: its exec line.
  t = clab(
    `${H1}      exec:\n        - ip addr add 10.0.0.1/24 dev eth1\n        - ip route add default via 10.9.9.1\n${H2}`,
    `    - endpoints: ["h1:eth1", "h2:eth1"]\n`,
  );
  badAt(t, posOf(t, "ip route add"), /next hop 10\.9\.9\.1 .* is not on a connected subnet of h1/);
  // An address on a port no link cables: the exec line that named the port.
  t = clab(`${H1}      exec:\n        - ip addr add 10.0.5.1/24 dev eth5\n`);
  badAt(t, posOf(t, "ip addr add"), /port 'eth5' of node 'h1' is not cabled/);
  // A port cabled twice: the second endpoint.
  t = clab(`${H1}${H2}`, `    - endpoints: ["h1:eth1", "h2:eth1"]\n    - endpoints: ["h1:eth1", "h2:eth2"]\n`);
  badAt(t, posOf(t, '"h1:eth1"', 2), /port h1:eth1 is used by two links \(link #1 at line 9 and link #2\)/);
  // A node name wirelab refuses: the node's key.
  t = clab(`    h.1:\n      kind: linux\n`);
  badAt(t, posOf(t, "h.1"), /invalid node name 'h\.1'/);
  // An MTU out of range on a link: the link's mtu.
  t = clab(`${H1}${H2}`, `    - endpoints: ["h1:eth1", "h2:eth1"]\n      mtu: 10\n`);
  badAt(t, posOf(t, "10\n"), /MTU 10 is out of range/);
  // A lab name with nothing left after mapping: the name.
  badAt(`name: "__"\ntopology:\n  nodes:\n${H1}`, "1:7", /invalid lab name ''/);
  // Docker without an image: the node.
  t = clab(`${H1}`);
  badAt(t, posOf(t, "h1:"), /node 'h1' runs in Docker \(runtime docker\) but has no image/, { runtime: "docker" });
});

test("errors of the containerlab file itself: positions and network terms", () => {
  let t = clab(`    h1:\n      image: alpine\n`);
  badAt(t, posOf(t, "h1:"), /node 'h1' has no kind/);
  t = clab(`    r1:\n      kind: linux\n      binds:\n        - nowhere/frr.conf:/etc/frr/frr.conf\n`);
  badAt(t, posOf(t, "nowhere/frr.conf"), /cannot read bound file .*nowhere\/frr\.conf: no such file/);
  t = clab(`    r1:\n      kind: linux\n      startup-config: nowhere.cfg\n`);
  badAt(t, posOf(t, "nowhere.cfg"), /cannot read startup-config .*nowhere\.cfg: no such file/);
  badAt(`name: clx\ntopology:\n  nodes: [a, b]\n`, "3:10", /topology\.nodes must be a mapping, not a list/);
  badAt(`topology:\n  nodes: {}\n`, "1:1", /needs a name/);
});

test("exec lines: what maps and what does not", () => {
  const ok = (line: string) => {
    const r = parseExec(line);
    assert.ok("actions" in r, `${line}: ${"why" in r ? r.why : ""}`);
    return r.actions;
  };
  assert.deepEqual(ok("ip addr add 10.0.0.1/24 dev eth1"), [{ type: "address", dev: "eth1", cidr: "10.0.0.1/24" }]);
  assert.deepEqual(ok("ip a add dev eth1 10.0.0.1"), [{ type: "address", dev: "eth1", cidr: "10.0.0.1/32" }]);
  assert.deepEqual(ok("ip -6 address add 2001:db8::1/64 dev eth1"), [
    { type: "address", dev: "eth1", cidr: "2001:db8::1/64" },
  ]);
  assert.deepEqual(ok("ip link set dev eth1 up mtu 9000"), [
    { type: "up", dev: "eth1" },
    { type: "mtu", dev: "eth1", mtu: 9000 },
  ]);
  assert.deepEqual(ok("ip route add default via 10.0.0.1 dev eth1"), [
    { type: "route", to: "0.0.0.0/0", via: "10.0.0.1" },
  ]);
  assert.deepEqual(ok("ip -6 route add default via 2001:db8::1"), [{ type: "route", to: "::/0", via: "2001:db8::1" }]);
  assert.deepEqual(ok("ip ro replace 10.1.0.0/16 via 10.0.0.1"), [
    { type: "route", to: "10.1.0.0/16", via: "10.0.0.1" },
  ]);
  assert.deepEqual(ok("sysctl -w net.ipv4.ip_forward=1"), [{ type: "forwarding", on: true }]);
  for (const [line, why] of [
    ["ip route add 10.1.0.0/16 dev eth1", /next hop/],
    ["ip link set eth1 down", /'down'/],
    ["ip link add br0 type bridge", /not mapped/],
    ["ip route add 10.1.0.0/16 via 10.0.0.1 metric 5", /'metric'/],
    ["bash -c 'echo hi'", /'bash' commands/],
    ["ip addr add 10.0.0.1/24 dev eth1; ip link set eth1 up", /shell syntax/],
    ["sysctl -w net.ipv4.tcp_syncookies=1", /only IP forwarding/],
  ] as const) {
    const r = parseExec(line);
    assert.ok("why" in r, line);
    assert.match(r.why, why);
  }
});

test("FRR daemons files: yes lines, in file order, and the profile", () => {
  const d = parseDaemons('bgpd=yes\nospfd=no\n pimd="yes" # multicast\nvtysh_enable=yes\nfrr_profile="traditional"\n');
  assert.deepEqual(d.enabled, [
    { name: "bgpd", line: 1 },
    { name: "pimd", line: 3 },
  ]);
  assert.equal(d.profile, "traditional");
});

test("a daemon wirelab does not run is a warning at the bind; the daemons list keeps the rest", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wirelab-clab-"));
  try {
    writeFileSync(path.join(dir, "daemons"), "bgpd=yes\npimd=yes\n");
    const diags: Diagnostic[] = [];
    const t = clab(`    r1:\n      kind: linux\n      binds:\n        - ./daemons:/etc/frr/daemons\n`);
    const lab = parseTopology(t, path.join(dir, "lab.clab.yml"), { onDiagnostic: (d) => diags.push(d) });
    assert.deepEqual(node(lab, "r1").stack?.options.daemons, ["zebra", "staticd", "bgpd"]);
    assert.equal(diags.length, 1);
    assert.equal(where(diags[0] as Diagnostic), posOf(t, "./daemons"));
    assert.match(diags[0]?.detail ?? "", /daemons file line 2: pimd=yes is not mapped/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("convert: the written topology loads and plans exactly as the containerlab file does", async () => {
  for (const file of [SEED, BRIDGE, TRIANGLE]) {
    const { data, source } = readTopologyDocument(await readTopologyText(file), file);
    assert.ok(isContainerlab(data));
    const converted = convertContainerlab(data, source);
    const text = convertedYaml(converted, path.basename(file));
    assert.match(text, /^# Converted from \S+\.clab\.yml by wirelab convert\./);
    const fromYaml = parseTopology(text, "converted.yml");
    const direct = await loadTopology(file);
    const plan = async (lab: Lab) => renderPlan(buildLabPlan(lab, await prepareConfigs(lab), { dryRun: true }));
    assert.equal(await plan(fromYaml), await plan(direct), `${path.basename(file)}: same plan`);
    // Configs are block scalars, as written.
    if (file === SEED) assert.match(text, /\n {4}config: \|\n {6}hostname ops1\n/);
  }
});

test("a bound file or startup-config outside the containerlab file's directory is refused", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "wl-clab-"));
  try {
    const lab = path.join(root, "lab");
    writeFileSync(path.join(root, "secret.conf"), "hostname leaked\n");
    const { mkdirSync, symlinkSync } = await import("node:fs");
    mkdirSync(lab);
    // Directly, and through a link inside the lab's directory.
    symlinkSync(path.join(root, "secret.conf"), path.join(lab, "innocent.conf"));
    for (const bind of ["../secret.conf", "innocent.conf"]) {
      const file = path.join(lab, "x.clab.yml");
      writeFileSync(
        file,
        `name: x\ntopology:\n  nodes:\n    r1:\n      kind: linux\n      image: frrouting/frr\n      binds: ["${bind}:/etc/frr/frr.conf"]\n`,
      );
      await assert.rejects(
        loadTopology(file),
        (e: unknown) => e instanceof TopologyError && /outside the containerlab file's directory/.test(e.message),
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
