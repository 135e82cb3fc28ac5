// Port names -> kernel interface names.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";
import { isValidKernelIfname, kernelIfname } from "../../src/topology/resolve/ifname.js";

const sha4 = (s: string) => createHash("sha1").update(s).digest("hex").slice(0, 4);

test("names the kernel accepts are kept", () => {
  for (const name of ["1", "2", "eth0", "swp1", "e1-1", "x".repeat(15), "Ethernet1.100"]) {
    assert.equal(kernelIfname(name), name);
    assert.ok(isValidKernelIfname(name));
  }
});

test("'/', ':' and whitespace become '_'", () => {
  assert.equal(kernelIfname("Ethernet1/1"), "Ethernet1_1");
  assert.equal(kernelIfname("Gi0/1"), "Gi0_1");
  assert.equal(kernelIfname("port 1"), "port_1");
  assert.equal(kernelIfname("a:b"), "a_b");
  assert.equal(kernelIfname("eth%d"), "eth_d");
});

test("names longer than 15 bytes get 10 bytes + '-' + 4 hex of sha1", () => {
  const g = kernelIfname("GigabitEthernet0/0/1");
  assert.equal(g, `GigabitEth-${sha4("GigabitEthernet0/0/1")}`);
  assert.equal(g.length, 15);
  assert.equal(kernelIfname("TenGigabitEthernet1"), `TenGigabit-${sha4("TenGigabitEthernet1")}`);
  // Deterministic, and different long names stay apart.
  assert.equal(kernelIfname("GigabitEthernet0/0/1"), g);
  assert.notEqual(kernelIfname("GigabitEthernet0/0/2"), g);
  assert.ok(isValidKernelIfname(g));
});

test("multi-byte characters are never cut in half", () => {
  const name = "pörtpörtpörtpört";
  const k = kernelIfname(name);
  assert.ok(Buffer.byteLength(k) <= 15);
  assert.ok(isValidKernelIfname(k));
  assert.ok(!k.includes("\uFFFD"));
});

test("'.' and '..' are not kernel names", () => {
  assert.ok(!isValidKernelIfname("."));
  assert.ok(!isValidKernelIfname(".."));
  assert.ok(isValidKernelIfname(kernelIfname(".")));
  assert.ok(isValidKernelIfname(kernelIfname("..")));
});

test("the model carries both names; lookups work by either", () => {
  const lab = parseTopology(
    `name: eos
nodes:
  leaf1: {}
  spine1: {}
links:
  - [leaf1:Ethernet1/1, spine1:GigabitEthernet0/0/1]
`,
    "eos.yml",
  );
  const leaf = lab.nodes[0];
  const spine = lab.nodes[1];
  assert.deepEqual(
    leaf?.ports.map((p) => [p.name, p.ifname]),
    [["Ethernet1/1", "Ethernet1_1"]],
  );
  assert.deepEqual(
    spine?.ports.map((p) => [p.name, p.ifname]),
    [["GigabitEthernet0/0/1", kernelIfname("GigabitEthernet0/0/1")]],
  );
});

test("two ports of one node with the same kernel name are an error naming both", () => {
  assert.throws(
    () =>
      parseTopology(
        `name: clash
nodes:
  r1: {}
  r2: {}
links:
  - [r1:Ethernet1/1, r2:1]
  - [r1:Ethernet1_1, r2:2]
`,
        "clash.yml",
      ),
    (e: unknown) => {
      assert.ok(e instanceof TopologyError);
      assert.equal(
        e.message,
        "clash.yml:7:6: ports 'Ethernet1/1' and 'Ethernet1_1' of node 'r1' both map to kernel interface name 'Ethernet1_1'; rename one",
      );
      return true;
    },
  );
});

test("the same kernel name on different nodes is fine", () => {
  const lab = parseTopology(
    `name: ok
nodes: {r1: {}, r2: {}}
links:
  - [r1:Ethernet1/1, r2:Ethernet1_1]
`,
    "ok.yml",
  );
  assert.deepEqual(
    lab.nodes.map((n) => n.ports[0]?.ifname),
    ["Ethernet1_1", "Ethernet1_1"],
  );
});

// Host safety: kernel names reach `ip -batch` lines, where `#` starts a comment, quotes and
// backslashes are parsed, and whitespace splits. Only [A-Za-z0-9_.-] goes through.
const SAFE_IFNAME = /^(?!-)(?!\.\.?$)[A-Za-z0-9_.-]{1,15}$/;
const HOSTILE = ["leak#", 'a"b', "a\\b", "a b", "a'b", "pört", "ポート1", "eth0\u200b", "-x", "x#y z", "😀"];

test("names outside [A-Za-z0-9_.-] map to safe kernel names, each its own", () => {
  const out = HOSTILE.map(kernelIfname);
  for (const [i, k] of out.entries()) {
    assert.match(k, SAFE_IFNAME, `${JSON.stringify(HOSTILE[i])} → ${JSON.stringify(k)}`);
    assert.ok(isValidKernelIfname(k));
    assert.ok(!isValidKernelIfname(HOSTILE[i] as string), `${JSON.stringify(HOSTILE[i])} is not kept as it is`);
  }
  assert.equal(new Set(out).size, out.length, `collision in ${JSON.stringify(out)}`);
  // Lossy beyond the historical '/ : % whitespace' mapping: the name carries sha1's 4 hex digits.
  assert.equal(kernelIfname("leak#"), `leak_-${sha4("leak#")}`);
  assert.equal(kernelIfname('a"b'), `a_b-${sha4('a"b')}`);
  assert.equal(kernelIfname("a\\b"), `a_b-${sha4("a\\b")}`);
  assert.equal(kernelIfname("-x"), `_x-${sha4("-x")}`);
  // The historical mappings are kept: labs deployed before keep their interface names.
  assert.equal(kernelIfname("a b"), "a_b");
  assert.equal(kernelIfname("Ethernet1/1"), "Ethernet1_1");
});

test("hostile port names from a topology file (quoted YAML keys) become safe, distinct kernel names", () => {
  const lab = parseTopology(
    `name: hostile
nodes:
  n1:
    interfaces:
      "a b": {ip: 10.0.0.1/31}
  n2: {}
links:
  - [n1:a, n2:"leak#"]
  - ['n1:a"b', 'n2:a\\b']
  - ["n1:a b", "n2:pört"]
  - ["n1:ポート1", "n2:x#y z"]
`,
    "hostile.yml",
  );
  for (const node of lab.nodes) {
    const names = node.ports.map((p) => p.ifname);
    for (const p of node.ports) assert.match(p.ifname, SAFE_IFNAME, `${node.name}:${p.name} → ${p.ifname}`);
    assert.equal(new Set(names).size, names.length);
  }
  assert.deepEqual(
    lab.nodes[1]?.ports.map((p) => p.name),
    ['"leak#"', "a\\b", "pört", "x#y z"], // the first as written: the quotes are part of a plain scalar
  );
});
