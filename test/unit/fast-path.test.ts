// The fast path's plan: one process per node for its kernel setup, daemons reading their own
// config files, routers started from the edge of the topology toward its center.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import { renderPlan, type Step } from "../../src/core/plan.js";
import { providerTiers, routerStartOrder } from "../../src/core/start-order.js";
import { generateInternet } from "../../src/generate/internet.js";
import { chain, clos } from "../../src/generate/shapes.js";
import { toYaml } from "../../src/generate/yaml.js";
import { parseTopology } from "../../src/topology/load.js";

const gen = (t: Parameters<typeof toYaml>[0]) => parseTopology(toYaml(t), "gen.yml");

describe("start order", () => {
  test("a chain starts at both ends and ends in the middle", () => {
    const order = routerStartOrder(gen(chain(7)));
    assert.deepEqual(order, ["r0", "r6", "r1", "r5", "r2", "r4", "r3"]);
  });

  test("a Clos starts its leaves first, its spines last", () => {
    const order = routerStartOrder(gen(clos({ spines: 2, leaves: 3, hostsPerLeaf: 1 })));
    assert.deepEqual(order, ["leaf1", "leaf2", "leaf3", "spine1", "spine2"]);
  });
});

describe("start order with BGP relationships", () => {
  test("providers before customers, tier by tier; the most central first within a tier", () => {
    const { topology } = generateInternet({ ases: 40, name: "so" });
    const lab = gen(topology);
    const order = routerStartOrder(lab);
    const tiers = providerTiers(lab) as Map<number, number>;
    const asnOf = new Map(lab.nodes.map((n) => [n.name, n.intents.bgp?.asn as number]));
    const seq = order.map((r) => tiers.get(asnOf.get(r) as number) as number);
    assert.deepEqual(
      seq,
      [...seq].sort((a, b) => a - b),
      "tiers never go back up",
    );
    assert.equal(seq[0], 0);
    // Every provider starts before each of its customers.
    const at = new Map(order.map((r, i) => [r, i]));
    for (const n of lab.nodes) {
      for (const nb of n.intents.bgp?.neighbors ?? []) {
        if (nb.relationship === "provider")
          assert.ok((at.get(nb.node as string) as number) < (at.get(n.name) as number));
      }
    }
  });

  test("a provider cycle still gives an order: the ASes on it go last", () => {
    // a is b's provider, b is c's, c is a's: no hierarchy. t above a starts first.
    const nb = (node: string, relationship: "provider" | "customer") => ({ node, relationship });
    const lab = gen({
      name: "cyc",
      defaults: { addressing: { p2p: "10.0.0.0/24" } },
      nodes: {
        a: {
          bgp: {
            asn: 1,
            "router-id": "1.1.1.1",
            neighbors: [nb("b", "customer"), nb("c", "provider"), nb("t", "provider")],
          },
        },
        b: { bgp: { asn: 2, "router-id": "1.1.1.2", neighbors: [nb("a", "provider"), nb("c", "customer")] } },
        c: { bgp: { asn: 3, "router-id": "1.1.1.3", neighbors: [nb("b", "provider"), nb("a", "customer")] } },
        t: { bgp: { asn: 4, "router-id": "1.1.1.4", neighbors: [nb("a", "customer")] } },
      },
      links: [
        ["a:b", "b:a"],
        ["b:c", "c:b"],
        ["c:a", "a:c"],
        ["a:t", "t:a"],
      ],
    });
    const order = routerStartOrder(lab);
    assert.deepEqual([...order].sort(), ["a", "b", "c", "t"]);
    assert.equal(order[0], "t");
  });
});

describe("plan", () => {
  const lab = gen(chain(3));
  const configs = new Map(
    lab.nodes.map((n) => [
      n.name,
      { node: n.name, text: `frr defaults datacenter\nhostname ${n.name}\n`, warnings: [] },
    ]),
  );
  const plan = buildLabPlan(lab, configs);
  const phase = (name: string) => plan.phases.find((p) => p.name === name)?.groups ?? [];

  test("each node's kernel setup is one step: UTS namespace, ip batch, sysctls with the hostname", () => {
    const [r1] = phase("interfaces").slice(1, 2);
    assert.equal(r1?.length, 1);
    const step = r1?.[0] as Extract<Step, { type: "ip" }>;
    assert.equal(step.type, "ip");
    assert.equal(step.ns, "wl_chain3_r1");
    assert.equal(step.uts, "/run/wirelab/labs/chain3/nodes/r1/uts");
    assert.deepEqual(step.sysctl, [
      "net.ipv4.ip_forward=1",
      "net.ipv6.conf.all.forwarding=1",
      "net.ipv6.conf.all.keep_addr_on_down=1",
      "kernel.hostname=r1",
    ]);
    assert.ok(step.lines.includes("addr add 10.0.0.1/31 dev e1"));
    // No process in the hostnames phase any more: directories and files only.
    assert.ok(
      phase("hostnames")
        .flat()
        .every((s) => s.type === "mkdir" || s.type === "write"),
    );
  });

  test("the lab's nodes directory is bind-mounted before any UTS namespace", () => {
    assert.ok(
      phase("namespaces")
        .flat()
        .some(
          (s) =>
            s.type === "exec" &&
            s.argv.join(" ") ===
              "mount --bind --make-private /run/wirelab/labs/chain3/nodes /run/wirelab/labs/chain3/nodes",
        ),
    );
  });

  test("intent-only routers: a config file per daemon, read at start, no vtysh -f", () => {
    const routing = phase("routing");
    assert.deepEqual(
      routing.map((g) => g.filter((s) => s.type === "exec").map((s) => (s.type === "exec" ? s.argv[4] : ""))),
      [
        ["/usr/lib/frr/zebra", "/usr/lib/frr/bgpd"],
        ["/usr/lib/frr/zebra", "/usr/lib/frr/bgpd"],
        ["/usr/lib/frr/zebra", "/usr/lib/frr/bgpd"],
      ],
    );
    const text = renderPlan(plan);
    assert.match(
      text,
      /bgpd -d -N wl_chain3_r0 -f \/run\/wirelab\/labs\/chain3\/nodes\/r0\/bgpd\.conf -P 0 --limit-fds 1024/,
    );
    assert.doesNotMatch(text, /vtysh .* -f /);
    assert.match(
      text,
      /unshare --uts=\/run\/wirelab\/labs\/chain3\/nodes\/r0\/uts nsenter --net=\/run\/netns\/wl_chain3_r0 sysctl -qw .*kernel\.hostname=r0/,
    );
  });
});
