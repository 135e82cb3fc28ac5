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
