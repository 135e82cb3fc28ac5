// IPv4 unnumbered links (OSPF and IS-IS point-to-point): the three ways to ask for one, the
// model (the loopback /32 on the port, point-to-point), FRR's acceptance of the rendered
// config (vtysh -C), and each refusal at file:line:col.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { findNode, type Lab } from "../../src/core/model.js";
import { checkFrrConfig } from "../../src/stacks/frr/check.js";
import { renderFrrConfig } from "../../src/stacks/frr/render.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";

const NODES = `nodes:
  r1: { interfaces: { lo: { ip: 10.255.0.1/32 } }, ospf: { area: 0 } }
  r2: { interfaces: { lo: { ip: 10.255.0.2/32 } }, ospf: { area: 0 }, isis: { area: "49.0001" } }
  r3: { interfaces: { lo: { ip: 10.255.0.3/32 } }, isis: { area: "49.0001" } }
`;

function lab(links: string, nodes = NODES): Lab {
  return parseTopology(`name: u\n${nodes}links:\n${links}`, "t.yml");
}

function refusal(links: string, nodes = NODES): string {
  try {
    lab(links, nodes);
  } catch (e) {
    assert.ok(e instanceof TopologyError, String(e));
    return e.message;
  }
  assert.fail("expected a TopologyError");
}

describe("IPv4 unnumbered links", () => {
  test("on the link, on each endpoint, or the loopback address on both ends: the port borrows the /32", async () => {
    for (const links of [
      "  - { endpoints: [r1:1, r2:1], ip: unnumbered }\n",
      "  - [{ endpoint: r1:1, ip: unnumbered }, { endpoint: r2:1, ip: unnumbered }]\n",
      "  - [{ endpoint: r1:1, ip: 10.255.0.1/32 }, { endpoint: r2:1, ip: 10.255.0.2/32 }]\n",
    ]) {
      const l = lab(links);
      const r1 = findNode(l, "r1");
      assert.deepEqual(
        r1?.ports.map((p) => [p.name, p.addresses, p.unnumbered]),
        [["1", ["10.255.0.1/32"], true]],
      );
      const iface = r1?.intents.ospf?.interfaces.find((i) => i.port === "1");
      assert.equal(iface?.networkType, "point-to-point");
      assert.deepEqual(
        iface?.peers.map((p) => p.node),
        ["r2"],
      );
      const text = renderFrrConfig(r1 as NonNullable<typeof r1>);
      assert.match(text, /interface 1\n ip ospf area 0\.0\.0\.0\n ip ospf network point-to-point/);
      if (!skipNoFrr) assert.deepEqual(await checkFrrConfig(text), []);
    }
  });

  test("IS-IS runs an unnumbered link point-to-point; automatic addressing leaves its IPv4 alone", async () => {
    const l = lab(
      "  - { endpoints: [r2:2, r3:1], ip: unnumbered }\n",
      `defaults: { addressing: { p2p: 10.99.0.0/24 } }\n${NODES}`,
    );
    const r3 = findNode(l, "r3");
    assert.deepEqual(r3?.ports[0]?.addresses, ["10.255.0.3/32"]);
    assert.equal(r3?.intents.isis?.interfaces.find((i) => i.port === "1")?.networkType, "point-to-point");
    if (!skipNoFrr) assert.deepEqual(await checkFrrConfig(renderFrrConfig(r3 as NonNullable<typeof r3>)), []);
  });

  test("refused where it cannot work, at the place in the file", () => {
    assert.match(
      refusal("  - [{ endpoint: r1:1, ip: unnumbered }, { endpoint: r2:1, ip: 10.0.0.1/31 }]\n"),
      /^t\.yml:7:28: r1:1 is unnumbered but r2:1 is not: both ends/,
    );
    assert.match(
      refusal("  - { endpoints: [r1:1, r3:1], ip: unnumbered }\n"),
      /^t\.yml:7:36: r1:1 is unnumbered, but OSPF or IS-IS does not run on both ends of the link/,
    );
    assert.match(
      refusal("  - { endpoints: [r1:1, r2:1], ip: unnumbered, ospf: { network-type: broadcast } }\n"),
      /^t\.yml:7:70: link r1:1 — r2:1 is unnumbered: OSPF runs it point-to-point/,
    );
    assert.match(
      refusal(
        "  - { endpoints: [h1:1, r1:1], ip: unnumbered }\n",
        `${NODES}  h1: { kind: linux, interfaces: { lo: { ip: 10.255.0.9/32 } } }\n`,
      ),
      /^t\.yml:8:36: h1:1 is unnumbered, but h1 is a linux node: only routers/,
    );
    assert.match(
      refusal(
        "  - { endpoints: [r1:1, r4:1], ip: unnumbered }\n",
        `${NODES}  r4: { ospf: { area: 0, router-id: 1.1.1.4 } }\n`,
      ),
      /r4:1 is unnumbered, but r4 has no loopback IPv4 \/32 to borrow/,
    );
    assert.match(
      refusal("  - [{ endpoint: r1:1, ip: unnumbered }, { endpoint: sw:1 }]\n", `${NODES}  sw: { kind: bridge }\n`),
      /^t\.yml:8:28: r1:1 is unnumbered: that takes a point-to-point link between two routers, not a bridge/,
    );
  });
});
