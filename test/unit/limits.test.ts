// deploy's up-front memory check with the per-stack estimates calibrated by `npm run bench`
// (docs/benchmarks.md, "Memory estimate"): what will not fit is refused, what will is accepted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkFit, estimateMb } from "../../src/core/limits.js";
import type { Lab, NodeModel } from "../../src/core/model.js";
import { findNode } from "../../src/core/model.js";
import { chain, clos } from "../../src/generate/shapes.js";
import { toYaml } from "../../src/generate/yaml.js";
import { birdMemoryMb } from "../../src/stacks/bird/memory.js";
import { frrMemoryMb } from "../../src/stacks/frr/memory.js";
import { parseTopology } from "../../src/topology/load.js";

function lab(routers: number, hosts: number): Lab {
  const node = (name: string, kind: "frr" | "linux"): NodeModel => ({
    name,
    kind,
    role: kind === "frr" ? "router" : "host",
    ports: [],
    loopback: [],
    forwarding: kind === "frr",
    intents: {},
    ...(kind === "frr" ? { stack: { name: "frr", options: { daemons: ["zebra", "staticd"] } } } : {}),
    runtime: { name: "netns" },
    subnets: [],
  });
  return {
    name: "big",
    nodes: [
      ...Array.from({ length: routers }, (_, i) => node(`r${i}`, "frr")),
      ...Array.from({ length: hosts }, (_, i) => node(`h${i}`, "linux")),
    ],
    links: [],
  };
}

const load = (t: Parameters<typeof toYaml>[0]): Lab => parseTopology(toYaml(t, "test"), "gen.yml");

test("a lab that fits is accepted: routers as their daemons cost, hosts 1 MB", () => {
  const fit = checkFit(lab(100, 100), 24_000);
  assert.equal(fit.ok, true);
  // zebra 9.5 + staticd 5, no BGP peers.
  assert.equal(fit.neededMb, Math.ceil(100 * 14.5 + 100));
});

test("a lab that does not fit is refused with a message that says why, in numbers", () => {
  const fit = checkFit(lab(1000, 0), 2_000);
  assert.equal(fit.ok, false);
  assert.match(
    fit.message ?? "",
    /lab 'big' needs about 14500 MB \(1000 FRR routers × ~15 MB, 0 other nodes\) but this machine has 2000 MB available/,
  );
});

test("per-stack estimates grow with BGP sessions: FRR's receive ring per peer, BIRD's per-session cost", () => {
  const frr = load(clos({ spines: 4, leaves: 96 }));
  const bird = load(clos({ spines: 4, leaves: 96, stack: "bird" }));
  const at = (l: Lab, n: string) => findNode(l, n) as NodeModel;
  // Measured (bench): FRR leaf ~26 MB, spine ~93 MB; BIRD leaf ~3.1 MB, spine ~5.1 MB.
  assert.ok(Math.abs(frrMemoryMb(at(frr, "leaf1")) - 25.8) < 0.01);
  assert.ok(Math.abs(frrMemoryMb(at(frr, "spine1")) - 90.2) < 0.01);
  assert.ok(birdMemoryMb(at(bird, "leaf1")) > 2.9 && birdMemoryMb(at(bird, "leaf1")) < 3.1);
  assert.ok(birdMemoryMb(at(bird, "spine1")) > 4.9 && birdMemoryMb(at(bird, "spine1")) < 5.1);
  // The whole fabric: FRR ~2.8 GB, BIRD ~0.3 GB.
  assert.equal(estimateMb(frr), Math.ceil(96 * 25.8 + 4 * 90.2));
  assert.ok(estimateMb(bird) < 320);
});

test("3,000 BIRD routers fit a 24 GB machine; 3,000 FRR routers do not, nor 3,000 BIRD routers on 8 GB", () => {
  const bird = load(chain(3000, { stack: "bird" }));
  const frr = load(chain(3000));
  const free = 22_000; // MemAvailable of the 24 GB bench machine, idle
  const b = checkFit(bird, free);
  assert.equal(b.ok, true, b.message);
  assert.ok(b.neededMb > 8_000 && b.neededMb < 9_500, String(b.neededMb));
  const f = checkFit(frr, free);
  assert.equal(f.ok, false);
  assert.match(f.message ?? "", /3000 FRR routers × ~24 MB/);
  const small = checkFit(bird, 8_000);
  assert.equal(small.ok, false);
  assert.match(small.message ?? "", /3000 BIRD routers × ~3 MB/);
});

test("Gao-Rexford labs: BIRD counts the routes each router will receive (customer cones, full tables from providers)", async () => {
  const { generateInternet } = await import("../../src/generate/internet.js");
  const { receivedRoutes } = await import("../../src/intents/bgp/routes-estimate.js");
  const { topology, graph } = generateInternet({ ases: 60, seed: 3, stack: "bird" });
  const lab = parseTopology(toYaml(topology), "i.yml");
  const routes = receivedRoutes(lab);
  assert.ok(routes);
  // A stub with one provider receives the whole table (60 prefixes) and nothing else.
  const providersOf = (asn: number) => graph.links.filter((l) => l.rel === -1 && l.b === asn).length;
  const stub = lab.nodes.find((n) => {
    const asn = n.intents.bgp?.asn as number;
    return (
      providersOf(asn) === 1 &&
      !graph.links.some((l) => l.rel === -1 && l.a === asn) &&
      n.intents.bgp?.neighbors.length === 1
    );
  });
  assert.ok(stub);
  assert.equal(routes.get(stub.name), 60);
  // A tier-1 (no provider) receives its customers' cones and its peers' cones: fewer than one
  // table per session, more than one route per session.
  const t1 = lab.nodes[0] as NodeModel;
  const n1 = t1.intents.bgp?.neighbors.length ?? 0;
  assert.ok((routes.get(t1.name) ?? 0) > n1 && (routes.get(t1.name) ?? 0) < n1 * 60, String(routes.get(t1.name)));
  // The estimate grows with them; without the lab (or without relationships) it is the session formula.
  assert.ok(birdMemoryMb(t1, lab) > birdMemoryMb(t1));
  assert.equal(birdMemoryMb(stub, lab), birdMemoryMb(stub) + 60 * 0.00035);
  assert.equal(receivedRoutes(parseTopology(toYaml(chain(4, { stack: "bird" })), "c.yml")), undefined);
});
