// `wirelab generate … --igp ospf|isis`: an IGP underlay on every router and one AS of iBGP
// between loopbacks through route reflectors (the spines; r0 of a chain or ring).
import assert from "node:assert/strict";
import { test } from "node:test";
import { chain, clos, ring } from "../../src/generate/shapes.js";
import { toYaml } from "../../src/generate/yaml.js";
import { stackOf } from "../../src/stacks/index.js";
import { parseTopology } from "../../src/topology/load.js";

const load = (t: ReturnType<typeof clos>) => parseTopology(toYaml(t), "gen.yml");

test("a Clos over OSPF: one AS, spines reflect, every session between loopbacks", () => {
  const lab = load(clos({ spines: 2, leaves: 3, hostsPerLeaf: 1, igp: "ospf" }));
  const routers = lab.nodes.filter((n) => n.role === "router");
  assert.equal(new Set(routers.map((n) => n.intents.bgp?.asn)).size, 1, "one AS");
  for (const n of routers) {
    assert.ok(n.intents.ospf, `${n.name} runs OSPF`);
    assert.deepEqual(stackOf(n)?.daemons(n), ["zebra", "bgpd", "ospfd"]);
    for (const nb of n.intents.bgp?.neighbors ?? []) {
      assert.equal(nb.updateSource, "lo", `${n.name} → ${nb.node} over loopbacks`);
      assert.match(nb.address, /^10\.255\./);
    }
  }
  const spine = lab.nodes.find((n) => n.name === "spine1");
  assert.equal(spine?.intents.bgp?.neighbors.length, 3);
  assert.ok(
    spine?.intents.bgp?.neighbors.every((nb) => nb.routeReflectorClient),
    "leaves are its clients",
  );
});

test("a ring or chain over IS-IS: r0 reflects for everyone", () => {
  for (const t of [ring(5, { igp: "isis" }), chain(4, { igp: "isis" })]) {
    const lab = load(t);
    const [r0, r1] = lab.nodes;
    assert.equal(r0?.intents.bgp?.neighbors.length, lab.nodes.length - 1);
    assert.deepEqual(
      r1?.intents.bgp?.neighbors.map((nb) => nb.node),
      ["r0"],
    );
    assert.ok(lab.nodes.every((n) => n.intents.isis));
  }
});

test("clos --evpn: EVPN on every session, host h of every leaf in VNI 10000+h, checks per VNI", () => {
  for (const igp of ["ospf", undefined] as const) {
    const lab = load(clos({ spines: 2, leaves: 3, hostsPerLeaf: 2, evpn: true, ...(igp ? { igp } : {}) }));
    const routers = lab.nodes.filter((n) => n.role === "router");
    for (const n of routers)
      assert.ok(
        n.intents.bgp?.neighbors.every((nb) => nb.evpn),
        `${n.name}: EVPN sessions`,
      );
    const leaf2 = lab.nodes.find((n) => n.name === "leaf2")?.intents.evpn;
    assert.deepEqual(
      leaf2?.vnis.map((v) => [v.vni, v.ports.map((p) => p.port), v.subnets, v.remotes.map((r) => r.node)]),
      [
        [10001, ["swp3"], ["172.16.0.0/16"], ["leaf1", "leaf3"]],
        [10002, ["swp4"], ["172.17.0.0/16"], ["leaf1", "leaf3"]],
      ],
    );
    const h = lab.nodes.find((n) => n.name === "h3-2");
    assert.deepEqual(h?.ports[0]?.addresses, ["172.17.0.3/16"]);
    assert.deepEqual(h?.intents.static ?? [], [], "a layer-2 host needs no default route");
    assert.deepEqual(
      lab.checks?.map((c) => c.spec.type),
      ["evpn-vni", "ping", "evpn-vni", "ping"],
    );
  }
});

test("clos --evpn refuses what cannot make VNIs", () => {
  assert.throws(() => clos({ spines: 1, leaves: 2, evpn: true }), /--evpn needs hosts/);
  assert.throws(() => clos({ spines: 1, leaves: 2, hostsPerLeaf: 17, evpn: true }), /at most 16 hosts per leaf/);
  assert.throws(() => clos({ spines: 1, leaves: 2, hostsPerLeaf: 1, kind: "linux", evpn: true }), /goes with routers/);
});
