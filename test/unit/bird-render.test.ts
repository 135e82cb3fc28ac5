// The BIRD stack's configs: rendered from the intents and raw text, accepted by BIRD's own
// parser (`bird -p`, when BIRD is installed), refused where BIRD cannot follow with the
// topology file's position, and the `stack:` key that picks BIRD for a router.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runsBgp } from "../../src/intents/bgp/index.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { checkBirdConfig } from "../../src/stacks/bird/check.js";
import { cliArgv, execCommand } from "../../src/stacks/bird/cli.js";
import { bird } from "../../src/stacks/bird/index.js";
import { readPid } from "../../src/stacks/bird/procs.js";
import { protocolNames } from "../../src/stacks/bird/render/bgp.js";
import { renderBirdConfig } from "../../src/stacks/bird/render.js";
import { cleanRunningConfig } from "../../src/stacks/bird/save.js";
import { startSteps } from "../../src/stacks/bird/start.js";
import { stackOf } from "../../src/stacks/index.js";
import { StackError } from "../../src/stacks/stack.js";
import { TopologyError } from "../../src/topology/errors.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";

const skipNoBird = existsSync("/usr/sbin/bird") ? false : "BIRD is not installed (apt-get install bird2)";
const root = fileURLToPath(new URL("../../", import.meta.url));

function node(text: string, name: string) {
  const lab = parseTopology(text, "t.yml");
  const n = lab.nodes.find((x) => x.name === name);
  assert.ok(n, `node ${name}`);
  return { lab, node: n };
}

/** The message of the TopologyError `text` throws, with its position. */
function refusal(text: string): string {
  try {
    parseTopology(text, "t.yml");
  } catch (e) {
    assert.ok(e instanceof TopologyError, String(e));
    return e.message;
  }
  assert.fail("expected a TopologyError");
}

const RICH = `name: bdr
nodes:
  r1:
    stack: bird
    interfaces: { lo: { ip: [10.255.0.1/32, 2001:db8:ff::1/128] } }
    routes:
      - { to: 10.99.0.0/16, via: 10.0.12.2 }
      - { to: "2001:db8:99::/48", via: "fe80::2" }
    bgp:
      asn: 65001
      networks: [10.255.0.1/32, "2001:db8:ff::1/128"]
      redistribute: [connected, static, ospf]
      neighbors:
        # Same AS, both with loopbacks: by name they would peer over loopbacks; port: keeps the link.
        - { node: r2, port: e1 }
        - { address: 10.255.0.2, remote-as: 65001, update-source: lo, description: 'loop "back" \\\\ x' }
        - { address: "2001:db8:12::2", remote-as: 65002, update-source: e1 }
        - { node: r3, ebgp-multihop: 2, address: 10.0.23.3 }
  r2:
    kind: bird
    interfaces: { lo: { ip: 10.255.0.2/32 } }
    bgp: { asn: 65001, neighbors: [{ node: r1, port: e1 }] }
  r3: { bgp: { asn: 65003 } }
links:
  - endpoints:
      - { endpoint: r1:e1, ip: [10.0.12.1/24, "2001:db8:12::1/64", "fe80::1/64"] }
      - { endpoint: r2:e1, ip: [10.0.12.2/24, "2001:db8:12::2/64", "fe80::2/64"] }
  - endpoints: [{ endpoint: r2:e2, ip: 10.0.23.2/24 }, { endpoint: r3:e1, ip: 10.0.23.3/24 }]
`;

describe("bird.conf from the intents", () => {
  test("the seed with stack: bird renders configs BIRD accepts", { skip: skipNoBird }, async () => {
    const lab = await loadTopology(path.join(root, "examples/seed-ebgp-bird.yml"));
    assert.deepEqual(
      lab.nodes.map((n) => stackOf(n)?.name),
      ["bird", "bird", "bird"],
    );
    for (const n of lab.nodes) assert.deepEqual(await checkBirdConfig(renderBirdConfig(n)), [], n.name);
  });

  test("the mixed example runs BIRD on ops2 only", async () => {
    const lab = await loadTopology(path.join(root, "examples/mixed-frr-bird.yml"));
    assert.deepEqual(
      lab.nodes.map((n) => `${n.name}:${stackOf(n)?.name}`),
      ["ops1:frr", "ops2:bird", "ops3:frr"],
    );
  });

  test("iBGP, IPv6, update-source, multihop, statics and redistribution render as BIRD takes them", async (t) => {
    const { node: r1 } = node(RICH, "r1");
    const text = renderBirdConfig(r1, { logFile: "/run/wirelab/labs/bdr/nodes/r1/log/bird.log" });
    for (const line of [
      'log "/run/wirelab/labs/bdr/nodes/r1/log/bird.log" all;',
      "router id 10.255.0.1;",
      "protocol direct direct1 {",
      "  route 10.99.0.0/16 via 10.0.12.2;",
      "  route 2001:db8:99::/48 via fe80::2%'e1';",
      "  if net ~ [ 10.255.0.1/32 ] then accept;",
      "  if source = RTS_DEVICE && net !~ [ 127.0.0.0/8+ ] then { bgp_origin = ORIGIN_INCOMPLETE; accept; }",
      "  if source = RTS_DEVICE && net !~ [ ::1/128, fe80::/10+ ] then { bgp_origin = ORIGIN_INCOMPLETE; accept; }",
      "  if source ~ [ RTS_OSPF, RTS_OSPF_IA, RTS_OSPF_EXT1, RTS_OSPF_EXT2 ] then { bgp_origin = ORIGIN_INCOMPLETE; accept; }",
      "protocol bgp bgp_r2 {",
      // The loopback session's peer is r2 too (it owns the address): a second name for it.
      "protocol bgp bgp_r2_2 {",
      "  description \"loop 'back' '' x\";",
      "  source address 10.255.0.1;",
      "  source address 2001:db8:12::1;",
      "  multihop 2;",
      "ipv4 table bgp4;",
      "protocol pipe bgp4_pipe {",
      "  export filter wl_announce6;",
      "    table bgp6;",
      "    igp table master6;",
    ]) {
      assert.ok(text.split("\n").includes(line), `missing: ${line}\n${text}`);
    }
    // ospf is redistributed over IPv4 only, as FRR's `redistribute ospf`.
    assert.equal(text.match(/RTS_OSPF_IA/g)?.length, 1);
    if (!skipNoBird) assert.deepEqual(await checkBirdConfig(text), []);
    else t.diagnostic("bird -p skipped");
  });

  test("bird.lab-timers: false leaves BIRD's own timers", () => {
    const { node: r2 } = node(RICH.replace("kind: bird\n", "kind: bird\n    bird: { lab-timers: false }\n"), "r2");
    const text = renderBirdConfig(r2);
    assert.doesNotMatch(text, /hold time|connect delay/);
    assert.match(renderBirdConfig(node(RICH, "r1").node), /connect delay time 1;/);
  });

  test("protocol names: the peer's name, never a BIRD keyword, unique per node", () => {
    const nb = (n: Partial<{ node: string; address: string }>) => ({ address: "10.0.0.1", remoteAs: 1, ...n });
    const names = protocolNames({
      asn: 1,
      routerId: "1.1.1.1",
      networks: [],
      redistribute: [],
      neighbors: [nb({ node: "path" }), nb({ node: "r-1" }), nb({ node: "r-1", address: "2001:db8::1" }), nb({})],
    });
    assert.deepEqual(names, ["bgp_path_peer", "bgp_r-1", "bgp_r-1_v6", "bgp_10_0_0_1"]);
  });
});

describe("raw config", () => {
  const RAW = `name: bdraw
nodes:
  r1:
    kind: bird
    config: |
      router id 192.0.2.1;
      protocol device { scan time 5; }
      protocol kernel { ipv4 { export all; }; }
      protocol static { ipv4; route 10.9.0.0/16 blackhole; }
  r2: { kind: linux }
links:
  - endpoints: [{ endpoint: r1:e1, ip: 10.0.0.1/24 }, { endpoint: r2:e1, ip: 10.0.0.2/24 }]
`;

  test("is kept as written; header parts it brings itself are left out", async () => {
    const { node: r1 } = node(RAW, "r1");
    const text = renderBirdConfig(r1);
    assert.ok(text.includes(`${r1.stack?.config}`), text);
    assert.doesNotMatch(text, /router id 10\.0\.0\.1|protocol device \{\n\}|kernel4/);
    assert.match(text, /timeformat protocol iso long ms;/);
    if (!skipNoBird) assert.deepEqual(await checkBirdConfig(text), []);
  });

  test("a bad line is refused naming the topology file, the node and its config line", {
    skip: skipNoBird,
  }, async () => {
    const lab = parseTopology(RAW.replace("protocol static", "protocl static"), "t.yml");
    const nodes = lab.nodes.filter((n) => stackOf(n) === bird);
    await assert.rejects(
      bird.prepare(
        lab,
        nodes,
        nodes.map((n) => nodeHandle(lab.name, n)),
      ),
      (e: Error) =>
        e instanceof StackError &&
        /^t\.yml: r1: bird\.conf line \d+ \(config line 4\), column \d+: syntax error.*: protocl static/.test(
          e.message,
        ),
    );
  });

  test("a saved config loads again as raw config", { skip: skipNoBird }, async () => {
    const { node: r1 } = node(RICH, "r1");
    const saved = cleanRunningConfig(renderBirdConfig(r1, { logFile: "/run/wirelab/labs/bdr/nodes/r1/log/bird.log" }));
    assert.doesNotMatch(saved, /^log "\/run\/wirelab/m);
    const again = { ...r1, intents: {}, stack: { name: "bird", options: { protocols: ["bgp"] }, config: saved } };
    assert.deepEqual(await checkBirdConfig(renderBirdConfig(again)), []);
  });

  test("a raw `protocol bgp` makes the node a BGP router for checks and readiness", () => {
    const bgp = "      protocol bgp up { local as 1; neighbor 10.0.0.2 as 2; ipv4 { import all; export none; }; }\n";
    const { node: r1 } = node(RAW.replace("      protocol static", `${bgp}      protocol static`), "r1");
    assert.ok(runsBgp(r1));
    assert.deepEqual(bird.protocols(r1), ["bgp"]);
  });
});

describe("stack: picks the routing stack", () => {
  const T = (extra: string) => `name: s\n${extra}`;

  test("on a node, in defaults, or by the kind bird; hosts and image-run kinds keep theirs", () => {
    const lab = parseTopology(
      T("defaults: { stack: bird }\nnodes:\n  a: {}\n  b: { stack: frr }\n  c: { kind: linux }\n  d: { kind: bird }\n"),
      "t.yml",
    );
    assert.deepEqual(
      lab.nodes.map((n) => `${n.name}:${n.kind}:${n.stack?.name ?? "-"}`),
      ["a:frr:bird", "b:frr:frr", "c:linux:-", "d:bird:bird"],
    );
  });

  test("unknown stacks, stacks on hosts and another stack's keys are refused where written", () => {
    assert.match(
      refusal(T("nodes:\n  a: { stack: brd }\n")),
      /^t\.yml:3:15: unknown stack 'brd' \(did you mean 'bird'\?\) \(known stacks: frr, bird\)/,
    );
    assert.match(refusal(T("defaults: { stack: x }\nnodes:\n  a: {}\n")), /^t\.yml:2:20: unknown stack 'x'/);
    assert.match(
      refusal(T("nodes:\n  h: { kind: linux, stack: bird }\n")),
      /^t\.yml:3:21: node 'h' is a linux node: it runs no routing stack/,
    );
    assert.match(
      refusal(T("nodes:\n  a: { stack: bird, frr: {} }\n")),
      /^t\.yml:3:21: node 'a' runs bird: 'frr' applies only to frr nodes/,
    );
    assert.match(
      refusal(T("nodes:\n  a: { bird: {} }\n")),
      /^t\.yml:3:8: node 'a' is a frr node: 'bird' applies only to bird nodes/,
    );
    assert.match(
      refusal(T("nodes:\n  h: { kind: linux, config: x }\n")),
      /'config' applies only to frr and bird nodes/,
    );
  });

  test("bgp: next to a raw `protocol bgp` is refused, as FRR refuses `router bgp`", () => {
    const text = T(
      "nodes:\n  a:\n    kind: bird\n    bgp: { asn: 1, router-id: 1.1.1.1 }\n    config: |\n      protocol bgp x { }\n",
    );
    assert.match(refusal(text), /^t\.yml:5:5: node 'a' has both bgp settings and a 'protocol bgp' section/);
  });

  test("a link-local neighbor BIRD cannot reach without a port is refused at its address", () => {
    const text = T(
      'nodes:\n  a:\n    kind: bird\n    bgp: { asn: 1, router-id: 1.1.1.1, neighbors: [{ address: "fe80::9", remote-as: 1 }] }\n',
    );
    assert.match(refusal(text), /^t\.yml:5:63: BGP neighbor fe80::9 of a is link-local: BIRD needs the port/);
  });
});

describe("the node's bird", () => {
  const { lab, node: r1 } = node(RICH, "r1");
  const h = nodeHandle(lab.name, r1);

  test("starts in the node with its own config, socket and pid file, from fresh directories", () => {
    const steps = startSteps(lab, r1, { node: "r1", text: "x\n", warnings: [] }, h);
    const dir = "/run/wirelab/labs/bdr/nodes/r1";
    assert.deepEqual(steps.slice(0, 3), [
      { type: "mkdir", path: `${dir}/run`, owner: bird.user, mode: 0o750 },
      { type: "mkdir", path: `${dir}/log`, owner: bird.user },
      { type: "write", path: `${dir}/bird.conf`, content: "x\n", group: bird.user },
    ]);
    const exec = steps[3];
    assert.equal(exec?.type, "exec");
    const argv = exec?.type === "exec" ? exec.argv : [];
    assert.deepEqual(argv.slice(argv.indexOf("--") + 1, argv.indexOf("--") + 8), [
      "/usr/sbin/bird",
      "-c",
      `${dir}/bird.conf`,
      "-s",
      `${dir}/run/bird.ctl`,
      "-P",
      `${dir}/run/bird.pid`,
    ]);
  });

  test("birdc reaches it: `wirelab cli` and a leading birdc in `wirelab exec`", () => {
    const sock = "/run/wirelab/labs/bdr/nodes/r1/run/bird.ctl";
    assert.deepEqual(cliArgv(h), ["birdc", "-s", sock]);
    assert.deepEqual(execCommand(h, ["birdc", "show", "protocols"]), ["birdc", "-s", sock, "show", "protocols"]);
    assert.deepEqual(execCommand(h, ["birdc", "-s", "/x", "show"]), ["birdc", "-s", "/x", "show"]);
    assert.deepEqual(execCommand(h, ["ip", "route"]), ["ip", "route"]);
  });
});

describe("what BIRD's user could plant", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wirelab-birdpid-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a pid file is read only when it is a plain file holding a pid", async () => {
    writeFileSync(path.join(dir, "ok.pid"), "4242\n");
    assert.equal(await readPid(path.join(dir, "ok.pid")), 4242);
    symlinkSync(path.join(dir, "ok.pid"), path.join(dir, "link.pid"));
    assert.equal(await readPid(path.join(dir, "link.pid")), undefined, "never through a link");
    await run("mkfifo", [path.join(dir, "fifo.pid")]);
    assert.equal(await readPid(path.join(dir, "fifo.pid")), undefined, "a FIFO does not block");
    writeFileSync(path.join(dir, "junk.pid"), "1\n");
    assert.equal(await readPid(path.join(dir, "junk.pid")), undefined, "not init");
  });

  test("container nodes are refused before anything is built", async () => {
    const { lab, node: r1 } = node(RICH, "r1");
    const h = { ...nodeHandle(lab.name, r1), hostFs: false };
    await assert.rejects(
      bird.preflight?.(lab, [r1], [h]) ?? Promise.resolve(),
      /r1: BIRD nodes run on the netns runtime only/,
    );
  });
});
