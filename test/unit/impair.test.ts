// Units as people write them, the tc commands an impairment becomes, and reading tc's JSON
// back (captured from iproute2 6.1 for tbf; netem's JSON shape as q_netem.c prints it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import { renderPlan } from "../../src/core/plan.js";
import { parseQdiscs, tcQdiscArgs } from "../../src/links/impair.js";
import { describeImpairment, parseImpairment } from "../../src/topology/impairment.js";
import { parseTopology } from "../../src/topology/load.js";
import { formatMs, formatRate, parseDuration, parsePercent, parseRate } from "../../src/topology/units.js";

test("durations: units required in text, bare numbers in the caller's unit", () => {
  assert.equal(parseDuration("500ms", "s"), 500);
  assert.equal(parseDuration("30s", "ms"), 30_000);
  assert.equal(parseDuration("2m", "s"), 120_000);
  assert.equal(parseDuration("250us", "s"), 0.25);
  assert.equal(parseDuration(5, "s"), 5000);
  assert.equal(parseDuration(20, "ms"), 20);
  assert.match(String(parseDuration("30", "s")), /needs a unit/);
  assert.match(String(parseDuration("soon", "s")), /not a duration/);
  assert.match(String(parseDuration(-1, "s")), /not a duration/);
});

test("percentages and rates", () => {
  assert.equal(parsePercent("1%"), 1);
  assert.equal(parsePercent("0.5"), 0.5);
  assert.equal(parsePercent(2), 2);
  assert.match(String(parsePercent("101%")), /out of range/);
  assert.match(String(parsePercent("lots")), /not a percentage/);
  assert.equal(parseRate("10mbit"), 10_000_000);
  assert.equal(parseRate("512kbit"), 512_000);
  assert.equal(parseRate("1Gbit"), 1_000_000_000);
  assert.equal(parseRate("1.5mbit"), 1_500_000);
  assert.match(String(parseRate("10mbps")), /bytes units are not accepted/);
  assert.match(String(parseRate(10)), /needs a unit/);
  assert.equal(formatRate(10_000_000), "10mbit");
  assert.equal(formatRate(1_500_000), "1500kbit");
  assert.equal(formatRate(1234), "1234bit");
  assert.equal(formatMs(50), "50ms");
  assert.equal(formatMs(2000), "2s");
  assert.equal(formatMs(0.25), "250us");
  assert.equal(formatMs(1.5), "1.5ms");
});

test("an impairment becomes one tc qdisc: netem, or tbf for a bare rate", () => {
  const imp = parseImpairment({
    delay: "50ms",
    jitter: "5ms",
    loss: "1%",
    duplicate: 0.5,
    corrupt: "0.1%",
    rate: "10mbit",
  });
  assert.ok(!("message" in imp));
  assert.deepEqual(tcQdiscArgs("1", imp), [
    ...["qdisc", "replace", "dev", "1", "root", "netem", "limit", "10000"],
    ...["delay", "50ms", "5ms", "loss", "1%", "duplicate", "0.5%", "corrupt", "0.1%", "rate", "10mbit"],
  ]);
  assert.equal(describeImpairment(imp), "delay 50ms ±5ms, loss 1%, duplicate 0.5%, corrupt 0.1%, rate 10mbit");
  // 1 mbit/s: a bucket of two full frames (more than 10 ms of traffic), a 64 KiB queue.
  assert.deepEqual(tcQdiscArgs("Ethernet1_1", { rateBps: 1_000_000 }), [
    ...["qdisc", "replace", "dev", "Ethernet1_1", "root", "tbf", "rate", "1mbit"],
    ...["burst", "3028", "limit", String(3028 + 65536)],
  ]);
  // 10 gbit/s: the bucket holds 10 ms of traffic.
  const fast = tcQdiscArgs("1", { rateBps: 10_000_000_000 });
  assert.equal(fast[fast.indexOf("burst") + 1], "12500000");
  // A jumbo-frame port gets a bucket that holds its frames.
  const jumbo = tcQdiscArgs("1", { rateBps: 1_000_000 }, 9000);
  assert.equal(jumbo[jumbo.indexOf("burst") + 1], "18028");
});

test("tc's JSON read back as impairments, by device", () => {
  const json = [
    { kind: "noqueue", handle: "0:", dev: "lo", root: true, refcnt: 2, options: {} },
    // iproute2 6.1, as captured here: `tc qdisc replace dev 1 root tbf rate 1mbit burst 3000 limit 100000`
    {
      kind: "tbf",
      handle: "8004:",
      dev: "1",
      root: true,
      refcnt: 3,
      options: { rate: 125000, burst: 3000, lat: 776000 },
    },
    // q_netem.c (6.1): times in seconds, probabilities as fractions, rate in bytes/s.
    {
      kind: "netem",
      handle: "8001:",
      dev: "Ethernet1_1",
      root: true,
      refcnt: 2,
      options: {
        limit: 10000,
        delay: { delay: 0.05, jitter: 0.005, correlation: 0 },
        "loss-random": { loss: 0.01, correlation: 0 },
        duplicate: { duplicate: 0.005, correlation: 0 },
        corrupt: { corrupt: 0.001, correlation: 0 },
        rate: { rate: 1250000, packetoverhead: 0, cellsize: 0, celloverhead: 0 },
        ecn: false,
        gap: 0,
      },
    },
    // A child qdisc is not the device's impairment.
    { kind: "tbf", handle: "10:", dev: "2", parent: "1:1", options: { rate: 1 } },
  ];
  const m = parseQdiscs(json);
  assert.deepEqual([...m.keys()], ["1", "Ethernet1_1"]);
  assert.deepEqual(m.get("1"), { rateBps: 1_000_000 });
  assert.deepEqual(m.get("Ethernet1_1"), {
    delayMs: 50,
    jitterMs: 5,
    lossPct: 1,
    duplicatePct: 0.5,
    corruptPct: 0.1,
    rateBps: 10_000_000,
  });
  assert.equal(parseQdiscs({}).size, 0);
});

test("deploy's plan puts a link's impairment on both ends, after the node's interfaces", () => {
  const lab = parseTopology(
    `name: p
nodes: { a: { kind: linux }, b: { kind: linux } }
links:
  - endpoints: [a:eth0, b:eth0]
    impairment: { rate: 10mbit }
  - [a:eth1, b:eth1]
`,
    "p.yml",
  );
  const plan = buildLabPlan(lab, new Map());
  const interfaces = plan.phases.find((p) => p.name === "interfaces");
  const tc = interfaces?.groups.map((g) => g.filter((s) => s.type === "exec" && s.argv[0] === "tc"));
  assert.deepEqual(
    tc?.map((g) => g.map((s) => (s.type === "exec" ? s.argv.slice(0, 9).join(" ") : ""))),
    [["tc -n wl_p_a qdisc replace dev eth0 root tbf"], ["tc -n wl_p_b qdisc replace dev eth0 root tbf"]],
  );
  // Each group brings the interfaces up (ip batch) before tc touches them.
  assert.equal(interfaces?.groups[0]?.[0]?.type, "ip");
  assert.match(renderPlan(plan), /^tc -n wl_p_a qdisc replace dev eth0 root tbf rate 10mbit burst 12500 limit /m);
});
