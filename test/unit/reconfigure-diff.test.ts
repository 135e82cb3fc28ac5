// deploy --reconfigure, without a kernel: the recorded model against the file's
// (core/lifecycle/diff.ts), and the plan that turns one into the other (hosts and bridges:
// no routing stack, so no config is rendered and nothing runs).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diffLabs, hostUnchanged } from "../../src/core/lifecycle/diff.js";
import { nodeStates } from "../../src/core/lifecycle/plan.js";
import { planReconfigure } from "../../src/core/lifecycle/reconfigure.js";
import type { Lab } from "../../src/core/model.js";
import { renderPlan } from "../../src/core/plan.js";
import type { LabState } from "../../src/core/state.js";
import { lab } from "./topo-helpers.js";

const BASE = `name: rc
nodes:
  r1: { bgp: { asn: 65001, neighbors: [r2] } }
  r2: { bgp: { asn: 65002, neighbors: [r1] } }
  r3: { bgp: { asn: 65003, router-id: 10.0.0.3 } }
links:
  - endpoints: [{ endpoint: r1:1, ip: 10.0.12.1/30 }, { endpoint: r2:1, ip: 10.0.12.2/30 }]
  - endpoints: [{ endpoint: r2:2, ip: 10.0.23.1/30 }, { endpoint: r3:1, ip: 10.0.23.2/30 }]
`;

describe("reconfigure diff (model against model)", () => {
  test("the same file: nothing differs", () => {
    const d = diffLabs(lab(BASE), lab(BASE));
    assert.ok(hostUnchanged(d));
    assert.deepEqual(d.kept, ["r1", "r2", "r3"]);
    assert.deepEqual(d.other, []);
  });

  test("a new router and its cable: the node, the cable, and the kept end's port to set up", () => {
    const d = diffLabs(
      lab(BASE),
      lab(
        `${BASE.replace("  r3: { bgp: { asn: 65003, router-id: 10.0.0.3 } }", "  r3: { bgp: { asn: 65003, router-id: 10.0.0.3 } }\n  r4: { bgp: { asn: 65004 } }")}  - endpoints: [{ endpoint: r2:3, ip: 10.0.24.1/30 }, { endpoint: r4:1, ip: 10.0.24.2/30 }]\n`,
      ),
    );
    assert.deepEqual(
      d.addNodes.map((n) => n.name),
      ["r4"],
    );
    assert.deepEqual(
      d.addLinks.map((l) => `${l.a.node}:${l.a.port}-${l.b.node}:${l.b.port}`),
      ["r2:3-r4:1"],
    );
    assert.deepEqual(d.newPorts, [{ node: "r2", port: "3" }]);
    assert.deepEqual(d.removeNodes, []);
    assert.deepEqual(d.removeLinks, []);
    assert.deepEqual(d.ports, []);
  });

  test("a removed router: its cables go with its namespace, the kept end is not touched", () => {
    const after = BASE.replace("  r3: { bgp: { asn: 65003, router-id: 10.0.0.3 } }\n", "").replace(
      / {2}- endpoints: \[\{ endpoint: r2:2.*\n/,
      "",
    );
    const d = diffLabs(lab(BASE), lab(after));
    assert.deepEqual(
      d.removeNodes.map((n) => n.name),
      ["r3"],
    );
    assert.deepEqual(d.removeLinks, [], "the veth goes with r3's namespace");
    assert.deepEqual(d.addNodes, []);
  });

  test("a cable removed between two routers that stay is removed on its own", () => {
    const after = BASE.replace(/ {2}- endpoints: \[\{ endpoint: r2:2.*\n/, "");
    const d = diffLabs(lab(BASE), lab(after));
    assert.deepEqual(
      d.removeLinks.map((l) => `${l.a.node}:${l.a.port}`),
      ["r2:2"],
    );
    assert.deepEqual(d.removeNodes, []);
  });

  test("a changed address, MTU and shutdown are port changes on the node that stays", () => {
    const after = BASE.replace("{ endpoint: r1:1, ip: 10.0.12.1/30 }", "{ endpoint: r1:1, ip: 10.0.12.5/30 }")
      .replace("{ endpoint: r2:1, ip: 10.0.12.2/30 }", "{ endpoint: r2:1, ip: 10.0.12.6/30 }")
      .replace(
        "  r3: { bgp: { asn: 65003, router-id: 10.0.0.3 } }",
        "  r3: { bgp: { asn: 65003, router-id: 10.0.0.3 }, interfaces: { '1': { mtu: 1400, shutdown: true } } }",
      );
    const d = diffLabs(lab(BASE), lab(after));
    assert.ok(!hostUnchanged(d));
    assert.deepEqual(
      d.ports.map((p) => ({ ...p })),
      [
        { node: "r1", port: "1", ifname: "1", addrDel: ["10.0.12.1/30"], addrAdd: ["10.0.12.5/30"] },
        { node: "r2", port: "1", ifname: "1", addrDel: ["10.0.12.2/30"], addrAdd: ["10.0.12.6/30"] },
        { node: "r3", port: "1", ifname: "1", addrDel: [], addrAdd: [], mtu: 1400, up: false },
      ],
    );
    assert.deepEqual(d.addLinks, [], "the cable itself stays");
  });

  test("a node whose kind or stack changes is replaced, with its cables", () => {
    const after = BASE.replace(
      "  r3: { bgp: { asn: 65003, router-id: 10.0.0.3 } }",
      "  r3: { stack: bird, bgp: { asn: 65003, router-id: 10.0.0.3 } }",
    );
    const d = diffLabs(lab(BASE), lab(after));
    assert.deepEqual(d.replaced, [{ node: "r3", why: "stack frr → bird" }]);
    assert.deepEqual(
      d.removeNodes.map((n) => n.name),
      ["r3"],
    );
    assert.deepEqual(
      d.addNodes.map((n) => n.name),
      ["r3"],
    );
    assert.deepEqual(
      d.addLinks.map((l) => `${l.a.node}:${l.a.port}-${l.b.node}:${l.b.port}`),
      ["r2:2-r3:1"],
    );
    assert.deepEqual(d.newPorts, [{ node: "r2", port: "2" }]);
    assert.ok(!d.kept.includes("r3"));
  });

  test("an impairment on a cable that stays, and checks that change nothing on the host", () => {
    const after = `${BASE.replace("{ endpoint: r3:1, ip: 10.0.23.2/30 }]\n", "{ endpoint: r3:1, ip: 10.0.23.2/30 }]\n    impairment: { rate: 10mbit }\n")}checks:\n  - bgp-session: r1\n`;
    const d = diffLabs(lab(BASE), lab(after));
    assert.equal(d.impairments.length, 1);
    assert.equal(d.impairments[0]?.impairment?.rateBps, 10_000_000);
    assert.deepEqual(d.other, ["checks"]);
    const checksOnly = diffLabs(lab(BASE), lab(`${BASE}checks:\n  - bgp-session: r1\n`));
    assert.ok(hostUnchanged(checksOnly));
    assert.deepEqual(checksOnly.other, ["checks"]);
  });
});

// Hosts and a bridge: no routing stack, so the plan needs no FRR and reads nothing running.
const HOSTS = `name: rh
nodes:
  sw: { kind: bridge }
  h1: { kind: linux }
  h2: { kind: linux, routes: [{ to: 0.0.0.0/0, via: 10.0.0.254 }] }
  h3: { kind: linux }
links:
  - [{ endpoint: h1:eth0, ip: 10.0.0.1/24 }, sw]
  - [{ endpoint: h2:eth0, ip: 10.0.0.2/24 }, sw]
  - [{ endpoint: h3:eth0, ip: 10.0.0.3/24 }, sw]
`;

function stateOf(l: Lab): LabState {
  return {
    version: 1,
    name: l.name,
    runtime: "netns",
    phase: "running",
    createdAt: "",
    updatedAt: "",
    pid: 1,
    nodes: nodeStates(l),
    model: l,
  };
}

describe("reconfigure plan (model against state → steps)", () => {
  test("only what differs: a new host on the bridge, a removed host, a renumbered host", async () => {
    const after = HOSTS.replace("  h3: { kind: linux }\n", "  h4: { kind: linux }\n")
      .replace(
        "  - [{ endpoint: h3:eth0, ip: 10.0.0.3/24 }, sw]\n",
        "  - [{ endpoint: h4:eth0, ip: 10.0.0.4/24 }, sw]\n",
      )
      .replace("{ endpoint: h2:eth0, ip: 10.0.0.2/24 }", "{ endpoint: h2:eth0, ip: 10.0.0.22/24 }")
      .replace("via: 10.0.0.254", "via: 10.0.0.253");
    const old = lab(HOSTS);
    const rp = await planReconfigure(lab(after), stateOf(old), { ctx: { dryRun: true } });
    const text = renderPlan(rp.plan);
    assert.deepEqual(rp.changes, [
      "- node h3",
      "+ node h4 (linux)",
      "+ link h4:eth0 — sw:p3",
      "~ h2:eth0 -10.0.0.2/24 +10.0.0.22/24",
      "~ h2 routes -0.0.0.0/0 via 10.0.0.254, +0.0.0.0/0 via 10.0.0.253",
    ]);
    assert.ok(!rp.unchanged);
    // h3 goes with its namespace; h4 is made and cabled to the bridge's port, enslaved there.
    assert.match(text, /ip netns del wl_rh_h3\n/);
    assert.match(text, /ip netns add wl_rh_h4\n/);
    assert.match(text, /ip link add name eth0 .*netns wl_rh_h4 type veth peer name p3 .*netns wl_rh_sw\n/);
    assert.match(text, /ip -n wl_rh_sw link set dev p3 master br0\nip -n wl_rh_sw link set dev p3 up\n/);
    // h2: the old route before the address its gateway sits on, then the new ones.
    assert.match(
      text,
      /ip -n wl_rh_h2 route del 0\.0\.0\.0\/0 via 10\.0\.0\.254\nip -n wl_rh_h2 addr del 10\.0\.0\.2\/24 dev eth0\nip -n wl_rh_h2 addr add 10\.0\.0\.22\/24 dev eth0\nip -n wl_rh_h2 route add 0\.0\.0\.0\/0 via 10\.0\.0\.253\n/,
    );
    // Nothing for the nodes that did not change.
    assert.doesNotMatch(text, /wl_rh_h1/);
    assert.doesNotMatch(text, /netns add wl_rh_sw|link add name br0/);
  });

  test("the same lab: an unchanged plan with no steps", async () => {
    const rp = await planReconfigure(lab(HOSTS), stateOf(lab(HOSTS)), { ctx: { dryRun: true } });
    assert.ok(rp.unchanged);
    assert.deepEqual(rp.changes, []);
    assert.ok(rp.plan.phases.every((p) => p.groups.length === 0));
  });

  test("a cable removed between nodes that stay: one `link del` on one end", async () => {
    const after = HOSTS.replace("  - [{ endpoint: h1:eth0, ip: 10.0.0.1/24 }, sw]\n", "");
    const rp = await planReconfigure(lab(after), stateOf(lab(HOSTS)), { ctx: { dryRun: true } });
    assert.match(renderPlan(rp.plan), /# --- removed nodes and cables ---\nip -n wl_rh_h1 link del dev eth0\n/);
  });
});
