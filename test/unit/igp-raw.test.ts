// Raw-config IS-IS and OSPF (issue 16, bug 3): the lab-friendly `lsp-gen-interval 1`, the IS-IS
// LSP timers pushed before the rest (isis-pre.ts), and what readiness waits for on routers
// whose IGP is raw config (the prefixes the others carry, read back from their daemons).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NodeModel } from "../../src/core/model.js";
import { parseInterfaceAddresses } from "../../src/stacks/frr/igp.js";
import { isisPreConfig } from "../../src/stacks/frr/isis-pre.js";
import { rawIsisFamilies, wantedPrefixes } from "../../src/stacks/frr/ready-igp.js";
import { prepareRawConfig, renderFrrConfig } from "../../src/stacks/frr/render.js";
import { parseTopology } from "../../src/topology/load.js";

function lab(config: string, frr = "") {
  const indented = config
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n");
  return parseTopology(
    `name: raw\n${frr}nodes:\n  r1:\n    interfaces: { lo: { ip: 10.255.0.1/32 } }\n    config: |\n${indented}\n  r2: {}\nlinks:\n  - [r1:1, r2:1]\n`,
    "raw.yml",
  );
}

const ISIS =
  "interface 1\n ip router isis core\nrouter isis core\n net 49.0001.0000.0000.0001.00\n max-lsp-lifetime 1800";

describe("raw IS-IS config: lab-friendly LSP timers", () => {
  test("lsp-gen-interval 1 is added right after router isis, before net", () => {
    const r1 = lab(ISIS).nodes[0] as NodeModel;
    const lines = prepareRawConfig(r1).lines.map((l) => l.text);
    assert.deepEqual(lines.slice(2, 5), ["router isis core", " lsp-gen-interval 1", " net 49.0001.0000.0000.0001.00"]);
    assert.match(renderFrrConfig(r1), /! - added "lsp-gen-interval 1" after "router isis" \(config line 3\)/);
  });
  test("not added when the text sets its own, nor without lab timers", () => {
    const own = lab(`${ISIS}\n lsp-gen-interval 5`).nodes[0] as NodeModel;
    assert.ok(!prepareRawConfig(own).lines.some((l) => l.text.includes("lsp-gen-interval 1")));
    const off = lab(ISIS, "defaults: { frr: { lab-timers: false } }\n").nodes[0] as NodeModel;
    assert.ok(!prepareRawConfig(off).lines.some((l) => l.text.includes("lsp-gen-interval")));
  });
  test("the pre-config holds each block's LSP timers and nothing else", () => {
    const conf = renderFrrConfig(lab(ISIS).nodes[0] as NodeModel);
    assert.equal(isisPreConfig(conf), "router isis core\n lsp-gen-interval 1\n max-lsp-lifetime 1800\n!\n");
    assert.equal(isisPreConfig("router isis x\n net 49.0001.0000.0000.0001.00\n"), undefined);
    assert.equal(isisPreConfig("router bgp 1\n neighbor 1.1.1.1 remote-as 2\n"), undefined);
  });
  test("the IS-IS families of each interface, from the raw text", () => {
    const f = rawIsisFamilies(
      "interface eth1\n ip router isis a\n ipv6 router isis a\n!\ninterface lo\n ip router isis a\nrouter isis a\n",
    );
    assert.deepEqual(
      [...f].map(([k, v]) => [k, [...v].sort()]),
      [
        ["eth1", [4, 6]],
        ["lo", [4]],
      ],
    );
  });
});

describe("readiness: prefixes wanted from raw-config routers", () => {
  test("an intent router and a raw one each want the other's prefixes (one domain either way)", () => {
    const l = parseTopology(
      `name: w
nodes:
  r1: { interfaces: { lo: { ip: 10.255.1.1/32 } }, ospf: { area: 0 } }
  r2: { interfaces: { lo: { ip: 10.255.1.2/32 } }, config: "router ospf\\n" }
links:
  - [{ endpoint: r1:1, ip: 10.9.0.1/30 }, { endpoint: r2:1, ip: 10.9.0.2/30 }]
`,
      "w.yml",
    );
    const raw = new Map([
      ["r2", { prefixes: ["10.255.1.2/32", "10.9.0.0/30"], peers: ["r1"], families: new Set<4 | 6>([4]) }],
    ]);
    const want = wantedPrefixes("ospf", l.nodes, raw);
    assert.deepEqual(
      want.get("r1")?.map((w) => w.prefix),
      ["10.255.1.2/32", "10.9.0.0/30"],
    );
    assert.deepEqual(
      want.get("r2")?.map((w) => w.prefix),
      ["10.255.1.1/32", "10.9.0.0/30"],
    );
    // Without the raw router's view, the intent router waits for nothing (main's behaviour).
    assert.deepEqual(wantedPrefixes("ospf", l.nodes).get("r1"), []);
  });
  test("zebra's interface addresses (show interface json)", () => {
    const m = parseInterfaceAddresses({
      lo: { ipAddresses: [{ address: "127.0.0.1/8" }, { address: "10.255.0.1/32" }] },
      eth1: { ipAddresses: [{ address: "10.0.0.1/31", secondary: false }] },
      eth2: {},
    });
    assert.deepEqual(
      [...m],
      [
        ["lo", ["127.0.0.1/8", "10.255.0.1/32"]],
        ["eth1", ["10.0.0.1/31"]],
        ["eth2", []],
      ],
    );
  });
});
