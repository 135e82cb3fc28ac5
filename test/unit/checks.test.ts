// `checks:` and `scenarios:` in a topology: resolved into the model, and every mistake
// reported at file:line:col in network terms before anything is deployed.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Lab } from "../../src/core/model.js";
import { describeCheck } from "../../src/topology/checks.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const FILE = "lab.yml";

const BASE = `name: t
nodes:
  r1:
    interfaces: { lo: { ip: 10.0.0.1/32 } }
    bgp: { asn: 65001, networks: [10.0.0.1/32], neighbors: [r2] }
  r2:
    bgp: { asn: 65002, neighbors: [r1] }
  raw:
    config: |
      router bgp 65009
       neighbor 10.9.0.1 remote-as 65001
  h1: { kind: linux }
  br: { kind: bridge }
links:
  - [{ endpoint: r1:1, ip: 10.12.0.1/30 }, { endpoint: r2:1, ip: 10.12.0.2/30 }]
  - [{ endpoint: r1:Ethernet1/1, ip: 10.9.0.1/30 }, { endpoint: raw:1, ip: 10.9.0.2/30 }]
  - [{ endpoint: h1:eth0, ip: 10.7.0.2/24 }, br]
`;

function lab(checks: string): Lab {
  return parseTopology(`${BASE}${checks}`, FILE);
}

/** Asserts a TopologyError on the line that contains `lineHas`, with `contains` in its message. */
function bad(checks: string, lineHas: string, contains: string): void {
  const text = `${BASE}${checks}`;
  let caught: unknown;
  try {
    parseTopology(text, FILE);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof TopologyError, `expected a TopologyError, got ${String(caught)}`);
  const line = text.split("\n").findIndex((l) => l.includes(lineHas)) + 1;
  assert.ok(line > 0, `${lineHas} is in the text`);
  assert.match(caught.message, new RegExp(`^${FILE}:${line}:\\d+: `), `on line ${line}: ${caught.message}`);
  assert.ok(caught.message.includes(contains), `${JSON.stringify(contains)} in ${caught.message}`);
}

test("each check type resolves node names, ports and addresses", () => {
  const l = lab(`checks:
  - ping: { from: r1, to: r2 }
  - ping: { from: r1, to: r2:1, expect: failure }
  - ping: { from: r1, to: 10.0.0.9, source: 10.0.0.1 }
  - bgp-session: r1
  - bgp-session: { node: r1, neighbors: [r2, 10.12.0.2], expect: down }
  - bgp-session: { node: raw, neighbors: [r1] }
  - bgp-route: { node: r1, prefix: 10.0.0.1/32, as-path: "" }
  - bgp-route: { node: r2, prefix: 10.0.0.1/32, as-path: [65001], nexthop: 10.12.0.1, best: false }
  - { bgp-route: { node: r2, prefix: "2001:db8::/32", expect: absent }, timeout: 500ms }
  - route: { node: r1, prefix: default, via: 10.12.0.2, port: Ethernet1/1 }
  - interface: r1:Ethernet1/1
  - { interface: { endpoint: h1:eth0, expect: down }, timeout: 5, name: host port down }
`);
  const specs = l.checks?.map((c) => c.spec);
  assert.deepEqual(specs, [
    { type: "ping", from: "r1", to: "10.12.0.2", target: "r2", expect: "success" },
    { type: "ping", from: "r1", to: "10.12.0.2", target: "r2:1", expect: "failure" },
    { type: "ping", from: "r1", to: "10.0.0.9", target: "10.0.0.9", expect: "success", source: "10.0.0.1" },
    { type: "bgp-session", node: "r1", expect: "established" },
    {
      type: "bgp-session",
      node: "r1",
      expect: "down",
      neighbors: [
        { label: "r2", addresses: ["10.12.0.2"] },
        { label: "10.12.0.2", addresses: ["10.12.0.2"] },
      ],
    },
    // A raw-config router: the peer may use any of r1's addresses.
    {
      type: "bgp-session",
      node: "raw",
      expect: "established",
      neighbors: [{ label: "r1", addresses: ["10.0.0.1", "10.12.0.1", "10.9.0.1"] }],
    },
    { type: "bgp-route", node: "r1", prefix: "10.0.0.1/32", afi: "ipv4", best: true, expect: "present", asPath: "" },
    {
      type: "bgp-route",
      node: "r2",
      prefix: "10.0.0.1/32",
      afi: "ipv4",
      best: false,
      expect: "present",
      nexthop: "10.12.0.1",
      asPath: "65001",
    },
    { type: "bgp-route", node: "r2", prefix: "2001:db8::/32", afi: "ipv6", best: true, expect: "absent" },
    {
      type: "route",
      node: "r1",
      prefix: "0.0.0.0/0",
      afi: "ipv4",
      expect: "present",
      via: "10.12.0.2",
      port: "Ethernet1/1",
      ifname: "Ethernet1_1",
    },
    { type: "interface", node: "r1", port: "Ethernet1/1", ifname: "Ethernet1_1", expect: "up" },
    { type: "interface", node: "h1", port: "eth0", ifname: "eth0", expect: "down" },
  ]);
  assert.deepEqual(
    l.checks?.map((c) => c.timeoutMs),
    [30000, 30000, 30000, 30000, 30000, 30000, 30000, 30000, 500, 30000, 30000, 5000],
  );
  assert.equal(l.checks?.[11]?.name, "host port down");
  assert.equal(l.checks?.[0]?.name, "ping r1 → r2 (10.12.0.2)");
  assert.deepEqual(l.checks?.[0]?.pos, { file: FILE, line: 19, col: 5 });
});

test("a ping to a node goes to its loopback first", () => {
  const l = lab(`checks:
  - ping: { from: r2, to: r1 }
`);
  assert.equal(l.checks?.[0]?.spec.type === "ping" && l.checks[0].spec.to, "10.0.0.1");
});

test("checks name what they test when the user gives no name", () => {
  const l = lab(`checks:
  - bgp-route: { node: r1, prefix: 10.0.0.1/32, as-path: 65002 65003, nexthop: 10.12.0.2 }
  - bgp-route: { node: r1, prefix: 10.0.0.1/32, expect: absent, best: false }
  - route: { node: r1, prefix: 10.0.0.2/32, via: 10.12.0.2 }
  - ping: { from: r1, to: 10.99.0.1, expect: failure }
  - bgp-session: { node: r1, neighbors: [r2], expect: down }
`);
  assert.deepEqual(
    l.checks?.map((c) => c.name),
    [
      "r1 has BGP route 10.0.0.1/32 best via AS path 65002 65003, next hop 10.12.0.2",
      "r1 has no BGP route 10.0.0.1/32",
      "r1 has kernel route 10.0.0.2/32 via 10.12.0.2",
      "ping r1 → 10.99.0.1 fails",
      "r1 BGP sessions to r2 down",
    ],
  );
  assert.equal(describeCheck({ type: "interface", node: "a", port: "1", ifname: "1", expect: "up" }), "a:1 up");
});

test("mistakes in checks are reported at file:line:col", () => {
  bad("checks:\n  - ping: { from: r9, to: r2 }\n", "r9", "unknown node 'r9' (did you mean 'r1'?)");
  bad("checks:\n  - ping: { from: br, to: r2 }\n", "from: br", "bridge 'br' cannot send pings");
  bad("checks:\n  - ping: { from: r1, to: nowhere }\n", "nowhere", "'nowhere' is neither an address nor a node");
  bad("checks:\n  - ping: { from: r1, to: r2:7 }\n", "r2:7", "node 'r2' has no port '7'");
  bad(
    "checks:\n  - ping: { from: r1, to: r2, source: 10.12.0.2 }\n",
    "source",
    "source 10.12.0.2 is not an address of r1",
  );
  bad("checks:\n  - ping: { from: r1, to: br }\n", "to: br", "br has no address to ping");
  bad("checks:\n  - bgp-session: h1\n", "bgp-session: h1", "h1 is a linux node and runs no BGP");
  bad(
    "checks:\n  - bgp-session: { node: r1, neighbors: [raw] }\n",
    "[raw]",
    "raw is not a BGP neighbor of r1 (its neighbors: r2)",
  );
  bad(
    "checks:\n  - bgp-session: { node: r1, neighbors: [10.9.9.9] }\n",
    "[10.9.9.9]",
    "10.9.9.9 is not a BGP neighbor of r1",
  );
  bad(
    "checks:\n  - bgp-route: { node: r1, prefix: 10.0.0.1/24 }\n",
    "prefix",
    "invalid prefix '10.0.0.1/24': host bits are set; the prefix is 10.0.0.0/24",
  );
  bad(
    "checks:\n  - bgp-route: { node: r1, prefix: 10.0.0.0/24, nexthop: 10.1.x }\n",
    "nexthop",
    "invalid address '10.1.x'",
  );
  bad(
    "checks:\n  - bgp-route: { node: r1, prefix: 10.0.0.0/24, nexthop: 10.1 }\n",
    "nexthop",
    "check #1 bgp-route.nexthop: expected text, got the number 10.1",
  );
  bad(
    "checks:\n  - bgp-route: { node: r1, prefix: 10.0.0.0/24, as-path: via r2 }\n",
    "as-path",
    "is not a list of AS numbers",
  );
  bad("checks:\n  - route: { node: r1, prefix: 10.0.0.0/24, port: 9 }\n", "port: 9", "node 'r1' has no port '9'");
  bad("checks:\n  - interface: r1\n", "interface: r1", "'r1' needs a port");
  bad(
    "checks:\n  - name: nothing\n",
    "name: nothing",
    "check #1 needs one of: ping, bgp-session, bgp-route, route, interface",
  );
  bad(
    "checks:\n  - { ping: { from: r1, to: r2 }, interface: r1:1 }\n",
    "interface: r1:1",
    "check #1 has both ping and interface; write one per check",
  );
  bad("checks:\n  - { interface: r1:1, timeout: soon }\n", "soon", "timeout: 'soon' is not a duration");
  bad("checks:\n  - { interface: r1:1, timeout: 30 seconds }\n", "30 seconds", "not a duration");
  bad(
    "checks:\n  - bgp-sesion: r1\n",
    "bgp-sesion",
    "check #1: unknown field 'bgp-sesion' (did you mean 'bgp-session'?)",
  );
});

test("scenarios resolve their faults to links and routers", () => {
  const l = lab(`checks: [{ interface: r1:1 }]
scenarios:
  cut:
    description: r1—r2 cut
    faults:
      - link-down: r2:1
      - link-down: [r1:Ethernet1/1, raw:1]
      - node-stop: r2
    checks:
      - { interface: { endpoint: r1:1, expect: down } }
`);
  assert.deepEqual(l.scenarios?.[0]?.faults, [
    { type: "link-down", link: 0 },
    { type: "link-down", link: 1 },
    { type: "node-stop", node: "r2" },
  ]);
  assert.equal(l.scenarios?.[0]?.description, "r1—r2 cut");
  assert.equal(l.scenarios?.[0]?.checks[0]?.spec.type, "interface");
});

test("mistakes in scenarios are reported at file:line:col", () => {
  const sc = (fault: string) => `scenarios:\n  s1:\n    faults:\n      - ${fault}\n    checks: []\n`;
  bad(
    sc("link-down: [r1:1, raw:1]"),
    "link-down",
    "r1:1 and raw:1 are not the two ends of one cable (r1:1 is cabled to r2:1)",
  );
  bad(sc("link-down: r1:lo"), "link-down", "node 'r1' has no port 'lo'");
  bad(sc("node-stop: h1"), "node-stop", "h1 is a linux node and runs no daemons to stop");
  bad(sc("{}"), "- {}", "scenario 's1' fault #1 needs exactly one of link-down, node-stop");
  bad(
    "scenarios:\n  s1:\n    faults: [{ node-stop: r2 }]\n    checks:\n      - ping: { from: r1, to: r7 }\n",
    "r7",
    "scenario 's1' check #1 (ping): 'r7' is neither an address nor a node",
  );
  bad("scenarios:\n  s1:\n    faults: []\n    checks: []\n", "faults", "scenario 's1' has no faults");
  bad(
    "scenarios:\n  'bad name':\n    faults: [{ node-stop: r2 }]\n    checks: []\n",
    "bad name",
    "invalid scenario name",
  );
});

test("link impairments are parsed with units and checked at file:line:col", () => {
  const text = `name: t
nodes: { a: {}, b: {} }
links:
  - endpoints: [a:1, b:1]
    impairment: { delay: 50ms, jitter: 5ms, loss: 1%, duplicate: 0.5, corrupt: "0.1%", rate: 10mbit }
  - endpoints: [a:2, b:2]
    impairment: { delay: 20, rate: 512kbit }
  - endpoints: [a:3, b:3]
    impairment: {}
`;
  const l = parseTopology(text, FILE);
  assert.deepEqual(l.links[0]?.impairment, {
    delayMs: 50,
    jitterMs: 5,
    lossPct: 1,
    duplicatePct: 0.5,
    corruptPct: 0.1,
    rateBps: 10_000_000,
  });
  assert.deepEqual(l.links[1]?.impairment, { delayMs: 20, rateBps: 512_000 });
  assert.equal(l.links[2]?.impairment, undefined, "an empty impairment is none");

  const badImp = (imp: string, needle: string, contains: string) => {
    const t = `name: t\nnodes: { a: {}, b: {} }\nlinks:\n  - endpoints: [a:1, b:1]\n    impairment: ${imp}\n`;
    let caught: unknown;
    try {
      parseTopology(t, FILE);
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof TopologyError, String(caught));
    const col = t.split("\n")[4]?.indexOf(needle) ?? -1;
    assert.ok(caught.message.startsWith(`${FILE}:5:${col + 1}: `), caught.message);
    assert.ok(caught.message.includes(contains), caught.message);
  };
  badImp("{ delay: fast }", "fast", "link #1 impairment delay: 'fast' is not a duration");
  badImp("{ loss: 150% }", "150%", "loss: 150% is out of range");
  badImp("{ rate: 10mbps }", "10mbps", "'10mbps' is not a rate");
  badImp("{ rate: 10 }", "10", "rate 10 needs a unit");
  badImp("{ jitter: 5ms }", "5ms", "jitter needs a delay");
});
