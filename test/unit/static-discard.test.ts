// Discard routes (`via: blackhole`, also `Null0`): in the model, in FRR (staticd, checked by
// FRR's parser in frr-render-bgp.test.ts) and as kernel routes on hosts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { interfaceSteps } from "../../src/core/lifecycle/interfaces.js";
import { findNode } from "../../src/core/model.js";
import { lab } from "./topo-helpers.js";

test("blackhole and Null0 are discard routes; a host gets `ip route add blackhole P`", () => {
  const l = lab(`name: d
nodes:
  h1:
    kind: linux
    routes:
      - { to: 10.1.0.0/16, via: blackhole }
      - { to: "2001:db8:9::/48", via: Null0 }
      - { to: 0.0.0.0/0, via: 10.0.0.1 }
  r1: {}
links:
  - [{ endpoint: h1:eth0, ip: 10.0.0.2/24 }, { endpoint: r1:1, ip: 10.0.0.1/24 }]
`);
  const h1 = findNode(l, "h1");
  assert.ok(h1);
  assert.deepEqual(h1.intents.static, [
    { to: "10.1.0.0/16", via: "blackhole" },
    { to: "2001:db8:9::/48", via: "blackhole" },
    { to: "0.0.0.0/0", via: "10.0.0.1" },
  ]);
  const step = interfaceSteps(l, h1).find((s) => s.type === "ip");
  assert.ok(step?.type === "ip");
  assert.deepEqual(
    step.lines.filter((x) => x.startsWith("route")),
    ["route add blackhole 10.1.0.0/16", "route add blackhole 2001:db8:9::/48", "route add 0.0.0.0/0 via 10.0.0.1"],
  );
});
