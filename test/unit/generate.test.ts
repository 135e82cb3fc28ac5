// `wirelab generate`: shapes, ASNs and addressing of generated topologies, which must load
// through the normal loader; the per-daemon split of rendered configs; the batched check.
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { describe, test } from "node:test";
import { generateLineCommand } from "../../src/cli/commands/generate.js";
import { UsageError } from "../../src/cli/resolve.js";
import { findNode, type Lab } from "../../src/core/model.js";
import { chain, clos, GenerateError, ring } from "../../src/generate/shapes.js";
import { toYaml } from "../../src/generate/yaml.js";
import { checkBirdConfig } from "../../src/stacks/bird/check.js";
import { renderBirdConfig } from "../../src/stacks/bird/render.js";
import { checkFrrConfig } from "../../src/stacks/frr/check.js";
import { checkFrrConfigsBatched } from "../../src/stacks/frr/check-many.js";
import { frrOptions } from "../../src/stacks/frr/options.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import { splitByDaemon } from "../../src/stacks/frr/split.js";
import { parseTopology } from "../../src/topology/load.js";

const skipNoBird = await access("/usr/sbin/bird").then(
  () => false,
  () => "BIRD not installed",
);

const skipNoFrr = await access("/usr/bin/vtysh").then(
  () => false,
  () => "FRR (vtysh) not installed",
);

function load(t: Parameters<typeof toYaml>[0]): Lab {
  return parseTopology(toYaml(t, "test"), "gen.yml");
}

describe("generate", () => {
  test("chain: r0 — … — rN-1, one AS each, addresses from the pools", () => {
    const l = load(chain(4));
    assert.equal(l.name, "chain4");
    assert.deepEqual(
      l.nodes.map((n) => [n.name, n.intents.bgp?.asn, n.intents.bgp?.neighbors.map((x) => x.node)]),
      [
        ["r0", 65000, ["r1"]],
        ["r1", 65001, ["r0", "r2"]],
        ["r2", 65002, ["r1", "r3"]],
        ["r3", 65003, ["r2"]],
      ],
    );
    assert.deepEqual(
      l.links.map((k) => `${k.a.node}:${k.a.port}-${k.b.node}:${k.b.port}`),
      ["r0:e2-r1:e1", "r1:e2-r2:e1", "r2:e2-r3:e1"],
    );
    assert.deepEqual(
      findNode(l, "r1")?.ports.map((p) => p.addresses),
      [["10.0.0.1/31"], ["10.0.0.2/31"]],
    );
    assert.equal(findNode(l, "r3")?.intents.bgp?.routerId, "10.255.0.4");
    assert.deepEqual(findNode(l, "r0")?.stack?.options.daemons, ["zebra", "bgpd"]);
    assert.deepEqual(findNode(l, "r0")?.intents.bgp?.redistribute, ["connected"]);
  });

  test("ring closes the chain; --kind linux gives forwarding hosts without BGP", () => {
    const l = load(ring(5, { kind: "linux", name: "b6ring" }));
    assert.equal(l.name, "b6ring");
    assert.equal(l.links.length, 5);
    assert.deepEqual(l.links.at(-1)?.a, { node: "r4", port: "e2" });
    assert.ok(l.nodes.every((n) => n.kind === "linux" && n.forwarding && !n.intents.bgp && n.loopback.length === 1));
  });

  test("clos: every leaf to every spine, hosts with a default route, spines share an AS by default", () => {
    const l = load(clos({ spines: 2, leaves: 4, hostsPerLeaf: 1 }));
    assert.equal(l.name, "clos2x4");
    assert.equal(l.nodes.length, 2 + 4 + 4);
    assert.equal(l.links.length, 2 * 4 + 4);
    assert.deepEqual(
      ["spine1", "spine2", "leaf1", "leaf4"].map((n) => findNode(l, n)?.intents.bgp?.asn),
      [65000, 65000, 65001, 65004],
    );
    assert.deepEqual(
      findNode(l, "spine2")?.intents.bgp?.neighbors.map((n) => n.node),
      ["leaf1", "leaf2", "leaf3", "leaf4"],
    );
    const h = findNode(l, "h3-1");
    assert.equal(h?.kind, "linux");
    assert.deepEqual(h?.intents.static ?? [], [{ to: "0.0.0.0/0", via: "172.16.0.4" }]);
    assert.deepEqual(findNode(l, "leaf3")?.ports.find((p) => p.name === "swp3")?.addresses, ["172.16.0.4/31"]);
    const per = load(clos({ spines: 2, leaves: 2, spineAs: "per-spine" }));
    assert.deepEqual(
      per.nodes.map((n) => n.intents.bgp?.asn),
      [65000, 65001, 65002, 65003],
    );
  });

  test("large shapes use 4-byte ASNs and a pool large enough", () => {
    const l = load(chain(1000, { kind: "frr" }));
    assert.equal(findNode(l, "r999")?.intents.bgp?.asn, 4_200_000_999);
    assert.deepEqual(findNode(l, "r999")?.loopback, ["10.255.3.232/32"]);
  });

  test("bad sizes are refused", () => {
    assert.throws(() => chain(1), GenerateError);
    assert.throws(() => ring(2), GenerateError);
    assert.throws(() => clos({ spines: 0, leaves: 2 }), GenerateError);
    assert.throws(() => chain(100_000), GenerateError);
  });

  test("--stack bird: every router of a chain, ring and Clos runs BIRD, same BGP intents, no FRR daemons", () => {
    for (const l of [
      load(chain(3, { stack: "bird" })),
      load(ring(3, { stack: "bird" })),
      load(clos({ spines: 2, leaves: 3, hostsPerLeaf: 1, stack: "bird" })),
    ]) {
      const routers = l.nodes.filter((n) => n.kind !== "linux");
      assert.ok(routers.length >= 3);
      for (const n of routers) {
        assert.equal(n.stack?.name, "bird", `${l.name}:${n.name}`);
        assert.equal(n.stack?.options.daemons, undefined);
        assert.deepEqual(n.intents.bgp?.redistribute, ["connected"]);
      }
      // Hosts stay hosts.
      assert.ok(l.nodes.filter((n) => n.kind === "linux").every((n) => n.stack === undefined));
    }
    const frr = load(chain(3, { stack: "frr" }));
    assert.ok(frr.nodes.every((n) => n.stack?.name === "frr"));
    assert.equal(findNode(load(chain(3, { stack: "bird" })), "r1")?.intents.bgp?.asn, 65001);
  });

  test("--stack bird refuses IS-IS, EVPN and host shapes; the CLI refuses an unknown stack", async () => {
    assert.throws(() => chain(3, { stack: "bird", igp: "isis" }), /BIRD 2 has no IS-IS/);
    assert.throws(() => clos({ spines: 1, leaves: 2, stack: "bird", igp: "isis" }), GenerateError);
    assert.throws(() => clos({ spines: 1, leaves: 2, hostsPerLeaf: 1, stack: "bird", evpn: true }), /no EVPN/);
    assert.throws(() => ring(3, { stack: "bird", kind: "linux" }), GenerateError);
    await assert.rejects(generateLineCommand("chain", "3", { stack: "quagga" }), UsageError);
    await assert.rejects(generateLineCommand("chain", "3", { stack: "bird", igp: "isis" }), UsageError);
  });

  test("--stack bird --igp ospf: an OSPF underlay and iBGP through r0 on BIRD, accepted by BIRD's parser", {
    skip: skipNoBird,
  }, async () => {
    const l = load(ring(4, { stack: "bird", igp: "ospf" }));
    for (const name of ["r0", "r2"]) {
      const node = findNode(l, name);
      assert.ok(node?.intents.ospf, name);
      const text = renderBirdConfig(node);
      assert.match(text, /protocol ospf v2/);
      if (name === "r0") assert.match(text, /rr client/);
      assert.deepEqual(await checkBirdConfig(text), [], name);
    }
  });

  test("--stack bird: the rendered bird.conf of a Clos spine passes BIRD's parser", { skip: skipNoBird }, async () => {
    const l = load(clos({ spines: 2, leaves: 4, stack: "bird" }));
    for (const name of ["spine1", "leaf3"]) {
      const node = findNode(l, name);
      assert.ok(node);
      const text = renderBirdConfig(node);
      assert.match(text, /protocol bgp/);
      assert.deepEqual(await checkBirdConfig(text), [], name);
    }
  });
});

describe("per-daemon config files", () => {
  test("an intent config splits into zebra, staticd and bgpd parts with the common header", () => {
    const l = parseTopology(
      `name: s
nodes:
  r1:
    interfaces: { "1": { ip: 10.0.0.1/24, description: up } }
    routes: [{ to: 0.0.0.0/0, via: 10.0.0.2 }]
    bgp: { asn: 65001, neighbors: [{ address: 10.0.0.2, remote-as: 65002 }] }
  r2: { kind: linux }
links: [[r1:1, {endpoint: r2:1, ip: 10.0.0.2/24}]]
`,
      "s.yml",
    );
    const n = findNode(l, "r1");
    const options = n && frrOptions(n);
    assert.ok(n && options);
    const parts = splitByDaemon(renderFrrConfig(n), options.daemons);
    assert.ok(parts);
    const head = ["frr defaults datacenter", "hostname r1", "log syslog informational"];
    assert.deepEqual(parts.get("zebra")?.split("\n").slice(0, 5), [...head, "interface 1", " description up"]);
    assert.deepEqual(parts.get("staticd")?.trim().split("\n"), [...head, "ip route 0.0.0.0/0 10.0.0.2"]);
    const bgpd = parts.get("bgpd") ?? "";
    assert.match(bgpd, /^router bgp 65001$/m);
    assert.match(bgpd, /^ neighbor 10\.0\.0\.2 timers connect 1$/m);
    assert.doesNotMatch(bgpd, /^interface|^ip route/m);
  });

  test("unknown blocks or a daemon that is not started: no split (vtysh -f instead)", () => {
    assert.equal(splitByDaemon("frr defaults datacenter\nrouter rip\n", ["zebra", "ripd"]), undefined);
    assert.equal(splitByDaemon("frr defaults datacenter\nrouter ospf\n", ["zebra"]), undefined);
    assert.equal(splitByDaemon("interface 1\n ip ospf area 0.0.0.0\n", ["zebra"]), undefined);
    assert.equal(splitByDaemon("frr defaults datacenter\nrouter bgp 1\n", ["zebra"]), undefined);
    assert.equal(splitByDaemon(" neighbor 1.1.1.1 remote-as 1\n", ["zebra", "bgpd"]), undefined);
  });

  test("one vtysh -C checks many configs, errors mapped to each config's own lines", { skip: skipNoFrr }, async () => {
    const good = "frr defaults datacenter\nhostname a\nrouter bgp 1\n neighbor 1.1.1.1 remote-as 2\n";
    const bad = "frr defaults datacenter\nhostname b\nrouter bgp 2\n bogus line\n";
    // The bad config's indented line would be accepted inside the previous config's
    // `router bgp` if the concatenation did not reset the level: it must still be an error.
    const trailing = "frr defaults traditional\nhostname c\n neighbor 9.9.9.9 remote-as 3\n";
    const r = await checkFrrConfigsBatched([good, bad, good, trailing]);
    assert.deepEqual(r[0], []);
    assert.deepEqual(
      r[1]?.map((e) => [e.line, e.text]),
      [[4, "bogus line"]],
    );
    assert.deepEqual(r[2], []);
    assert.deepEqual(
      r[3]?.map((e) => [e.line, e.text]),
      (await checkFrrConfig(trailing)).map((e) => [e.line, e.text]),
    );
    assert.equal(r[3]?.length, 1);
  });
});
