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
import { runsOspf } from "../../src/intents/ospf/index.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { checkBirdConfig, checkBirdConfigs } from "../../src/stacks/bird/check.js";
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

  test("many configs are checked in a batch: each refusal stays with its own config and line", {
    skip: skipNoBird,
  }, async () => {
    const good = "router id 10.0.0.1;\nprotocol device {\n}\n";
    const texts = Array.from({ length: 12 }, (_, i) =>
      i === 3
        ? `${good}protocl static {\n}\n`
        : i === 10
          ? `router id 10.0.0.${i};\nprotocol kernel {\n  ipv4 { import al; };\n}\n`
          : good,
    );
    const out = await checkBirdConfigs(texts);
    assert.equal(out.length, 12);
    for (const [i, errors] of out.entries()) {
      if (i === 3 || i === 10) continue;
      assert.deepEqual(errors, [], `config ${i}`);
    }
    assert.equal(out[3]?.[0]?.line, 4);
    assert.match(out[3]?.[0]?.text ?? "", /protocl static/);
    assert.equal(out[10]?.[0]?.line, 3);
    // The same answers as one check per config.
    assert.deepEqual(
      out[3]?.map((e) => [e.line, e.col, e.text]),
      (await checkBirdConfig(texts[3] as string)).map((e) => [e.line, e.col, e.text]),
    );
    // And the prepare of a lab this size names the node that BIRD refused.
    const nodes = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [
        `r${i}`,
        {
          stack: "bird",
          interfaces: { lo: { ip: `10.0.0.${i + 1}/32` } },
          ...(i === 6 ? { config: "protocl static {\n}\n" } : {}),
        },
      ]),
    );
    const lab = parseTopology(JSON.stringify({ name: "batch", nodes }), "b.yml");
    await assert.rejects(
      bird.prepare(
        lab,
        lab.nodes,
        lab.nodes.map((n) => nodeHandle(lab.name, n)),
      ),
      (e: Error) =>
        e instanceof StackError &&
        /^b\.yml: r6: bird\.conf line \d+ \(config line 1\)/.test(e.message) &&
        !/r[0-58]:/.test(e.message),
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

  test("a raw `protocol ospf` makes the node an OSPF router for ospf-neighbor checks and readiness", () => {
    const ospf = '      protocol ospf v2 o { ipv4; area 0 { interface "e1"; }; }\n';
    const { node: r1 } = node(RAW.replace("      protocol static", `${ospf}      protocol static`), "r1");
    assert.ok(runsOspf(r1));
    assert.deepEqual(bird.protocols(r1), ["ospf"]);
    assert.ok(!runsOspf(node(RAW, "r1").node));
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

/** Route reflection and FRR's neighbor options on BIRD nodes; an eBGP session between loopbacks. */
const RR = `name: bdrr
defaults: { stack: bird }
nodes:
  rr:
    interfaces: { lo: { ip: 10.255.0.1/32 } }
    routes: [{ to: 10.255.0.2/32, via: 10.0.1.1 }, { to: 10.255.0.3/32, via: 10.0.2.1 }]
    bgp:
      asn: 65000
      rr: true
      cluster-id: 10.255.0.100
      originate: [10.0.0.0/8]
      neighbors:
        - c1
        - { node: c2, passive: true, password: "s3cret'x", timers: { keepalive: 5, hold: 15 }, bfd: true }
        - { node: ext, update-source: lo, local-as: 65099, allowas-in: 2, default-originate: true, send-community: all }
  c1:
    interfaces: { lo: { ip: 10.255.0.2/32 } }
    routes: [{ to: 10.255.0.1/32, via: 10.0.1.0 }]
    bgp: { asn: 65000, neighbors: [{ node: rr, next-hop-self: true, allowas-in: true }] }
  c2:
    interfaces: { lo: { ip: 10.255.0.3/32 } }
    routes: [{ to: 10.255.0.1/32, via: 10.0.2.0 }]
    bgp: { asn: 65000, neighbors: [{ node: rr, port: 1, bfd: true, timers: { keepalive: 3, hold: 0 } }] }
  ext:
    stack: frr
    interfaces: { lo: { ip: 10.255.0.9/32 } }
    bgp: { asn: 65099, neighbors: [{ node: rr, update-source: lo }] }
links:
  - [{ endpoint: rr:1, ip: 10.0.1.0/31 }, { endpoint: c1:1, ip: 10.0.1.1/31 }]
  - [{ endpoint: rr:2, ip: 10.0.2.0/31 }, { endpoint: c2:1, ip: 10.0.2.1/31 }]
  - [{ endpoint: rr:3, ip: 10.0.3.0/31 }, { endpoint: ext:1, ip: 10.0.3.1/31 }]
`;

/** The lines of protocol `name` in a rendered bird.conf. */
function block(text: string, name: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(`protocol ${name} {`);
  assert.ok(start >= 0, `no protocol ${name} in\n${text}`);
  return lines.slice(start, lines.indexOf("}", start) + 1);
}

describe("route reflection and neighbor options on BIRD", () => {
  test("rr client, cluster id, loopback sessions and FRR's options in BIRD's words; BIRD accepts them", async (t) => {
    const { node: rr } = node(RR, "rr");
    const text = renderBirdConfig(rr);
    const c1 = block(text, "bgp bgp_c1");
    for (const l of ["  neighbor 10.255.0.2 as 65000;", "  source address 10.255.0.1;", "  rr client;"]) {
      assert.ok(c1.includes(l), `missing ${l} in\n${c1.join("\n")}`);
    }
    assert.ok(c1.includes("  rr cluster id 10.255.0.100;"));
    // The default-originate route is exported to ext only.
    assert.ok(c1.includes('    export where proto != "wl_default4";'), c1.join("\n"));
    const c2 = block(text, "bgp bgp_c2");
    for (const l of [
      "  passive on;",
      `  password "s3cret'x";`,
      "  bfd on;",
      "  hold time 15;",
      "  keepalive time 5;",
    ]) {
      assert.ok(c2.includes(l), `missing ${l} in\n${c2.join("\n")}`);
    }
    assert.equal(c2.filter((l) => /hold time/.test(l)).length, 1, "the neighbor's timers replace the lab's");
    const ext = block(text, "bgp bgp_ext");
    for (const l of [
      "  local as 65099;",
      "  neighbor 10.255.0.9 as 65099;",
      "  source address 10.255.0.1;",
      // Cabled eBGP between loopbacks: FRR's disable-connected-check.
      "  multihop 1;",
      "  allow local as 2;",
      "    export all;",
    ]) {
      assert.ok(ext.includes(l), `missing ${l} in\n${ext.join("\n")}`);
    }
    assert.ok(!ext.includes("  rr client;"), "an eBGP neighbor is no client");
    assert.ok(text.includes("protocol bfd wl_bfd {"));
    assert.deepEqual(block(text, "static wl_originate4"), [
      "protocol static wl_originate4 {",
      "  ipv4;",
      "  route 10.0.0.0/8 blackhole;",
      "}",
    ]);
    assert.deepEqual(block(text, "static wl_default4"), [
      "protocol static wl_default4 {",
      "  ipv4 { table bgp4; preference 1; };",
      "  route 0.0.0.0/0 blackhole;",
      "}",
    ]);
    assert.ok(text.includes("  if net ~ [ 10.0.0.0/8 ] then accept;"), "the originated prefix is announced");

    const { node: c1n } = node(RR, "c1");
    const c1text = renderBirdConfig(c1n);
    const up = block(c1text, "bgp bgp_rr");
    // allowas-in: true is FRR's 3 occurrences (BIRD's bare `allow local as` would take any number).
    assert.ok(up.includes("    next hop self;") && up.includes("  allow local as 3;"), up.join("\n"));
    // iBGP over a link with BFD: BIRD's multihop BFD needs the session's own address.
    const { node: c2n } = node(RR, "c2");
    const c2up = block(renderBirdConfig(c2n), "bgp bgp_rr");
    assert.ok(c2up.includes("  source address 10.0.2.1;") && c2up.includes("  hold time 0;"), c2up.join("\n"));
    assert.ok(!c2up.some((l) => /keepalive time/.test(l)), "no keepalives with hold time 0");
    // A multihop session with BFD and no address to run from is the node's refusal, named.
    const far = node(
      RR.replace(
        "{ node: rr, next-hop-self: true, allowas-in: true }",
        "{ address: 10.255.0.1, remote-as: 65000, bfd: true }",
      ).replace("        - c1\n", "        - { node: c1, bfd: true }\n"),
      "c1",
    );
    assert.throws(
      () => renderBirdConfig(far.node),
      /BGP neighbor 10\.255\.0\.1: BFD on a multihop session needs the address it runs from.*set update-source/,
    );
    if (skipNoBird) return t.diagnostic("bird -p skipped");
    for (const n of [rr, c1n, c2n]) assert.deepEqual(await checkBirdConfig(renderBirdConfig(n)), [], n.name);
  });

  test("the BIRD route reflector of examples/ospf-bird.yml renders and parses", { skip: skipNoBird }, async () => {
    const lab = await loadTopology(path.join(root, "examples/ospf-bird.yml"));
    for (const n of lab.nodes.filter((x) => stackOf(x)?.name === "bird")) {
      assert.deepEqual(await checkBirdConfig(renderBirdConfig(n)), [], n.name);
    }
  });

  test("what BIRD 2 cannot do is refused at its place in the file, with the reason", () => {
    const nb = (opts: string) =>
      `name: s\nnodes:\n  a:\n    kind: bird\n    bgp: { asn: 1, router-id: 1.1.1.1, neighbors: [{ address: 10.0.0.2, remote-as: 2, ${opts} }] }\n  b: { bgp: { asn: 2 } }\nlinks:\n  - [{ endpoint: a:1, ip: 10.0.0.1/24 }, { endpoint: b:1, ip: 10.0.0.2/24 }]\n`;
    assert.match(refusal(nb("as-override: true")), /^t\.yml:5:100: node 'a' runs BIRD: BIRD 2 has no as-override/);
    assert.match(refusal(nb("weight: 100")), /^t\.yml:5:95: node 'a' runs BIRD: weight is FRR's own/);
    assert.match(refusal(nb("remove-private-as: true")), /^t\.yml:5:106: .*BIRD 2 has no remove-private-as/);
    assert.match(refusal(nb("send-community: large")), /^t\.yml:5:103: .*only send-community: all can be rendered/);
    assert.match(refusal(nb('password: "a\\"b"')), /^t\.yml:5:97: .*may not hold a quote/);
    assert.match(
      refusal(
        "name: s\nnodes:\n  a: { kind: bird, interfaces: { lo: { ip: 10.0.0.1/32 } }, isis: { area: 49.0001 } }\n",
      ),
      /^t\.yml:3:67: node 'a' runs BIRD: BIRD 2 has no IS-IS; run this router on FRR/,
    );
    assert.match(
      refusal(
        "name: s\nnodes:\n  a: { kind: bird, interfaces: { lo: { ip: 10.0.0.1/32 } }, ospf: { area: 0, reference-bandwidth: 1000 } }\n",
      ),
      /^t\.yml:3:99: node 'a' runs BIRD: BIRD 2 has no auto-cost by bandwidth/,
    );
    assert.match(
      refusal(
        "name: s\nnodes:\n  a:\n    kind: bird\n    ospf: { area: 0 }\n    config: |\n      protocol ospf v2 x { }\n",
      ),
      /^t\.yml:5:5: node 'a' has both ospf settings and a 'protocol ospf' section/,
    );
  });
});

/** A LAN of three routers, a passive port, an ABR into area 1, IPv6 on one link, redistribution. */
const OSPF = `name: bdospf
defaults: { stack: bird }
nodes:
  lan: { kind: bridge, subnet: 10.9.0.0/24 }
  r1:
    interfaces: { lo: { ip: [10.255.9.1/32, "2001:db8:9::1/128"] }, "1": { ip: 10.9.0.1/24 } }
    ospf: { area: 0, passive: [s1], redistribute: [static, connected, bgp], default-originate: true }
    routes: [{ to: 10.77.0.0/16, via: 10.9.0.3 }]
  r2:
    interfaces: { lo: { ip: 10.255.9.2/32 }, "1": { ip: 10.9.0.2/24 } }
    ospf: { area: 0, timers: { hello: 2, dead: 8 } }
  r3:
    interfaces: { lo: { ip: 10.255.9.3/32 }, "1": { ip: 10.9.0.3/24 } }
    ospf: { area: 0 }
    bird: { lab-timers: false }
  h1: { kind: linux }
links:
  - [r1:1, lan:1]
  - [r2:1, lan:2]
  - [r3:1, lan:3]
  - [{ endpoint: r1:s1, ip: 10.9.1.1/24 }, { endpoint: h1:1, ip: 10.9.1.2/24 }]
  - endpoints:
      - { endpoint: r1:e2, ip: [10.9.2.0/31, "2001:db8:92::/127"] }
      - { endpoint: r2:e2, ip: [10.9.2.1/31, "2001:db8:92::1/127"] }
    ospf: { area: 1, network-type: point-to-point, cost: 7 }
`;

describe("OSPF on BIRD", () => {
  test("OSPFv2 and OSPFv3 with areas, stub networks, passive ports, costs, timers and redistribution", async (t) => {
    const lab = parseTopology(
      OSPF.replace("    ospf: { area: 0, timers: { hello: 2, dead: 8 } }\n", "    ospf: { area: 0 }\n"),
      "t.yml",
    );
    const r1 = lab.nodes.find((n) => n.name === "r1");
    assert.ok(r1);
    assert.deepEqual(r1.stack?.options.protocols, ["ospf"]);
    const text = renderBirdConfig(r1);
    const v2 = block(text, "ospf v2 ospf4").join("\n");
    assert.match(v2, /^ {2}router id 10\.255\.9\.1;$/m);
    assert.match(
      v2,
      /^ {2}ipv4 \{ import all; export filter \{ if net = 0\.0\.0\.0\/0 then \{ ospf_metric2 = 20; accept; \} if source = RTS_STATIC && proto != "wl_ospfdef4" then \{ ospf_metric2 = 20; accept; \} if source = RTS_DEVICE && net !~ \[ 127\.0\.0\.0\/8\+ \] then \{ ospf_metric2 = 20; accept; \} if source = RTS_BGP then \{ ospf_metric2 = 20; accept; \} reject; \}; \};$/m,
    );
    // The loopback as a stub network (not lo, which holds 127.0.0.1 too), cost 0 as FRR's.
    assert.match(
      v2,
      /area 0\.0\.0\.0 \{\n {4}stubnet 10\.255\.9\.1\/32 \{ cost 0; \};\n {4}interface "1" \{ hello 1; dead 4; retransmit 2; \};\n {4}interface "s1" \{ stub yes; hello 1; dead 4; retransmit 2; \};\n {2}\};/,
    );
    assert.match(
      v2,
      /area 0\.0\.0\.1 \{\n {4}interface "e2" \{ type ptp; cost 7; hello 1; dead 4; retransmit 2; \};\n {2}\};/,
    );
    const v3 = block(text, "ospf v3 ospf6").join("\n");
    assert.match(v3, /stubnet 2001:db8:9::1\/128 \{ cost 0; \};/);
    assert.match(v3, /area 0\.0\.0\.1 \{\n {4}interface "e2" \{ type ptp; cost 7;/);
    assert.doesNotMatch(v3, /interface "1"/, "the LAN has no IPv6: OSPFv2 only there");
    // default-originate: an unreachable default, never in the kernel, behind any real one.
    assert.deepEqual(block(text, "static wl_ospfdef4"), [
      "protocol static wl_ospfdef4 {",
      "  ipv4 { preference 1; };",
      "  route 0.0.0.0/0 unreachable;",
      "}",
    ]);
    // redistribute connected needs BIRD's direct protocol.
    assert.ok(text.includes("protocol direct direct1 {"));

    const r3 = lab.nodes.find((n) => n.name === "r3");
    assert.ok(r3);
    const r3text = renderBirdConfig(r3);
    assert.match(r3text, /^ {4}interface "1" \{ \};$/m, "bird.lab-timers: false: BIRD's own timers");
    assert.match(r3text, /^router id 10\.255\.9\.3;$/m, "the OSPF router id heads the config");
    assert.doesNotMatch(r3text, /protocol direct/);
    if (skipNoBird) return t.diagnostic("bird -p skipped");
    for (const n of lab.nodes.filter((x) => stackOf(x)?.name === "bird")) {
      assert.deepEqual(await checkBirdConfig(renderBirdConfig(n)), [], n.name);
    }
  });

  test("ospf.timers replace the lab's hello and dead", () => {
    const text = OSPF.replace(
      /ospf: \{ area: 0 \}\n {4}bird/,
      "ospf: { area: 0, timers: { hello: 2, dead: 8 } }\n    bird",
    ).replace("ospf: { area: 0, passive", "ospf: { area: 0, timers: { hello: 2, dead: 8 }, passive");
    const r2 = parseTopology(text, "t.yml").nodes.find((n) => n.name === "r2");
    assert.ok(r2);
    assert.match(renderBirdConfig(r2), /^ {4}interface "1" \{ hello 2; dead 8; retransmit 2; \};$/m);
  });
});
