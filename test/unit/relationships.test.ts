// BGP relationships (customer/provider/peer): both ends must agree (file:line:col errors),
// and the Gao-Rexford policy each stack renders from them is accepted by the stack's own
// parser (FRR `vtysh -C`, BIRD `bird -p`) and says what the policy says.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { findNode, type Lab } from "../../src/core/model.js";
import { checkBirdConfig } from "../../src/stacks/bird/check.js";
import { renderBirdConfig } from "../../src/stacks/bird/render.js";
import { checkFrrConfig } from "../../src/stacks/frr/check.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";
const skipNoBird = existsSync("/usr/sbin/bird") ? false : "BIRD is not installed";

/** transit (AS 4200000001, a 4-byte ASN) with a customer, a peer and a provider. */
function lab(stack: "frr" | "bird", customerSays = "provider"): string {
  return `name: gr
defaults: { stack: ${stack}, addressing: { p2p: 10.0.0.0/24, loopback: 10.255.0.0/24 } }
nodes:
  transit:
    bgp:
      asn: 4200000001
      networks: [10.255.0.1/32]
      neighbors:
        - { node: cust, relationship: customer }
        - { node: peer, relationship: peer }
        - { node: up, relationship: provider }
  cust: { bgp: { asn: 65010, neighbors: [{ node: transit, relationship: ${customerSays} }] } }
  peer: { bgp: { asn: 65020, neighbors: [{ node: transit, relationship: peer }] } }
  up: { bgp: { asn: 65030, neighbors: [{ node: transit, relationship: customer }] } }
links:
  - [transit:c, cust:up]
  - [transit:p, peer:p]
  - [transit:u, up:c]
`;
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

function node(l: Lab, name: string) {
  const n = findNode(l, name);
  assert.ok(n, name);
  return n;
}

describe("relationship agreement", () => {
  test("the model holds each neighbor's relationship", () => {
    const l = parseTopology(lab("frr"), "t.yml");
    const rels = node(l, "transit").intents.bgp?.neighbors.map((n) => `${n.node}=${n.relationship}`);
    assert.deepEqual(rels, ["cust=customer", "peer=peer", "up=provider"]);
  });

  test("a customer that calls its provider a peer is refused at the relationship", () => {
    const m = refusal(lab("frr", "peer"));
    assert.match(m, /^t\.yml:\d+:\d+: /);
    assert.match(m, /transit says cust is its customer, so cust must say transit is its provider; it says peer/);
  });

  test("a relationship on one end only is refused", () => {
    const text = lab("frr").replace("neighbors: [{ node: transit, relationship: customer }]", "neighbors: [transit]");
    const m = refusal(text);
    assert.match(m, /t\.yml:\d+:\d+: .*(up must say transit is its customer; it says nothing|up has no relationship)/);
  });

  test("a relationship on an iBGP neighbor is refused", () => {
    const text = `name: ib
nodes:
  a: { bgp: { asn: 65001, neighbors: [{ node: b, relationship: peer }] } }
  b: { bgp: { asn: 65001, neighbors: [a] } }
links: [[{ endpoint: a:e1, ip: 10.0.0.0/31 }, { endpoint: b:e1, ip: 10.0.0.1/31 }]]
`;
    assert.match(refusal(text), /t\.yml:3:\d+: .*eBGP sessions only/);
  });
});

/**
 * lab() with policy on transit: the customer's import map denies one of its prefixes and
 * sets MED, the provider's sets its own local preference (which wins), and export maps
 * towards the customer and the peer prepend. `extra` is added to the cust neighbor entry.
 */
function composed(stack: "frr" | "bird", extra = ""): string {
  return lab(stack)
    .replace(
      "defaults: {",
      `defaults: { policy: {
    prefix-lists: { CUST-DENIED: [10.10.2.0/24] },
    route-maps: {
      CUST-IN: [{ action: deny, match: { prefix-list: CUST-DENIED } }, { set: { med: 7 } }],
      UP-IN: [{ set: { local-preference: 80 } }],
      PREPEND: [{ set: { as-path-prepend: 4200000001 } }],
    } },`,
    )
    .replace(
      "{ node: cust, relationship: customer }",
      `{ node: cust, relationship: customer, route-map: { in: CUST-IN, out: PREPEND }${extra} }`,
    )
    .replace("{ node: peer, relationship: peer }", "{ node: peer, relationship: peer, route-map: { out: PREPEND } }")
    .replace("{ node: up, relationship: provider }", "{ node: up, relationship: provider, route-map: { in: UP-IN } }");
}

/** The lines of the FRR route-map `name`, entry by entry (`route-map NAME ACTION SEQ` and its lines). */
function frrMap(text: string, name: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith(`route-map ${name} `)) return;
    out.push(l);
    for (let j = i + 1; j < lines.length && lines[j]?.startsWith(" "); j++) out.push(lines[j] as string);
  });
  return out;
}

describe("relationship and route-map on one neighbor in FRR", () => {
  test("one combined route-map per direction calls the user's, accepted by vtysh -C", async () => {
    const l = parseTopology(composed("frr"), "t.yml");
    const transit = node(l, "transit");
    const text = renderFrrConfig(transit);
    if (!skipNoFrr) assert.deepEqual(await checkFrrConfig(text), [], `vtysh -C rejected:\n${text}`);
    const lines = text.split("\n");
    const addr = (n: string) => transit.intents.bgp?.neighbors.find((x) => x.node === n)?.address;
    const maps = (n: string) =>
      lines.filter((x) => x.startsWith(`  neighbor ${addr(n)} route-map `)).map((x) => x.split(" ").slice(5).join(" "));
    // One map per neighbor and direction: FRR would keep only the last line of each.
    assert.deepEqual(maps("cust"), ["WL_GR_FROM_CUSTOMER_THEN_CUST-IN in", "PREPEND out"]);
    assert.deepEqual(maps("peer"), ["WL_GR_FROM_PEER in", "WL_GR_TO_PEER_OR_PROVIDER_THEN_PREPEND out"]);
    assert.deepEqual(maps("up"), ["WL_GR_FROM_PROVIDER_THEN_UP-IN in", "WL_GR_TO_PEER_OR_PROVIDER out"]);
    // Import: tag and local preference, then the user's map (its local-preference wins), then the tag again.
    assert.deepEqual(frrMap(text, "WL_GR_FROM_CUSTOMER_THEN_CUST-IN"), [
      "route-map WL_GR_FROM_CUSTOMER_THEN_CUST-IN permit 10",
      " set large-community 4200000001:1000:1 additive",
      " set local-preference 200",
      " call CUST-IN",
      " on-match next",
      "route-map WL_GR_FROM_CUSTOMER_THEN_CUST-IN permit 20",
      " set large-community 4200000001:1000:1 additive",
    ]);
    assert.deepEqual(frrMap(text, "WL_GR_FROM_PROVIDER_THEN_UP-IN").slice(0, 4), [
      "route-map WL_GR_FROM_PROVIDER_THEN_UP-IN permit 10",
      " set large-community 4200000001:1000:3 additive",
      " set local-preference 50",
      " call UP-IN",
    ]);
    // Export: valley-free first, the user's map on what is left.
    assert.deepEqual(frrMap(text, "WL_GR_TO_PEER_OR_PROVIDER_THEN_PREPEND"), [
      "route-map WL_GR_TO_PEER_OR_PROVIDER_THEN_PREPEND deny 10",
      " match large-community WL_GR_NOT_FROM_CUSTOMER",
      "route-map WL_GR_TO_PEER_OR_PROVIDER_THEN_PREPEND permit 20",
      " call PREPEND",
    ]);
    // The user's maps themselves are rendered as before.
    assert.ok(lines.includes("route-map CUST-IN deny 10"), text);
    assert.ok(lines.includes(" set local-preference 80"), text);
  });

  test("two neighbors with the same relationship and map share one combined map", () => {
    const text = composed("frr").replace(
      "{ node: peer, relationship: peer, route-map: { out: PREPEND } }",
      "{ node: peer, relationship: peer, route-map: { in: UP-IN, out: PREPEND } }",
    );
    const out = renderFrrConfig(node(parseTopology(text, "t.yml"), "transit"));
    assert.equal(
      out.split("\n").filter((x) => x === "route-map WL_GR_TO_PEER_OR_PROVIDER_THEN_PREPEND deny 10").length,
      1,
    );
    assert.ok(out.includes("route-map WL_GR_FROM_PEER_THEN_UP-IN permit 10"));
  });
});

describe("relationship and route-map on one neighbor in BIRD", () => {
  const block = (text: string, proto: string) =>
    text.slice(text.indexOf(`protocol bgp ${proto} {`)).split("\n}\n")[0] ?? "";

  test("inline filters compose them as FRR does, accepted by bird -p", async () => {
    const l = parseTopology(composed("bird"), "t.yml");
    const text = renderBirdConfig(node(l, "transit"));
    if (!skipNoBird) assert.deepEqual(await checkBirdConfig(text), [], `bird -p rejected:\n${text}`);
    const tag = "bgp_large_community.add((4200000001, 1000, 1));";
    assert.ok(
      block(text, "bgp_cust").includes(
        `    import filter { ${tag} bgp_local_pref = 200; if 'wl_rm_CUST-IN'() then { ${tag} accept; } reject; };\n` +
          "    export filter { if wl_rm_PREPEND() then accept; reject; };",
      ),
      block(text, "bgp_cust"),
    );
    const vf =
      "if (4200000001, 1000, 2) ~ bgp_large_community || (4200000001, 1000, 3) ~ bgp_large_community then reject;";
    assert.ok(
      block(text, "bgp_peer").includes(
        "    import filter wl_gr_from_peer;\n" + `    export filter { ${vf} if wl_rm_PREPEND() then accept; reject; };`,
      ),
      block(text, "bgp_peer"),
    );
    assert.match(
      block(text, "bgp_up"),
      /import filter \{ bgp_large_community\.add\(\(4200000001, 1000, 3\)\); bgp_local_pref = 50; if 'wl_rm_UP-IN'\(\)/,
    );
    assert.match(block(text, "bgp_up"), /export filter wl_gr_to_peer_or_provider;/);
  });

  test("next to another neighbor's default-originate, every other export filter rejects that default first", async () => {
    const l = parseTopology(composed("bird", ", default-originate: true"), "t.yml");
    const text = renderBirdConfig(node(l, "transit"));
    if (!skipNoBird) assert.deepEqual(await checkBirdConfig(text), [], `bird -p rejected:\n${text}`);
    const hide = 'if proto = "wl_default4" then reject;';
    // cust asked for it: it gets it whatever its route map says, as FRR sends it (seen on 8.4).
    assert.match(
      block(text, "bgp_cust"),
      /export filter \{ if proto = "wl_default4" then accept; if wl_rm_PREPEND\(\) then accept; reject; \};/,
    );
    assert.ok(
      block(text, "bgp_peer").includes(`export filter { ${hide} if (4200000001, 1000, 2)`),
      block(text, "bgp_peer"),
    );
    // A relationship filter alone becomes inline too, with the default rejected first.
    assert.ok(
      block(text, "bgp_up").includes(`export filter { ${hide} if (4200000001, 1000, 2)`),
      block(text, "bgp_up"),
    );
    assert.ok(block(text, "bgp_up").includes("then reject; accept; };"), block(text, "bgp_up"));
  });
});

describe("Gao-Rexford in FRR", () => {
  test("tags and local preference on import, valley-free export, accepted by vtysh -C", async () => {
    const l = parseTopology(lab("frr"), "t.yml");
    const text = renderFrrConfig(node(l, "transit"));
    if (!skipNoFrr) assert.deepEqual(await checkFrrConfig(text), [], `vtysh -C rejected:\n${text}`);
    const lines = text.split("\n");
    const cust = node(l, "transit").intents.bgp?.neighbors.find((n) => n.node === "cust")?.address;
    const peer = node(l, "transit").intents.bgp?.neighbors.find((n) => n.node === "peer")?.address;
    const up = node(l, "transit").intents.bgp?.neighbors.find((n) => n.node === "up")?.address;
    for (const want of [
      `  neighbor ${cust} route-map WL_GR_FROM_CUSTOMER in`,
      `  neighbor ${peer} route-map WL_GR_FROM_PEER in`,
      `  neighbor ${peer} route-map WL_GR_TO_PEER_OR_PROVIDER out`,
      `  neighbor ${up} route-map WL_GR_FROM_PROVIDER in`,
      `  neighbor ${up} route-map WL_GR_TO_PEER_OR_PROVIDER out`,
      "bgp large-community-list standard WL_GR_NOT_FROM_CUSTOMER permit 4200000001:1000:2",
      "bgp large-community-list standard WL_GR_NOT_FROM_CUSTOMER permit 4200000001:1000:3",
      " set large-community 4200000001:1000:1 additive",
      " set local-preference 200",
      " set local-preference 100",
      " set local-preference 50",
      "route-map WL_GR_TO_PEER_OR_PROVIDER deny 10",
      " match large-community WL_GR_NOT_FROM_CUSTOMER",
    ]) {
      assert.ok(lines.includes(want), `${JSON.stringify(want)} in:\n${text}`);
    }
    // Everything goes to a customer: no outbound route-map on it.
    assert.ok(!lines.some((x) => x.includes(`neighbor ${cust} route-map`) && x.endsWith(" out")));
  });

  test("no relationship, no policy", () => {
    const l = parseTopology(
      lab("frr")
        .replace(/, relationship: \w+/g, "")
        .replace(/\[\{ node: transit \}\]/g, "[transit]"),
      "t.yml",
    );
    assert.doesNotMatch(renderFrrConfig(node(l, "transit")), /WL_GR|route-map/);
  });
});

describe("Gao-Rexford in BIRD", () => {
  test("filters per relationship, accepted by bird -p", async () => {
    const l = parseTopology(lab("bird"), "t.yml");
    for (const n of l.nodes) {
      const text = renderBirdConfig(n);
      if (!skipNoBird) assert.deepEqual(await checkBirdConfig(text), [], `bird -p rejected:\n${text}`);
    }
    const text = renderBirdConfig(node(l, "transit"));
    for (const want of [
      "filter wl_gr_from_customer {",
      "  bgp_large_community.add((4200000001, 1000, 1));",
      "  bgp_local_pref = 200;",
      "  bgp_local_pref = 100;",
      "  bgp_local_pref = 50;",
      "  if (4200000001, 1000, 2) ~ bgp_large_community || (4200000001, 1000, 3) ~ bgp_large_community then reject;",
    ]) {
      assert.ok(text.split("\n").includes(want), `${JSON.stringify(want)} in:\n${text}`);
    }
    const block = (proto: string) => text.slice(text.indexOf(`protocol bgp ${proto} {`)).split("\n}\n")[0] ?? "";
    assert.match(block("bgp_cust"), /import filter wl_gr_from_customer;\n\s+export all;/);
    assert.match(block("bgp_peer"), /import filter wl_gr_from_peer;\n\s+export filter wl_gr_to_peer_or_provider;/);
    assert.match(block("bgp_up"), /import filter wl_gr_from_provider;\n\s+export filter wl_gr_to_peer_or_provider;/);
  });
});
