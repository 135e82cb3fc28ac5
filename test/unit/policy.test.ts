// The policy intent: prefix, AS-path and community lists and route maps, resolved from a
// router's `policy:` and `defaults.policy` (errors at file:line:col), rendered for FRR
// (checked by FRR's parser, `vtysh -C`) and for BIRD (checked by `bird -p`), and refused on
// BIRD where BIRD has no equivalent (weight, AS-path regexes).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findNode, type Lab, type NodeModel } from "../../src/core/model.js";
import { checkBirdConfig } from "../../src/stacks/bird/check.js";
import { renderBirdConfig } from "../../src/stacks/bird/render.js";
import { checkFrrConfig } from "../../src/stacks/frr/check.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";
const skipNoBird = existsSync("/usr/sbin/bird") ? false : "BIRD is not installed";
const root = fileURLToPath(new URL("../../", import.meta.url));

function node(l: Lab, name: string): NodeModel {
  const n = findNode(l, name);
  assert.ok(n);
  return n;
}

async function frrAccepted(l: Lab, name: string): Promise<string[]> {
  const text = renderFrrConfig(node(l, name));
  if (!skipNoFrr) assert.deepEqual(await checkFrrConfig(text), [], `vtysh -C rejected:\n${text}`);
  return text.split("\n");
}

async function birdAccepted(l: Lab, name: string): Promise<string[]> {
  const text = renderBirdConfig(node(l, name));
  if (!skipNoBird) assert.deepEqual(await checkBirdConfig(text), [], `bird -p rejected:\n${text}`);
  return text.split("\n");
}

function has(lines: string[], ...want: string[]): void {
  for (const w of want) assert.ok(lines.includes(w), `${JSON.stringify(w)} in:\n${lines.join("\n")}`);
}

function refusal(text: string): string {
  try {
    parseTopology(text, "t.yml");
  } catch (e) {
    assert.ok(e instanceof TopologyError, String(e));
    return e.message;
  }
  assert.fail("expected a TopologyError");
}

/** Two routers; r1's policy and bgp given as YAML flow text; `stack` picks r1's stack. */
function lab(opts: { policy?: string; neighbor?: string; bgp?: string; defaults?: string; stack?: string }): string {
  return `name: pol
${opts.defaults ? `defaults:\n  policy: ${opts.defaults}\n` : ""}nodes:
  r1:
    stack: ${opts.stack ?? "frr"}
    bgp: { asn: 65001, ${opts.bgp ?? ""}neighbors: [{ node: r2${opts.neighbor ? `, ${opts.neighbor}` : ""} }] }
${opts.policy ? `    policy: ${opts.policy}\n` : ""}  r2:
    bgp: { asn: 65002, neighbors: [r1] }
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`;
}

/** Every kind of list and every set, IPv4 and IPv6, standard and large communities. */
const FULL = {
  defaults:
    "{ prefix-lists: { LAB: [{ prefix: 10.0.0.0/8, ge: 16, le: 24 }, { action: deny, prefix: 0.0.0.0/0, le: 32 }] } }",
  policy: `{ prefix-lists: { V6: ["2001:db8::/32", { seq: 5, action: deny, prefix: "2001:db8:1::/48", le: 64 }] },
      as-path-lists: { AP: [{ origin: 65002 }, { action: deny, first: 65003 }, { contains: 65004 }] },
      community-lists: { STD: ["65002:100", { action: deny, community: "65002:666" }], BIG: ["65002:1:2"] },
      route-maps: {
        IN: [
          { seq: 10, action: deny, match: { community: BIG } },
          { seq: 20, match: { prefix-list: LAB, as-path: AP, community: STD }, set: { local-preference: 200, med: 7, community: { add: ["65001:1", "65001:2:3"] }, as-path-prepend: [65001, 65001] } },
          { seq: 30, match: { prefix-list: V6 }, set: { community: { replace: ["65001:9"] } } },
          { seq: 40 } ],
        OUT: [{ set: { as-path-prepend: 65001 } }],
        REDIST: [{ match: { prefix-list: LAB } }] } }`,
  neighbor: "route-map: { in: IN, out: OUT }",
  bgp: "redistribute: [static, { source: connected, route-map: REDIST }], ",
};

describe("FRR rendering of the policy intent (checked by vtysh -C)", () => {
  test("lists, route maps, neighbor and redistribution references", async () => {
    const lines = await frrAccepted(parseTopology(lab(FULL), "t.yml"), "r1");
    has(
      lines,
      "ip prefix-list LAB seq 10 permit 10.0.0.0/8 ge 16 le 24",
      "ip prefix-list LAB seq 20 deny 0.0.0.0/0 le 32",
      "ipv6 prefix-list V6 seq 5 deny 2001:db8:1::/48 le 64",
      "ipv6 prefix-list V6 seq 10 permit 2001:db8::/32",
      "bgp as-path access-list AP seq 10 permit _65002$",
      "bgp as-path access-list AP seq 20 deny ^65003_",
      "bgp as-path access-list AP seq 30 permit _65004_",
      "bgp community-list standard STD seq 10 permit 65002:100",
      "bgp community-list standard STD seq 20 deny 65002:666",
      "bgp large-community-list standard BIG seq 10 permit 65002:1:2",
      "route-map IN deny 10",
      " match large-community BIG",
      "route-map IN permit 20",
      " match ip address prefix-list LAB",
      " match as-path AP",
      " match community STD",
      " set local-preference 200",
      " set metric 7",
      " set community 65001:1 additive",
      " set large-community 65001:2:3 additive",
      " set as-path prepend 65001 65001",
      " match ipv6 address prefix-list V6",
      " set community 65001:9",
      "route-map IN permit 40",
      "route-map OUT permit 10",
      " set as-path prepend 65001",
      "  redistribute static",
      "  redistribute connected route-map REDIST",
      "  neighbor 10.0.0.1 route-map IN in",
      "  neighbor 10.0.0.1 route-map OUT out",
    );
    // The deny entry sets nothing; lists come before the route maps, route maps before router bgp.
    const at = (l: string) => lines.indexOf(l);
    assert.ok(at("ip prefix-list LAB seq 10 permit 10.0.0.0/8 ge 16 le 24") < at("route-map IN deny 10"));
    assert.ok(at("route-map OUT permit 10") < at("router bgp 65001"));
  });

  test("weight and an AS-path regex render for FRR", async () => {
    const lines = await frrAccepted(
      parseTopology(
        lab({
          policy:
            '{ as-path-lists: { R: [{ regex: "^65002(_65002)*$" }] }, route-maps: { W: [{ match: { as-path: R }, set: { weight: 300 } }] } }',
          neighbor: "route-map: { in: W }",
        }),
        "t.yml",
      ),
      "r1",
    );
    has(lines, "bgp as-path access-list R seq 10 permit ^65002(_65002)*$", " set weight 300");
  });

  test("lab-wide definitions go only to the routers that use them", async () => {
    const l = parseTopology(
      lab({
        defaults:
          "{ prefix-lists: { A: [10.1.0.0/16], UNUSED: [10.2.0.0/16] }, route-maps: { M: [{ match: { prefix-list: A } }], N: [{}] } }",
        neighbor: "route-map: { out: M }",
      }),
      "t.yml",
    );
    const r1 = await frrAccepted(l, "r1");
    has(r1, "ip prefix-list A seq 10 permit 10.1.0.0/16", "route-map M permit 10");
    assert.ok(!r1.some((x) => x.includes("UNUSED") || x.startsWith("route-map N")));
    const r2 = await frrAccepted(l, "r2");
    assert.ok(!r2.some((x) => x.includes("prefix-list") || x.startsWith("route-map")));
  });

  test("a router's own definition wins over the lab's of the same name", async () => {
    const lines = await frrAccepted(
      parseTopology(
        lab({
          defaults: "{ prefix-lists: { A: [10.1.0.0/16] } }",
          policy: "{ prefix-lists: { A: [10.9.0.0/16] }, route-maps: { M: [{ match: { prefix-list: A } }] } }",
          neighbor: "route-map: { in: M }",
        }),
        "t.yml",
      ),
      "r1",
    );
    has(lines, "ip prefix-list A seq 10 permit 10.9.0.0/16");
    assert.ok(!lines.some((x) => x.includes("10.1.0.0/16")));
  });

  test("examples/policy.yml renders for every router and FRR accepts it", async () => {
    const l = parseTopology(readFileSync(`${root}examples/policy.yml`, "utf8"), "examples/policy.yml");
    for (const n of l.nodes) await frrAccepted(l, n.name);
    has(
      await frrAccepted(l, "r4"),
      "  redistribute connected route-map LOOPBACKS-ONLY",
      "  neighbor 10.0.34.0 route-map TO-R3 out",
    );
  });
});

describe("BIRD rendering of the policy intent (checked by bird -p)", () => {
  const full = { ...FULL, stack: "bird" };
  test("lists and route maps as functions, called from the channel and announce filters", async () => {
    const lines = await birdAccepted(parseTopology(lab(full), "t.yml"), "r1");
    has(
      lines,
      "function wl_pl_LAB() {",
      "  if net.type != NET_IP4 then return false;",
      "  if net ~ [ 10.0.0.0/8{16,24} ] then return true;",
      "  if net ~ [ 0.0.0.0/0{0,32} ] then return false;",
      "  if net.type != NET_IP6 then return false;",
      "  if net ~ [ 2001:db8:1::/48{48,64} ] then return false;",
      "  if net ~ [ 2001:db8::/32 ] then return true;",
      "  if bgp_path ~ [= * 65002 =] then return true;",
      "  if bgp_path ~ [= 65003 * =] then return false;",
      "  if bgp_path ~ [= * 65004 * =] then return true;",
      "  if (65002,100) ~ bgp_community then return true;",
      "  if (65002,1,2) ~ bgp_large_community then return true;",
      "  if wl_pl_LAB() && wl_ap_AP() && wl_cl_STD() then {",
      "    bgp_local_pref = 200;",
      "    bgp_med = 7;",
      "    bgp_community.add((65001,1));",
      "    bgp_large_community.add((65001,2,3));",
      "    bgp_path.prepend(65001);",
      "    bgp_community = -empty-;",
      "    bgp_community.add((65001,9));",
      "    import filter { if wl_rm_IN() then accept; reject; };",
      "    export filter { if wl_rm_OUT() then accept; reject; };",
      "  if source = RTS_DEVICE && net !~ [ 127.0.0.0/8+ ] then { if wl_rm_REDIST() then { bgp_origin = ORIGIN_INCOMPLETE; accept; } reject; }",
    );
    // The deny entry (seq 10) returns false before seq 20 is tried.
    const deny = lines.indexOf("  if wl_cl_BIG() then {");
    assert.equal(lines[deny + 1], "    return false;");
  });

  test("names with '-' are quoted symbols BIRD accepts", async () => {
    await birdAccepted(
      parseTopology(
        lab({
          stack: "bird",
          policy:
            "{ prefix-lists: { my-list: [10.0.0.0/8] }, route-maps: { FROM-R2: [{ match: { prefix-list: my-list } }] } }",
          neighbor: "route-map: { in: FROM-R2 }",
        }),
        "t.yml",
      ),
      "r1",
    );
  });

  test("weight and AS-path regexes are refused on BIRD routers, at their place", () => {
    assert.match(
      refusal(
        lab({
          stack: "bird",
          policy: "{ route-maps: { W: [{}, { set: { weight: 5 } }] } }",
          neighbor: "route-map: { in: W }",
        }),
      ),
      /^t\.yml:6:54: node 'r1' runs BIRD, which has no route weight \(route map 'W'\)/,
    );
    assert.match(
      refusal(
        lab({
          stack: "bird",
          defaults: '{ as-path-lists: { R: [{ regex: "_1$" }] }, route-maps: { M: [{ match: { as-path: R } }] } }',
          neighbor: "route-map: { in: M }",
        }),
      ),
      /^t\.yml:3:43: node 'r1' runs BIRD, which matches AS paths with masks, not regexes/,
    );
  });
});

describe("resolution errors, at file:line:col", () => {
  test("an undefined route map on a neighbor, with a suggestion", () => {
    assert.match(
      refusal(lab({ policy: "{ route-maps: { FROM-R2: [{}] } }", neighbor: "route-map: { in: FROM-R3 }" })),
      /^t\.yml:5:65: route map 'FROM-R3' is not defined for node 'r1' \(in its policy or defaults.policy\).*FROM-R2/,
    );
  });
  test("an undefined route map on redistribution", () => {
    assert.match(
      refusal(lab({ bgp: "redistribute: [{ source: connected, route-map: NOPE }], " })),
      /^t\.yml:5:71: route map 'NOPE' is not defined/,
    );
  });
  test("an undefined list in a route map's match", () => {
    assert.match(
      refusal(lab({ policy: "{ route-maps: { M: [{ match: { as-path: X } }] } }" })),
      /^t\.yml:6:53: AS-path list 'X' is not defined for node 'r1'/,
    );
  });
  test("an undefined name in defaults.policy, even where no router uses it", () => {
    assert.match(
      refusal(lab({ defaults: "{ route-maps: { M: [{ match: { community: C } }] } }" })),
      /^t\.yml:3:53: community list 'C' is not defined in defaults.policy/,
    );
  });
  test("bad prefixes, ranges, communities and sequence numbers", () => {
    assert.match(
      refusal(lab({ policy: "{ prefix-lists: { P: [10.0.0.1/8] } }" })),
      /^t\.yml:6:35: prefix list 'P': invalid prefix '10.0.0.1\/8': host bits are set/,
    );
    assert.match(
      refusal(lab({ policy: "{ prefix-lists: { P: [10.0.0.0/8, '2001:db8::/32'] } }" })),
      /^t\.yml:6:47: prefix list 'P' mixes IPv4 and IPv6 prefixes/,
    );
    assert.match(
      refusal(lab({ policy: "{ prefix-lists: { P: [{ prefix: 10.0.0.0/16, ge: 8 }] } }" })),
      /^t\.yml:6:62: prefix list 'P': ge 8 must be greater than 16/,
    );
    assert.match(
      refusal(lab({ policy: "{ prefix-lists: { P: [{ prefix: 10.0.0.0/16, ge: 20, le: 18 }] } }" })),
      /^t\.yml:6:70: prefix list 'P': le 18 must be from 20 to 32/,
    );
    assert.match(
      refusal(lab({ policy: "{ community-lists: { C: ['65001:70000'] } }" })),
      /^t\.yml:6:38: community list 'C': invalid community '65001:70000': a standard community's two parts are 0-65535 each/,
    );
    assert.match(
      refusal(lab({ policy: "{ community-lists: { C: ['1:2', '1:2:3'] } }" })),
      /^t\.yml:6:45: community list 'C' mixes standard and large communities/,
    );
    assert.match(
      refusal(lab({ policy: "{ route-maps: { M: [{}, { seq: 10 }] } }" })),
      /^t\.yml:6:44: route map 'M': sequence number 10 is used twice/,
    );
    assert.match(
      refusal(lab({ policy: "{ as-path-lists: { A: [{ origin: 1, first: 2 }] } }" })),
      /^t\.yml:6:36: AS-path list 'A': each entry needs exactly one of origin, first, contains, regex \(this one has origin, first\)/,
    );
    assert.match(
      refusal(lab({ policy: "{ route-maps: { M: [{ action: deny, set: { med: 1 } }] } }" })),
      /^t\.yml:6:49: route map 'M': entry 10 denies, so it has nothing to set/,
    );
  });
  test("policy on a router without BGP, and on a host", () => {
    assert.match(
      refusal("name: p\nnodes:\n  r1:\n    policy: { prefix-lists: { P: [10.0.0.0/8] } }\n"),
      /^t\.yml:4:5: node 'r1' has policy settings but no bgp settings/,
    );
    assert.match(
      refusal("name: p\nnodes:\n  h1:\n    kind: linux\n    policy: {}\n"),
      /^t\.yml:5:5: node 'h1' is a linux node: 'policy' applies only to routers/,
    );
  });
});
