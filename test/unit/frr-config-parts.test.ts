// Per-daemon raw configs (`config: { zebra: …, bgpd: { file: … } }`): joined in FRR's daemon
// order with each block's origin, refused for unknown daemons (naming the valid ones), for
// files outside the topology's directory and on non-FRR nodes; a bad line in a block is
// reported at that block's place (inline: the topology file's line and column; a file: its
// own line). Runs FRR's own parser (vtysh -C) for the error positions.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError } from "../../src/core/executor.js";
import { prepareConfigs } from "../../src/core/lifecycle/deploy.js";
import { findNode } from "../../src/core/model.js";
import { daemonsFor } from "../../src/stacks/frr/daemons.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const dir = mkdtempSync(path.join(tmpdir(), "he-parts-"));
mkdirSync(path.join(dir, "r1"));
writeFileSync(path.join(dir, "r1", "bgpd.conf"), "router bgp 65001\n neighbor 10.0.0.1 remote-as 65002\n");
writeFileSync(
  path.join(dir, "r1", "bad.conf"),
  "router bgp 65001\n neighbor 10.0.0.1 remote-as 65002\n bogus line here\n",
);
after(() => rmSync(dir, { recursive: true, force: true }));
const FILE = path.join(dir, "lab.yml");

function topo(config: string, extra = ""): string {
  return `name: parts
nodes:
  r1:
${extra}    config:
${config}
  r2: {}
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`;
}

function load(text: string) {
  const l = parseTopology(text, FILE);
  l.file = FILE;
  return l;
}

function refusedAt(text: string, where: string, contains: string) {
  assert.throws(
    () => load(text),
    (e: unknown) => {
      assert.ok(e instanceof TopologyError, String(e));
      assert.ok(e.message.startsWith(`${FILE}:${where}: `), e.message);
      assert.ok(e.message.includes(contains), e.message);
      return true;
    },
  );
}

const MAP = `      bgpd: { file: r1/bgpd.conf }
      zebra: |
        interface 1
         description to r2
      staticd: "ip route 10.9.0.0/16 blackhole"`;

describe("per-daemon config", () => {
  test("joined in FRR's daemon order, each block's place recorded; its daemons started", () => {
    const r1 = findNode(load(`${topo(MAP)}`), "r1");
    assert.ok(r1?.stack);
    assert.equal(
      r1.stack.config,
      "interface 1\n description to r2\n!\nip route 10.9.0.0/16 blackhole\n!\nrouter bgp 65001\n neighbor 10.0.0.1 remote-as 65002\n",
    );
    assert.deepEqual(r1.stack.configParts, [
      { daemon: "zebra", first: 1, count: 2, pos: { file: FILE, line: 7, col: 9 } },
      { daemon: "staticd", first: 4, count: 1, pos: { file: FILE, line: 9, col: 17 } },
      { daemon: "bgpd", first: 6, count: 2, file: path.join(dir, "r1", "bgpd.conf") },
    ]);
    assert.deepEqual(daemonsFor(r1), ["zebra", "staticd", "bgpd"]);
  });

  test("refused: an unknown daemon (the valid ones named), a file outside the directory, a missing file", () => {
    refusedAt(`${topo('      zebar: "interface 1"')}`, "5:7", "unknown FRR daemon 'zebar' in the config of r1");
    refusedAt(`${topo('      pimd: "x"')}`, "5:7", "(valid: zebra, staticd, bgpd, ospfd, ospf6d, ripd, isisd, bfdd)");
    refusedAt(
      `${topo("      bgpd: { file: ../../etc/passwd }")}`,
      "5:21",
      "bgpd config '../../etc/passwd' of node 'r1' is outside the topology file's directory",
    );
    refusedAt(`${topo("      bgpd: { file: r1/none.conf }")}`, "5:21", "no such file");
  });

  test("refused on a BIRD node: one bird.conf text", () => {
    refusedAt(`${topo('      bgpd: "x"', "    stack: bird\n")}`, "5:5", "a per-daemon config map is FRR's");
  });

  test("a bad line points into its own block: inline at the topology's line and column", async () => {
    const text = `${topo(`      zebra: |
        interface 1
         descrption typo`)}`;
    await assert.rejects(prepareConfigs(load(text)), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(
        e.message.split("\n")[0],
        `${FILE}:7:9: r1: % Unknown command: descrption typo (zebra config line 2)`,
      );
      return true;
    });
  });

  test("a bad line in a block read from a file points at the file's own line", async () => {
    const text = `${topo(`      zebra: "interface 1"
      bgpd: { file: r1/bad.conf }`)}`;
    await assert.rejects(prepareConfigs(load(text)), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(
        e.message.split("\n")[0],
        `${path.join(dir, "r1", "bad.conf")}:3:1: r1: % Unknown command: bogus line here (bgpd config line 3)`,
      );
      return true;
    });
  });
});
