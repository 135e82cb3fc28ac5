// The graph page's pure parts: the view model from a topology, session pairing,
// diffs, and the static exports (Mermaid, DOT, the self-contained HTML).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../../src/topology/load.js";
import { exportHtml, toDot, toMermaid } from "../../src/web/export.js";
import {
  addressOwners,
  applyDiff,
  diffSnapshot,
  modelSnapshot,
  networkOf,
  pairSessions,
  type SessionHalf,
} from "../../src/web/snapshot.js";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../integration/fixtures/${name}`, import.meta.url));

describe("snapshot from the model", () => {
  test("seed: three routers, two cables with ports and subnets, two configured eBGP sessions", async () => {
    const snap = modelSnapshot(await loadTopology(example("seed-ebgp.yml")));
    assert.deepEqual(Object.keys(snap.nodes), ["ops1", "ops2", "ops3"]);
    assert.deepEqual(
      Object.values(snap.nodes).map((n) => n.asn),
      [65001, 65002, 65003],
    );
    assert.deepEqual(
      Object.values(snap.cables).map((c) => [c.id, c.a.port, c.b.port, c.subnet, c.state]),
      [
        ["ops1:1--ops2:1", "1", "1", "192.168.101.0/24", "unknown"],
        ["ops2:2--ops3:1", "2", "1", "192.168.102.0/24", "unknown"],
      ],
    );
    assert.deepEqual(
      Object.values(snap.sessions).map((s) => [s.id, s.a, s.b, s.asA, s.asB, s.type, s.state, s.established]),
      [
        ["ops1~ops2~ipv4", "ops1", "ops2", 65001, 65002, "ebgp", "configured", false],
        ["ops2~ops3~ipv4", "ops2", "ops3", 65002, 65003, "ebgp", "configured", false],
      ],
    );
    assert.equal(snap.meta.live, false);
  });

  test("bridges are segment nodes; their cables carry the bridge's port names", async () => {
    const snap = modelSnapshot(await loadTopology(example("seed-bridges.yml")));
    assert.equal(snap.nodes.net101?.kind, "bridge");
    assert.deepEqual(snap.nodes.net101?.subnets, ["192.168.101.0/24"]);
    assert.deepEqual(
      Object.keys(snap.cables).sort(),
      ["ops1:1--net101:p1", "ops2:1--net101:p2", "ops2:2--net102:p1", "ops3:1--net102:p2"].sort(),
    );
    // Routers on one bridge peer with each other: two sessions, not four.
    assert.equal(Object.keys(snap.sessions).length, 2);
  });

  test("a link's impairment from the topology shows on both ends", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-web-"));
    try {
      const file = path.join(dir, "imp.yml");
      await writeFile(
        file,
        "name: imp\nnodes: { r1: { kind: linux }, r2: { kind: linux } }\n" +
          "links:\n  - endpoints: [r1:1, r2:1]\n    impairment: { delay: 20ms, loss: 1%, rate: 10mbit }\n",
      );
      const snap = modelSnapshot(await loadTopology(file));
      const c = snap.cables["r1:1--r2:1"];
      assert.equal(c?.impaired, true);
      assert.equal(c?.a.impairment, "delay 20ms, loss 1%, rate 10mbit");
      assert.equal(c?.b.impairment, c?.a.impairment);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("IPv4 and IPv6 sessions between the same routers are two sessions", async () => {
    const snap = modelSnapshot(await loadTopology(fixture("kinds.yml")));
    assert.deepEqual(Object.keys(snap.sessions).sort(), ["r1~r2~ipv4", "r1~r2~ipv6"]);
    assert.equal(snap.nodes.h1?.kind, "linux");
  });
});

describe("pieces", () => {
  test("pairSessions: halves from both routers pair up; a peer outside the lab stays alone", () => {
    const owners = new Map([
      ["10.0.0.0", "a"],
      ["10.0.0.1", "b"],
    ]);
    const halves: SessionHalf[] = [
      { node: "b", peerAddress: "10.0.0.0", remoteAs: 1, localAs: 2, state: "Active" },
      { node: "a", peerAddress: "10.0.0.1", remoteAs: 2, localAs: 1, state: "Established", pfxRcd: 3, pfxSnt: 1 },
      { node: "a", peerAddress: "192.0.2.9", remoteAs: 9, localAs: 1, state: "Connect" },
    ];
    const s = pairSessions(halves, owners);
    assert.deepEqual(Object.keys(s), ["a~b~ipv4", "a~192.0.2.9"]);
    assert.equal(s["a~b~ipv4"]?.state, "Active", "not Established while one side is not");
    assert.equal(s["a~b~ipv4"]?.established, false);
    assert.equal(s["a~b~ipv4"]?.addressA, "10.0.0.0");
    assert.equal(s["a~192.0.2.9"]?.b, undefined);
  });

  test("addressOwners maps interface and loopback addresses to nodes", async () => {
    const owners = addressOwners(await loadTopology(fixture("kinds.yml")));
    assert.equal(owners.get("10.255.0.1"), "r1");
    assert.equal(owners.get("2001:db8::1"), "r2");
  });

  test("networkOf", () => {
    assert.equal(networkOf("192.168.101.1/24"), "192.168.101.0/24");
    assert.equal(networkOf("2001:db8::1/127"), "2001:db8::/127");
    assert.equal(networkOf("nonsense"), undefined);
  });

  test("diffSnapshot sends only what changed; applyDiff gets the same snapshot", async () => {
    const lab = await loadTopology(example("seed-ebgp.yml"));
    const before = modelSnapshot(lab);
    assert.equal(diffSnapshot(before, modelSnapshot(lab)), undefined, "no change, no diff");
    const after = modelSnapshot(lab);
    const cable = after.cables["ops2:2--ops3:1"];
    assert.ok(cable);
    cable.state = "down";
    cable.b.operstate = "DOWN";
    delete after.sessions["ops2~ops3~ipv4"];
    after.meta.phase = "running";
    const diff = diffSnapshot(before, after);
    assert.ok(diff);
    assert.deepEqual(
      diff.changes.map(([s, id]) => `${s}/${id}`),
      ["meta/", "cables/ops2:2--ops3:1", "sessions/ops2~ops3~ipv4"],
    );
    assert.deepEqual(applyDiff(structuredClone(before), diff), after);
  });
});

describe("exports", () => {
  test("Mermaid and DOT name every node and cable (bridges too)", async () => {
    for (const file of [example("seed-ebgp.yml"), example("seed-bridges.yml"), fixture("kinds.yml")]) {
      const lab = await loadTopology(file);
      const snap = modelSnapshot(lab);
      const mermaid = toMermaid(snap);
      const dot = toDot(snap);
      for (const n of lab.nodes) {
        assert.match(mermaid, new RegExp(`n_${n.name}[[({]+"${n.name}<br/>`), `${file}: mermaid has ${n.name}`);
        assert.match(dot, new RegExp(`^  "${n.name}" \\[label="${n.name}\\\\n`, "m"), `${file}: dot has ${n.name}`);
      }
      for (const l of lab.links) {
        const mid = `"${l.a.port} ↔ ${l.b.port}`;
        assert.ok(mermaid.includes(`n_${l.a.node} ---|${mid}`), `${file}: mermaid has ${l.a.node}:${l.a.port}`);
        assert.ok(
          dot.includes(`"${l.a.node}" -- "${l.b.node}" [taillabel="${l.a.port}", headlabel="${l.b.port}"`),
          `${file}: dot has ${l.a.node}:${l.a.port} -- ${l.b.node}:${l.b.port}`,
        );
      }
      assert.equal(mermaid.match(/ ---\|/g)?.length, lab.links.length);
    }
  });

  test("routing views group routers by AS", async () => {
    const snap = modelSnapshot(await loadTopology(example("seed-ebgp.yml")));
    const mermaid = toMermaid(snap, "routing");
    assert.match(mermaid, /subgraph as65001\["AS 65001"\]/);
    assert.equal(mermaid.match(/eBGP · configured/g)?.length, 2);
    const dot = toDot(snap, "routing");
    assert.match(dot, /subgraph "cluster_as65003" \{\n {4}label="AS 65003";/);
  });

  test("labels cannot break out of their quotes", () => {
    const name = 'a"b<c>\\';
    const snap = {
      meta: { lab: 'x"y', phase: "p", live: false },
      nodes: {
        [name]: {
          name,
          kind: "frr",
          role: "router",
          status: "s",
          loopback: [],
          subnets: [],
          daemons: [],
          ports: [],
          announced: [],
          received: [],
        },
      },
      cables: {},
      sessions: {},
    };
    const dot = toDot(snap);
    assert.match(dot, /^graph "x\\"y" \{/);
    assert.ok(dot.includes('"a\\"b<c>\\\\" [label="a\\"b<c>\\\\\\nfrr"'), dot);
    const mermaid = toMermaid(snap);
    assert.ok(mermaid.includes('n_a_b_c__["a#quot;b#lt;c#gt;\\<br/>frr"]'), mermaid);
  });

  test("the HTML export inlines everything and embeds the snapshot safely", async () => {
    const snap = modelSnapshot(await loadTopology(example("seed-ebgp.yml")));
    snap.meta.lab = "</script><script>alert(1)</script>";
    const html = await exportHtml(snap);
    assert.doesNotMatch(html, /<script src=/);
    assert.doesNotMatch(html, /<link rel="stylesheet"/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.ok(!html.includes("<script>alert(1)"), "the snapshot cannot close its script element");
    const json = /<script type="application\/json" id="wirelab-snapshot">(.*?)<\/script>/s.exec(html)?.[1];
    assert.ok(json);
    assert.equal(JSON.parse(json).snapshot.meta.lab, snap.meta.lab);
    // Every inline script is closed by its own end tag only.
    const opens = html.match(/<script\b/g)?.length ?? 0;
    assert.equal(html.match(/<\/script>/g)?.length, opens);
  });
});
