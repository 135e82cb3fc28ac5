// frr.conf rendering: the seed's three routers from intent and from their raw configs, the
// lab-friendly changes to raw text, IPv6, and — for every config rendered here — FRR's own
// parser (`vtysh -C`) accepting it.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import type { NodeModel, PortModel } from "../../src/core/model.js";
import type { BgpModel } from "../../src/intents/bgp/model.js";
import type { StaticRoute } from "../../src/intents/static/model.js";
import { checkFrrConfig, checkNodeFrrConfig, formatConfigError } from "../../src/stacks/frr/check.js";
import { daemonsFor, neededDaemons } from "../../src/stacks/frr/daemons.js";
import type { FrrOptionsModel } from "../../src/stacks/frr/options.js";
import { prepareRawConfig, renderFrrConfig, renderFrrConfigDetailed } from "../../src/stacks/frr/render.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";

function port(node: string, name: string, addresses: string[], extra: Partial<PortModel> = {}): PortModel {
  return { node, name, ifname: name, addresses, ...extra };
}

/** The tests' shorthand: intent, raw config and FRR options as keys of their own. */
interface Shorthand {
  bgp?: BgpModel;
  routes?: StaticRoute[];
  config?: string;
  /** undefined: no FRR options at all (every default applies). */
  frr?: FrrOptionsModel;
}

function frrNode(name: string, extra: Partial<NodeModel> & Shorthand = {}): NodeModel {
  const { bgp, routes, config, frr, ...rest } = extra;
  const base: NodeModel = {
    name,
    kind: "frr",
    role: "router",
    ports: [],
    loopback: [],
    forwarding: true,
    subnets: [],
    intents: {},
    runtime: { name: "netns" },
    stack: { name: "frr", options: { profile: "datacenter", ebgpRequiresPolicy: false, daemons: ["zebra", "bgpd"] } },
    ...rest,
  };
  const intents = { ...base.intents };
  if ("bgp" in extra) intents.bgp = bgp;
  if ("routes" in extra) intents.static = routes;
  const stack = { ...(base.stack ?? { name: "frr", options: {} }) };
  if ("config" in extra) stack.config = config;
  if ("frr" in extra) stack.options = frr ? { ...frr } : {};
  return { ...base, intents, stack };
}

function bgp(asn: number, routerId: string, extra: Partial<BgpModel> = {}): BgpModel {
  return { asn, routerId, networks: [], redistribute: [], neighbors: [], ...extra };
}

// The seed: ops1 —101— ops2 —102— ops3, eBGP, each end announcing its own subnet.
const ops1 = frrNode("ops1", {
  ports: [port("ops1", "1", ["192.168.101.1/24"], { link: 0, peer: { node: "ops2", port: "1" } })],
  bgp: bgp(65001, "192.168.101.1", {
    networks: ["192.168.101.0/24"],
    neighbors: [{ address: "192.168.101.2", remoteAs: 65002, node: "ops2", port: "1" }],
  }),
});
const ops2 = frrNode("ops2", {
  ports: [
    port("ops2", "1", ["192.168.101.2/24"], { link: 0, peer: { node: "ops1", port: "1" } }),
    port("ops2", "2", ["192.168.102.1/24"], { link: 1, peer: { node: "ops3", port: "1" } }),
  ],
  bgp: bgp(65002, "192.168.101.2", {
    neighbors: [
      { address: "192.168.101.1", remoteAs: 65001, node: "ops1", port: "1" },
      { address: "192.168.102.2", remoteAs: 65003, node: "ops3", port: "2" },
    ],
  }),
});
const ops3 = frrNode("ops3", {
  ports: [port("ops3", "1", ["192.168.102.2/24"], { link: 1, peer: { node: "ops2", port: "2" } })],
  bgp: bgp(65003, "192.168.102.2", {
    networks: ["192.168.102.0/24"],
    neighbors: [{ address: "192.168.102.1", remoteAs: 65002, node: "ops2", port: "2" }],
  }),
});

// The seed's own vtysh configs, verbatim (unindented, as in the blog post).
const SEED_RAW: Record<string, string> = {
  ops1: `hostname ops1
router bgp 65001
bgp router-id 192.168.101.1
network 192.168.101.0/24
neighbor 192.168.101.2 remote-as 65002
interface 1
no shutdown
ip address 192.168.101.1/24
`,
  ops2: `hostname ops2
interface 1
no shutdown
ip address 192.168.101.2/24
interface 2
no shutdown
ip address 192.168.102.1/24
router bgp 65002
bgp router-id 192.168.101.2
neighbor 192.168.101.1 remote-as 65001
neighbor 192.168.102.2 remote-as 65003
`,
  ops3: `hostname ops3
interface 1
no shutdown
ip address 192.168.102.2/24
router bgp 65003
bgp router-id 192.168.102.2
neighbor 192.168.102.1 remote-as 65002
network 192.168.102.0/24
`,
};

function rawNode(name: string, config: string, extra: Partial<NodeModel> & Shorthand = {}): NodeModel {
  return frrNode(name, { config, ...extra });
}

/** Asserts FRR's parser accepts the text (the tests' proof that FRR takes our output). */
async function assertFrrAccepts(text: string): Promise<void> {
  const errors = await checkFrrConfig(text);
  assert.deepEqual(errors, [], `vtysh -C rejected:\n${text}`);
}

function lines(text: string): string[] {
  return text.split("\n");
}

/** The lines between `start` (exact) and the next line equal to `end`, both excluded. */
function block(text: string, start: string, end: string): string[] {
  const l = lines(text);
  const i = l.indexOf(start);
  assert.ok(i >= 0, `no line '${start}' in:\n${text}`);
  const j = l.indexOf(end, i + 1);
  assert.ok(j > i, `no '${end}' after '${start}'`);
  return l.slice(i + 1, j);
}

describe("renderFrrConfig: the seed's routers from intent", () => {
  test("ops1 renders exactly", () => {
    assert.equal(
      renderFrrConfig(ops1, { logFile: "/run/wirelab/labs/seed/nodes/ops1/frr.log" }),
      `frr defaults datacenter
hostname ops1
log file /run/wirelab/labs/seed/nodes/ops1/frr.log informational
!
! frr.conf of node ops1, written by wirelab. Interface addresses are set in the
! kernel by wirelab (iproute2), not here.
!
router bgp 65001
 bgp router-id 192.168.101.1
 no bgp ebgp-requires-policy
 coalesce-time 100
 neighbor 192.168.101.2 remote-as 65002
 neighbor 192.168.101.2 description ops2
 neighbor 192.168.101.2 timers connect 1
 !
 address-family ipv4 unicast
  network 192.168.101.0/24
 exit-address-family
!
`,
    );
  });

  test("ops2 has both neighbors and no address family without content", () => {
    const text = renderFrrConfig(ops2);
    assert.match(text, /^ neighbor 192\.168\.101\.1 remote-as 65001$/m);
    assert.match(text, /^ neighbor 192\.168\.102\.2 remote-as 65003$/m);
    assert.doesNotMatch(text, /address-family/);
    assert.doesNotMatch(text, /^exit$/m, "no top-level exit: daemons reading the file would leave config mode");
  });

  test("header: profile first, then hostname, then one log line", () => {
    const trad = frrNode("r1", { frr: { profile: "traditional", ebgpRequiresPolicy: false, daemons: ["zebra"] } });
    assert.deepEqual(lines(renderFrrConfig(trad)).slice(0, 3), [
      "frr defaults traditional",
      "hostname r1",
      "log syslog informational",
    ]);
    const noFrr = frrNode("r2", { frr: undefined });
    assert.equal(lines(renderFrrConfig(noFrr))[0], "frr defaults datacenter");
    assert.doesNotMatch(renderFrrConfig(noFrr), /integrated-vtysh-config/);
  });

  test("ebgp-requires-policy kept when asked", () => {
    const keep = frrNode("ops1", {
      ...ops1,
      frr: { profile: "datacenter", ebgpRequiresPolicy: true, daemons: ["zebra", "bgpd"] },
    });
    assert.doesNotMatch(renderFrrConfig(keep), /ebgp-requires-policy/);
  });

  test("FRR accepts all three", { skip: skipNoFrr }, async () => {
    for (const n of [ops1, ops2, ops3]) await assertFrrAccepts(renderFrrConfig(n, { logFile: "/tmp/x/frr.log" }));
  });
});

describe("renderFrrConfig: the seed's raw configs", () => {
  test("raw text follows the header, with no bgp ebgp-requires-policy under router bgp", () => {
    const r = renderFrrConfigDetailed(rawNode("ops1", SEED_RAW.ops1 ?? ""));
    const l = lines(r.text);
    const i = l.indexOf("router bgp 65001");
    assert.ok(i > 0);
    assert.equal(l[i + 1], " no bgp ebgp-requires-policy");
    assert.equal(l[i + 2], "bgp router-id 192.168.101.1");
    assert.deepEqual(r.origins[i], { kind: "config", line: 2 });
    assert.deepEqual(r.origins[i + 1], { kind: "added", after: 2 });
    assert.deepEqual(r.origins[i + 2], { kind: "config", line: 3 });
    // The change is documented in the output itself.
    assert.match(r.text, /^! - added "no bgp ebgp-requires-policy" after "router bgp" \(config line 2\)/m);
    // Everything the user wrote is there, in order.
    const raw = lines(SEED_RAW.ops1 ?? "").filter(Boolean);
    const kept = l.filter((_, k) => r.origins[k]?.kind === "config");
    assert.deepEqual(kept, raw);
    assert.deepEqual(r.warnings, []);
  });

  test("FRR accepts all three", { skip: skipNoFrr }, async () => {
    for (const [name, config] of Object.entries(SEED_RAW)) {
      await assertFrrAccepts(renderFrrConfig(rawNode(name, config)));
    }
  });

  test("intent and raw together: intent first, then the raw text", { skip: skipNoFrr }, async () => {
    const both = frrNode("ops1", { ...ops1, config: "interface 1\n description uplink\n" });
    const text = renderFrrConfig(both);
    assert.ok(text.indexOf("router bgp 65001") < text.indexOf("interface 1\n description uplink"));
    await assertFrrAccepts(text);
  });
});

describe("raw config: the ebgp-requires-policy rule", () => {
  const injected = (n: NodeModel) => prepareRawConfig(n).lines.filter((l) => l.origin.kind === "added");

  test("after every router bgp, indented like it, also with vrf", { skip: skipNoFrr }, async () => {
    const cfg = `router bgp 65001
 neighbor 10.0.0.2 remote-as 65002
!
  router bgp 65001 vrf red
  neighbor 10.1.0.2 remote-as 65003
`;
    const n = rawNode("r1", cfg);
    assert.deepEqual(
      injected(n).map((l) => [l.text, l.origin]),
      [
        [" no bgp ebgp-requires-policy", { kind: "added", after: 1 }],
        ["   no bgp ebgp-requires-policy", { kind: "added", after: 4 }],
      ],
    );
    await assertFrrAccepts(renderFrrConfig(n));
  });

  test("not when the user wrote ebgp-requires-policy either way", { skip: skipNoFrr }, async () => {
    for (const line of [" bgp ebgp-requires-policy", " no bgp ebgp-requires-policy"]) {
      const n = rawNode("r1", `router bgp 65001\n${line}\n neighbor 10.0.0.2 remote-as 65002\n`);
      assert.deepEqual(injected(n), []);
      const text = renderFrrConfig(n);
      assert.equal(text.split("ebgp-requires-policy").length - 1, 1, "only the user's own line");
      assert.doesNotMatch(text, /added "no bgp ebgp-requires-policy"/);
      await assertFrrAccepts(text);
    }
  });

  test("a comment mentioning it does not count", () => {
    const n = rawNode("r1", "! bgp ebgp-requires-policy is annoying\nrouter bgp 65001\n");
    assert.equal(injected(n).length, 1);
  });

  test("not when frr.ebgp-requires-policy is true", () => {
    const n = rawNode("r1", "router bgp 65001\n", {
      frr: { profile: "datacenter", ebgpRequiresPolicy: true, daemons: ["zebra", "bgpd"] },
    });
    assert.deepEqual(injected(n), []);
    assert.doesNotMatch(renderFrrConfig(n), /ebgp-requires-policy/);
  });

  test("no bgp router and other router lines untouched", () => {
    const n = rawNode("r1", "no router bgp 65001\nrouter bgpd\nrouter ospf\n");
    assert.deepEqual(injected(n), []);
  });
});

describe("kernel interface names", () => {
  // Ports whose user names the kernel cannot take (a slash) get another kernel name.
  const sw = frrNode("sw1", {
    ports: [
      port("sw1", "Ethernet1/1", ["10.0.0.1/30"], { ifname: "Ethernet1_1", description: "to r2\nuplink" }),
      port("sw1", "swp2", ["10.0.0.5/30"]),
    ],
    routes: [{ to: "10.9.0.0/16", via: "Ethernet1/1" }],
    bgp: bgp(65010, "10.0.0.1", {
      neighbors: [{ address: "10.0.0.2", remoteAs: 65020, updateSource: "Ethernet1/1", ebgpMultihop: 2 }],
    }),
    config: "interface Ethernet1/1\n ip ospf cost 10\ninterface swp2 vrf red\ninterface lo\n",
    frr: { profile: "datacenter", ebgpRequiresPolicy: false, daemons: ["zebra", "staticd", "bgpd", "ospfd"] },
  });

  test("raw interface lines use the kernel name; others are left alone", () => {
    const raw = prepareRawConfig(sw);
    assert.deepEqual(
      raw.lines.map((l) => l.text),
      ["interface Ethernet1_1", " ip ospf cost 10", "interface swp2 vrf red", "interface lo"],
    );
    assert.deepEqual(raw.lines[0]?.origin, { kind: "config", line: 1 });
    assert.match(raw.changes.join("\n"), /'Ethernet1\/1' as 'Ethernet1_1' \(line 1\)/);
  });

  test("intent uses kernel names for descriptions, update-source and static routes", { skip: skipNoFrr }, async () => {
    const text = renderFrrConfig(sw);
    assert.deepEqual(block(text, "interface Ethernet1_1", "!"), [" description to r2 uplink"]);
    assert.match(text, /^ neighbor 10\.0\.0\.2 update-source Ethernet1_1$/m);
    assert.match(text, /^ neighbor 10\.0\.0\.2 ebgp-multihop 2$/m);
    assert.match(text, /^ip route 10\.9\.0\.0\/16 Ethernet1_1$/m);
    assert.doesNotMatch(text, /Ethernet1\/1(?!' as)/, "the user's name appears only in the change note");
    await assertFrrAccepts(text);
  });
});

describe("IPv6", () => {
  const r6 = frrNode("r6", {
    ports: [port("r6", "eth1", ["192.168.1.1/24", "2001:db8:1::1/64"])],
    routes: [
      { to: "0.0.0.0/0", via: "192.168.1.254" },
      { to: "::/0", via: "2001:db8:1::fe" },
    ],
    bgp: bgp(65001, "192.168.1.1", {
      networks: ["10.1.0.0/16", "2001:db8:100::/48"],
      redistribute: ["connected", "ospf"],
      neighbors: [
        { address: "192.168.1.2", remoteAs: 65002, description: "v4 peer" },
        { address: "2001:db8:1::2", remoteAs: 65002 },
      ],
    }),
    frr: { profile: "datacenter", ebgpRequiresPolicy: false, daemons: ["zebra", "staticd", "bgpd"] },
  });

  test("networks in their own family; IPv6 neighbors activated for IPv6 only", { skip: skipNoFrr }, async () => {
    const text = renderFrrConfig(r6);
    assert.match(text, /^ neighbor 2001:db8:1::2 remote-as 65002$/m);
    assert.match(text, /^ neighbor 192\.168\.1\.2 description v4 peer$/m);
    assert.deepEqual(block(text, " address-family ipv4 unicast", " exit-address-family"), [
      "  network 10.1.0.0/16",
      "  redistribute connected",
      "  redistribute ospf",
      "  no neighbor 2001:db8:1::2 activate",
    ]);
    assert.deepEqual(block(text, " address-family ipv6 unicast", " exit-address-family"), [
      "  network 2001:db8:100::/48",
      "  redistribute connected",
      "  neighbor 2001:db8:1::2 activate",
    ]);
    assert.match(text, /^ip route 0\.0\.0\.0\/0 192\.168\.1\.254$/m);
    assert.match(text, /^ipv6 route ::\/0 2001:db8:1::fe$/m);
    await assertFrrAccepts(text);
  });
});

describe("daemons", () => {
  test("daemonsFor returns the loader's list, zebra first", () => {
    const n = frrNode("r1", { frr: { profile: "datacenter", ebgpRequiresPolicy: false, daemons: ["bgpd", "zebra"] } });
    assert.deepEqual(daemonsFor(n), ["zebra", "bgpd"]);
  });

  test("neededDaemons reads intent and raw text", () => {
    const n = frrNode("r1", {
      routes: [{ to: "10.0.0.0/8", via: "10.1.1.1" }],
      config: "router ospf\n network 10.0.0.0/8 area 0\ninterface 1\n ipv6 ospf6 area 0\n",
    });
    assert.deepEqual(neededDaemons(n), ["zebra", "staticd", "ospfd", "ospf6d"]);
    assert.deepEqual(daemonsFor(frrNode("r2", { ...n, frr: undefined })), ["zebra", "staticd", "ospfd", "ospf6d"]);
  });

  test("a needed daemon that is not started is a warning (vtysh would drop its lines silently)", () => {
    const n = frrNode("r1", { routes: [{ to: "10.0.0.0/8", via: "10.1.1.1" }] });
    const { warnings } = renderFrrConfigDetailed(n);
    assert.deepEqual(warnings, [
      "r1: the FRR config needs staticd, which is not in frr.daemons: its lines are ignored",
    ]);
  });

  test("a conflicting hostname in the raw text is kept and warned about", () => {
    const r = renderFrrConfigDetailed(rawNode("ops1", "hostname switch\n"));
    assert.match(r.text, /^hostname switch$/m);
    assert.match(r.warnings.join("\n"), /config sets hostname 'switch'/);
  });
});

describe("errors in the raw config", { skip: skipNoFrr }, () => {
  const bad = rawNode("ops1", "router bgp 65001\n neighbor 192.168.101.2 remote-as 65002\n bogus line here\n");

  test("reported with the frr.conf line and the config line", async () => {
    const { text, errors } = await checkNodeFrrConfig(bad);
    assert.equal(errors.length, 1);
    const e = errors[0];
    assert.ok(e);
    assert.equal(lines(text)[e.line - 1], " bogus line here");
    assert.deepEqual(
      { text: e.text, message: e.message, configLine: e.configLine },
      {
        text: "bogus line here",
        message: "% Unknown command",
        configLine: 3,
      },
    );
    assert.equal(
      formatConfigError(bad, e),
      `ops1: frr.conf line ${e.line} (config line 3): % Unknown command: bogus line here`,
    );
  });

  test("checkFrrConfig + formatConfigError find the config line from the node", async () => {
    const text = renderFrrConfig(bad, { logFile: "/run/wirelab/labs/x/nodes/ops1/frr.log" });
    const [e] = await checkFrrConfig(text);
    assert.ok(e);
    assert.equal(e.configLine, undefined);
    assert.equal(
      formatConfigError(bad, e, "lab.yml"),
      `lab.yml: ops1: frr.conf line ${e.line} (config line 3): % Unknown command: bogus line here`,
    );
    assert.equal(formatConfigError("ops1", e), `ops1: frr.conf line ${e.line}: % Unknown command: bogus line here`);
  });

  test("every bad line, in order, incomplete commands too", async () => {
    const n = rawNode("r1", "router bgp 1\n neighbor 10.0.0.1 remote-as\n network 10.0.0.0/8 foo\nbogus\n");
    const { errors } = await checkNodeFrrConfig(n);
    assert.deepEqual(
      errors.map((e) => [e.configLine, e.message, e.text]),
      [
        [2, "% Command incomplete", "neighbor 10.0.0.1 remote-as"],
        [3, "% Unknown command", "network 10.0.0.0/8 foo"],
        [4, "% Unknown command", "bogus"],
      ],
    );
  });

  test("an error in the header/intent has no config line", async () => {
    const errors = await checkFrrConfig("frr defaults datacenter\nhostname r1\nfoo bar\n");
    assert.deepEqual(errors, [{ line: 3, text: "foo bar", message: "% Unknown command" }]);
    assert.equal(
      formatConfigError(frrNode("r1"), errors[0] ?? assert.fail()),
      "r1: frr.conf line 3: % Unknown command: foo bar",
    );
  });
});
