// A bad line in a router's raw config is reported where the user wrote it (the topology
// file's line and column, or the startup-config file's line), as an input error; lines
// that only navigate (a stray exit-address-family) are warnings FRR itself would skip.
// Runs FRR's own parser (vtysh -C).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/core/executor.js";
import { prepareConfigs } from "../../src/core/lifecycle/deploy.js";
import { parseTopology } from "../../src/topology/load.js";

const lab = (config: string) => {
  const l = parseTopology(
    `name: cfgpos
nodes:
  r1:
    config: |
${config
  .split("\n")
  .map((x) => `      ${x}`)
  .join("\n")}
`,
    "/lab/cfgpos.yml",
  );
  l.file = "/lab/cfgpos.yml";
  return l;
};

test("a bad config line is an input error at its own line and column in the topology file", async () => {
  await assert.rejects(prepareConfigs(lab("router bgp 65001\n bogus line here")), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, /^\/lab\/cfgpos\.yml:6:7: r1: % Unknown command: bogus line here \(frr\.conf line \d+\)$/);
    return true;
  });
});

test("a navigation-only line is a warning and is skipped; --strict refuses it", async () => {
  const text = "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\nexit-address-family";
  const configs = await prepareConfigs(lab(text));
  const r1 = configs.get("r1");
  assert.ok(r1);
  assert.equal(r1.warnings.filter((w) => /navigation-only line FRR skips/.test(w)).length, 1, r1.warnings.join("\n"));
  assert.match(r1.text, /^! wirelab: skipped, as FRR would: exit-address-family$/m);
  assert.doesNotMatch(r1.text, /^exit-address-family$/m);
  await assert.rejects(prepareConfigs(lab(text), { strict: true }), ConfigError);
});
