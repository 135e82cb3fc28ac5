// Port settings beyond addresses, deployed for real (examples/port-settings.yml): a stub
// port with no cable (its veth peer waits in the lab's holder namespace), a port that
// starts shut down, bandwidth rendered for FRR, IPv6 router advertisements giving a Linux
// host its default route and a SLAAC address. The example's own checks must pass right
// after deploy, and destroy must take the holder namespace too.
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, test } from "node:test";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { stubHolder } from "../../src/links/stub.js";
import { loadTopology } from "../../src/topology/load.js";
import { run } from "../../src/util/exec.js";
import { verifyLab } from "../../src/verify/run.js";
import { EXAMPLES, skipUnlessRoot, waitNoLeftovers } from "./helpers.js";

const LAB = "psettings";

describe("port settings", { skip: skipUnlessRoot }, () => {
  after(async () => {
    const state = await readState(LAB);
    if (state) await destroyLab(state);
  });

  test("stub, shutdown, bandwidth and router advertisements work as written", async () => {
    const lab = { ...(await loadTopology(path.join(EXAMPLES, "port-settings.yml"))), name: LAB };
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    assert.equal(result.bgp?.established, 2);
    const state = await readState(LAB);
    assert.ok(state);
    const report = await verifyLab(state);
    assert.ok(report.pass, JSON.stringify(report.suites.flatMap((s) => s.checks.filter((r) => !r.pass))));
    // The stub port is up with carrier: its peer is up in the holder namespace.
    const link = await run("ip", ["-n", `wl_${LAB}_r1`, "-j", "link", "show", "dev", "lan0"]);
    assert.equal(JSON.parse(link.stdout)[0]?.operstate, "UP");
    // Its MAC is the one the model derived: the same on every deploy.
    const r1 = state.model.nodes.find((n) => n.name === "r1");
    assert.equal(JSON.parse(link.stdout)[0]?.address, r1?.ports.find((p) => p.name === "lan0")?.mac);
    assert.ok((await run("ip", ["netns", "list"])).stdout.includes(stubHolder(LAB)));
    // FRR got the port's bandwidth and its RA settings.
    const conf = await run("ip", [
      "netns",
      "exec",
      `wl_${LAB}_r1`,
      "vtysh",
      "-N",
      `wl_${LAB}_r1`,
      "-c",
      "show running-config",
    ]);
    assert.match(conf.stdout, /interface lan0\n(?: .*\n)* bandwidth 100000/);
    assert.match(conf.stdout, /interface hosts\n(?: .*\n)* ipv6 nd prefix 2001:db8:60::\/64/);
    // h1 configured nothing itself: a SLAAC address from r1's prefix.
    const addr = await run("ip", ["-n", `wl_${LAB}_h1`, "-6", "addr", "show", "dev", "eth0", "scope", "global"]);
    assert.match(addr.stdout, /inet6 2001:db8:60:/);

    await destroyLab(state);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
    assert.ok(!(await run("ip", ["netns", "list"])).stdout.includes(stubHolder(LAB)), "holder namespace removed");
  });
});
