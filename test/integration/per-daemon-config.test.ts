// A per-daemon raw config deployed for real: r1's zebra and staticd blocks inline and its
// bgpd block from a file beside the topology, r2's bgpd inline. Deploy starts the daemons the
// blocks need and returns with the session up; r1's static route reaches r2 through BGP
// (the blocks really ran, in their daemons); destroy leaves nothing.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { findNode } from "../../src/core/model.js";
import { readState } from "../../src/core/state.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { frr } from "../../src/stacks/frr/index.js";
import { loadTopology } from "../../src/topology/load.js";
import { skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

const NAME = "hepd";

describe("per-daemon raw config for real", { skip: skipUnlessRoot }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "he-pd-"));
  after(async () => {
    const state = await readState(NAME);
    if (state) await destroyLab(state);
    rmSync(dir, { recursive: true, force: true });
  });

  test("each daemon's block runs in its daemon; destroy leaves nothing", async () => {
    mkdirSync(path.join(dir, "r1"));
    writeFileSync(
      path.join(dir, "r1", "bgpd.conf"),
      "router bgp 65001\n neighbor 10.0.0.1 remote-as 65002\n address-family ipv4 unicast\n  redistribute static\n exit-address-family\n",
    );
    const file = path.join(dir, "lab.yml");
    writeFileSync(
      file,
      `name: ${NAME}
nodes:
  r1:
    config:
      zebra: |
        interface 1
         description to r2
      staticd: "ip route 10.9.0.0/16 blackhole"
      bgpd: { file: r1/bgpd.conf }
  r2:
    config:
      bgpd: |
        router bgp 65002
         neighbor 10.0.0.0 remote-as 65001
links:
  - [{ endpoint: r1:1, ip: 10.0.0.0/31 }, { endpoint: r2:1, ip: 10.0.0.1/31 }]
`,
    );
    const lab = await loadTopology(file);
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    const bgp = result.ready.find((r) => r.protocol === "bgp");
    assert.equal(bgp?.done, true, bgp?.down.join("; "));
    const r1 = findNode(lab, "r1");
    const r2 = findNode(lab, "r2");
    assert.ok(r1 && r2);
    const routes = await frr.bgpRoutes?.(nodeHandle(NAME, r2), "ipv4");
    assert.ok(routes?.["10.9.0.0/16"], `r2 learned r1's static route: ${JSON.stringify(Object.keys(routes ?? {}))}`);
    const running = await frr.runningConfig(nodeHandle(NAME, r1));
    assert.match(running, /^interface 1\n(?: .*\n)* description to r2$/m);
    const state = await readState(NAME);
    assert.ok(state);
    await destroyLab(state);
    assert.deepEqual(await waitNoLeftovers(NAME), []);
  });
});
