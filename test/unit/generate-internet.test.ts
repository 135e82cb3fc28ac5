// `generate internet`: the AS graph (tiers, multi-homing, no provider cycles, heavy-tailed
// degrees, determinism per seed), the CAIDA as-rel format both ways, the topology it makes
// (loads, relationships agree, checks sampled), and the valley-free judgement that its
// checks use, on paths that are and are not valley-free.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { formatAsRel, parseAsRel } from "../../src/generate/as-rel.js";
import { generateInternet, internetGraph, valleyFreeReachable } from "../../src/generate/internet.js";
import { GenerateError } from "../../src/generate/shapes.js";
import { toYaml } from "../../src/generate/yaml.js";
import { relationshipsOf, valleyFree } from "../../src/intents/bgp/valley-free.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";

const fixture = fileURLToPath(new URL("../fixtures/small.as-rel", import.meta.url));

function providersOf(links: { a: number; b: number; rel: number }[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const l of links) if (l.rel === -1) m.set(l.b, [...(m.get(l.b) ?? []), l.a]);
  return m;
}

describe("the generated AS graph", () => {
  const g = internetGraph(300, 5, 7);

  test("a tier-1 clique of peers; every other AS has 1-3 providers", () => {
    const t1 = g.ases.slice(0, 5);
    for (const a of t1) {
      for (const b of t1) {
        if (a < b)
          assert.ok(
            g.links.some((l) => l.a === a && l.b === b && l.rel === 0),
            `${a}|${b}|0`,
          );
      }
    }
    const ups = providersOf(g.links);
    for (const a of t1) assert.equal(ups.get(a), undefined, `tier-1 ${a} has no provider`);
    for (const a of g.ases.slice(5)) {
      const n = ups.get(a)?.length ?? 0;
      assert.ok(n >= 1 && n <= 3, `AS ${a} has ${n} providers`);
    }
    assert.ok(
      [...ups.values()].some((p) => p.length > 1),
      "multi-homing",
    );
    assert.ok(
      g.links.some((l) => l.rel === 0 && !t1.includes(l.a)),
      "peering below tier 1",
    );
  });

  test("no customer-provider cycle (providers come from higher tiers, made first)", () => {
    const pos = new Map(g.ases.map((a, i) => [a, i]));
    for (const l of g.links.filter((x) => x.rel === -1)) {
      assert.ok((pos.get(l.a) as number) < (pos.get(l.b) as number), `${l.a} before its customer ${l.b}`);
    }
  });

  test("heavy-tailed degrees: the largest is many times the median", () => {
    const deg = new Map<number, number>();
    for (const l of g.links) for (const a of [l.a, l.b]) deg.set(a, (deg.get(a) ?? 0) + 1);
    const d = [...deg.values()].sort((x, y) => x - y);
    const median = d[Math.floor(d.length / 2)] as number;
    assert.ok((d[d.length - 1] as number) >= 10 * median, `max ${d[d.length - 1]} vs median ${median}`);
  });

  test("deterministic for a seed, different for another", () => {
    const a = toYaml(generateInternet({ ases: 120, seed: 42 }).topology);
    assert.equal(toYaml(generateInternet({ ases: 120, seed: 42 }).topology), a);
    assert.notEqual(toYaml(generateInternet({ ases: 120, seed: 43 }).topology), a);
  });

  test("every pair of ASes has a valley-free path (through the tier-1 clique)", () => {
    for (let i = 0; i < 40; i++) {
      const a = g.ases[(i * 37) % g.ases.length] as number;
      const b = g.ases[(i * 91 + 5) % g.ases.length] as number;
      assert.ok(valleyFreeReachable(g, a, b), `${a} → ${b}`);
    }
  });

  test("bad sizes are refused", () => {
    assert.throws(() => generateInternet({ ases: 1 }), GenerateError);
    assert.throws(() => generateInternet({ ases: 10, tier1: 11 }), /--tier1/);
    assert.throws(() => generateInternet({ ases: 10, prefixesPerAs: 0 }), /--prefixes-per-as/);
    assert.throws(() => generateInternet({}), /--ases/);
  });
});

describe("the generated topology", () => {
  test("loads; relationships agree at both ends; checks sample pairs with valley-free routes and pings", () => {
    const { topology, asRel } = generateInternet({ ases: 60, prefixesPerAs: 2, name: "t60" });
    const lab = parseTopology(toYaml(topology), "t.yml");
    assert.equal(lab.nodes.length, 60);
    assert.equal(lab.nodes[0]?.stack?.name, "bird");
    const r0 = lab.nodes[0]?.intents.bgp;
    assert.deepEqual(r0?.networks, ["100.64.0.0/24", "100.64.1.0/24"]);
    assert.deepEqual(lab.nodes[0]?.loopback, ["100.64.0.1/24", "100.64.1.1/24"]);
    assert.ok(r0?.neighbors.every((n) => n.relationship !== undefined));
    const checks = lab.checks ?? [];
    assert.equal(checks.length, 24);
    assert.ok(
      checks.filter((c) => c.spec.type === "bgp-route").every((c) => c.spec.type === "bgp-route" && c.spec.valleyFree),
    );
    assert.equal(checks.filter((c) => c.spec.type === "ping").length, 12);
    assert.equal(parseAsRel(asRel, "x").links.length, lab.links.length);
  });

  test("--routers-per-as: transit ASes are full meshes with OSPF and iBGP inside; stubs stay one router", () => {
    const { topology, graph } = generateInternet({ ases: 60, routersPerAs: 3, name: "t60m", stack: "frr" });
    const lab = parseTopology(toYaml(topology), "t.yml");
    const transit = new Set(graph.links.filter((l) => l.rel === -1).map((l) => l.a));
    const byAs = new Map<number, typeof lab.nodes>();
    for (const n of lab.nodes) {
      const asn = n.intents.bgp?.asn as number;
      byAs.set(asn, [...(byAs.get(asn) ?? []), n]);
    }
    assert.equal(lab.nodes.length, 60 + 2 * transit.size);
    for (const [asn, routers] of byAs) {
      if (!transit.has(asn)) {
        assert.deepEqual(
          routers.map((r) => r.name),
          [`as${asn}`],
        );
        assert.equal(routers[0]?.intents.ospf, undefined, "a stub runs no IGP");
        continue;
      }
      assert.deepEqual(
        routers.map((r) => r.name),
        [1, 2, 3].map((j) => `as${asn}r${j}`),
      );
      const loopbacks = routers.map((r) => r.loopback?.[0]);
      assert.equal(new Set(loopbacks).size, 3, "each router its own /32");
      for (const r of routers) {
        assert.match(r.loopback?.[0] ?? "", /\/32$/);
        assert.ok(r.intents.ospf, `${r.name} runs OSPF`);
        const bgp = r.intents.bgp;
        assert.deepEqual(
          bgp?.originate,
          [routers[0]?.intents.bgp?.originate?.[0]],
          "every router originates the AS's prefix",
        );
        const ibgp = bgp?.neighbors.filter((n) => n.remoteAs === asn) ?? [];
        assert.equal(ibgp.length, 2, `${r.name}: iBGP full mesh`);
        assert.ok(ibgp.every((n) => n.nextHopSelf && n.relationship === undefined));
      }
    }
    // Every AS relationship is one cable and one eBGP session pair; inter-AS cables stay out of OSPF.
    const interAs = lab.links.filter((l) => {
      const [a, b] = [l.a, l.b].map((e) => lab.nodes.find((n) => n.name === e.node)?.intents.bgp?.asn);
      return a !== b;
    });
    assert.equal(interAs.length, graph.links.length);
    const ospfPorts = lab.nodes.flatMap((n) => (n.intents.ospf?.interfaces ?? []).map((i) => `${n.name}:${i.port}`));
    for (const l of interAs)
      for (const e of [l.a, l.b]) assert.ok(!ospfPorts.includes(`${e.node}:${e.port}`), `${e.node}:${e.port} in OSPF`);
    // The checks look from a transit AS's first router.
    const names = new Set(lab.nodes.map((n) => n.name));
    for (const c of lab.checks ?? []) {
      const at = c.spec.type === "ping" ? c.spec.from : c.spec.type === "bgp-route" ? c.spec.node : undefined;
      assert.ok(at && names.has(at), `check at ${at}`);
    }
    assert.throws(() => generateInternet({ ases: 10, routersPerAs: 5 }), GenerateError);
  });

  test("more than 534 ASes take 4-byte private ASNs", () => {
    const { topology } = generateInternet({ ases: 600, stack: "frr" });
    const lab = parseTopology(toYaml(topology), "t.yml");
    assert.equal(lab.nodes[0]?.intents.bgp?.asn, 4200000001);
    assert.equal(lab.nodes[0]?.name, "as4200000001");
  });
});

describe("as-rel files", () => {
  test("the repository's small file builds a lab (4-byte ASN, serial-2 field, multi-homed stub)", () => {
    const text = readFileSync(fixture, "utf8");
    const { topology, graph } = generateInternet({ asRel: { text, file: "small.as-rel" }, stack: "frr" });
    assert.equal(graph.ases.length, 8);
    const lab = parseTopology(toYaml(topology), "t.yml");
    const stub = lab.nodes.find((n) => n.name === "as4200000021")?.intents.bgp;
    assert.deepEqual(
      stub?.neighbors.map((n) => `${n.node}:${n.relationship}`),
      ["as64511:provider"],
    );
    const t = lab.nodes.find((n) => n.name === "as64510")?.intents.bgp;
    assert.deepEqual(
      t?.neighbors.map((n) => `${n.node}:${n.relationship}`),
      ["as64500:provider", "as64501:provider", "as64511:peer", "as64520:customer"],
    );
    assert.ok((lab.checks ?? []).length > 0);
  });

  test("written and read back: the same graph", () => {
    const g = internetGraph(50, 3, 1);
    const back = parseAsRel(formatAsRel(g, ["test"]), "x");
    assert.deepEqual(back.links, g.links);
    assert.deepEqual(
      back.ases,
      [...g.ases].sort((a, b) => a - b),
    );
  });

  test("errors name the line", () => {
    assert.throws(() => parseAsRel("# c\n1|2|-1\n2|3|1\n", "f.as-rel"), /^Error: f\.as-rel:3: relationship '1'/);
    assert.throws(() => parseAsRel("1|2|-1\n2|1|0\n", "f"), /f:2: AS 2 and AS 1 are already related on line 1/);
    assert.throws(() => parseAsRel("1|x|0\n", "f"), /f:1: 'x' is not an AS number/);
    assert.throws(() => parseAsRel("5|5|0\n", "f"), /f:1: AS 5 cannot have a relationship with itself/);
    assert.throws(() => parseAsRel("# nothing\n", "f"), /no AS relationships/);
    assert.throws(() => generateInternet({ ases: 5, asRel: { text: "1|2|0\n", file: "f" } }), /do not apply/);
  });
});

describe("valley-free", () => {
  // 1 and 2 peer (tier 1); 1 provides 10, 2 provides 20; 10 and 20 peer; 10 provides 100.
  const g = parseAsRel("1|2|0\n1|10|-1\n2|20|-1\n10|20|0\n10|100|-1\n", "g");
  const { topology } = generateInternet({ asRel: { text: formatAsRel(g, []), file: "g" }, stack: "frr" });
  const rels = relationshipsOf(parseTopology(toYaml(topology), "t.yml").nodes);

  test("up, one peer link, down: valley-free", () => {
    assert.equal(valleyFree(100, "10 1 2 20", rels).ok, true); // up, up, peer, down
    assert.equal(valleyFree(100, "10 20", rels).ok, true); // up, peer
    assert.equal(valleyFree(1, "10 100", rels).ok, true); // down, down
    assert.equal(valleyFree(20, "", rels).ok, true); // own route
    assert.equal(valleyFree(100, "10 10 10 1", rels).ok, true); // prepending is one hop
  });

  test("a crafted valley fails, saying where", () => {
    // 1 → 10 (down) → 20 (peer after descending): a valley.
    const v = valleyFree(1, "10 20", rels);
    assert.equal(v.ok, false);
    assert.match(v.ok ? "" : v.why, /a peer link \(AS 10 → AS 20\) after the path had crossed a peer or descended/);
    // 100 → 10 (up) → 20 (peer) → 2 (up to 20's provider after the peer link).
    const w = valleyFree(100, "10 20 2", rels);
    assert.equal(w.ok, false);
    assert.match(w.ok ? "" : w.why, /a climb to a provider \(AS 20 → AS 2\)/);
    // Two peer links in a row.
    assert.equal(valleyFree(10, "20 2", rels).ok, false);
  });

  test("an AS the lab does not relate, or an AS set, is not valley-free", () => {
    assert.match(JSON.stringify(valleyFree(1, "77", rels)), /no relationship between AS 1 and AS 77/);
    assert.match(JSON.stringify(valleyFree(1, "10 {20,30}", rels)), /not an AS number/);
  });

  test("a valley-free check on a router without relationships is refused at file:line:col", () => {
    const text = `name: v
nodes:
  a: { bgp: { asn: 65001, neighbors: [b] } }
  b: { bgp: { asn: 65002, networks: [10.9.0.0/24], neighbors: [a] } }
links: [[{ endpoint: a:e1, ip: 10.0.0.0/31 }, { endpoint: b:e1, ip: 10.0.0.1/31 }]]
checks:
  - bgp-route: { node: a, prefix: 10.9.0.0/24, valley-free: true }
`;
    assert.throws(
      () => parseTopology(text, "t.yml"),
      (e: unknown) =>
        e instanceof TopologyError &&
        /^t\.yml:7:\d+: .*valley-free needs the relationships of a's BGP neighbors/.test(e.message),
    );
  });
});

describe("wirelab generate internet (the built CLI)", () => {
  const bin = fileURLToPath(new URL("../../bin/wirelab.js", import.meta.url));
  const built = existsSync(fileURLToPath(new URL("../../dist", import.meta.url)));

  test("-o writes the topology and the as-rel file beside it; bad flags exit 2", {
    skip: !built && "npm run build first",
  }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "wirelab-inet-"));
    try {
      const out = path.join(dir, "small.yml");
      const r = await run(process.execPath, [
        bin,
        "generate",
        "internet",
        "--from-as-rel",
        fixture,
        "--stack",
        "frr",
        "-o",
        out,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Wrote .*small\.as-rel: 11 AS relationships/);
      const rel = parseAsRel(readFileSync(path.join(dir, "small.as-rel"), "utf8"), "x");
      assert.equal(rel.ases.length, 8);
      assert.match(readFileSync(out, "utf8"), /relationship: customer/);
      const bad = await run(process.execPath, [bin, "generate", "internet", "--ases", "10", "--tier1", "20"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--tier1 must be/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
