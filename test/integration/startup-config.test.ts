// A lab changed at run time and carried over: `wirelab config` pushes a snippet into a
// running router, `wirelab save` writes loadable configs (kernel addresses included), and a
// second topology made only of those files (`startup-config:`, links without addresses)
// deploys the same network again, snippet and all.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { bgpRoutes } from "../../src/stacks/frr/state.js";
import { EXAMPLES, pingTtl, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const FIRST = "rtsave";
const SECOND = "rtload";

async function waitRoute(lab: string, node: string, prefix: string, asPath: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const table = await bgpRoutes(`wl_${lab}_${node}`).catch(() => ({}) as Record<string, never[]>);
    const paths = (table as Record<string, { bestpath: boolean; aspath: string }[]>)[prefix] ?? [];
    if (paths.some((p) => p.bestpath && p.aspath === asPath)) return true;
    await delay(100);
  }
  return false;
}

describe("config, save and startup-config", { skip: skipUnlessRoot }, () => {
  let dir = "";
  after(async () => {
    await wirelab(["destroy", "--lab", FIRST]);
    await wirelab(["destroy", "--lab", SECOND]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("a snippet pushed at run time survives save and a deploy from the saved files", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wl-rt-"));
    const d = await wirelab(["deploy", "-t", path.join(EXAMPLES, "seed-ebgp.yml"), "--lab", FIRST]);
    assert.equal(d.code, 0, d.stderr);

    const snippet = path.join(dir, "snippet.conf");
    await writeFile(
      snippet,
      "ip route 10.99.0.0/24 blackhole\nrouter bgp 65001\n address-family ipv4 unicast\n  redistribute static\n",
    );
    const c = await wirelab(["config", "--lab", FIRST, "ops1", snippet]);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(await waitRoute(FIRST, "ops3", "10.99.0.0/24", "65002 65001"), "ops3 learns the pushed route");

    // A bad line is refused with its line number.
    await writeFile(snippet, "router bgp 65001\n no such command\n");
    const bad = await wirelab(["config", "--lab", FIRST, "ops1", snippet]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /line 2/);

    const out = path.join(dir, "configs");
    const s = await wirelab(["save", "--lab", FIRST, "-o", out]);
    assert.equal(s.code, 0, s.stderr);
    const ops2 = await readFile(path.join(out, "ops2.conf"), "utf8");
    assert.match(ops2, /interface 1\n ip address 192\.168\.101\.2\/24/, "kernel addresses saved");
    assert.equal((await wirelab(["destroy", "--lab", FIRST])).code, 0);

    // The same cabling, nothing but the saved files.
    const topo = path.join(out, "lab.yml");
    await writeFile(
      topo,
      `name: ${SECOND}
nodes:
  ops1: { startup-config: ops1.conf }
  ops2: { startup-config: ops2.conf }
  ops3: { startup-config: ops3.conf }
links: [[ops1:1, ops2:1], [ops2:2, ops3:1]]
`,
    );
    const d2 = await wirelab(["deploy", "-t", topo]);
    assert.equal(d2.code, 0, d2.stderr);
    assert.ok(await waitRoute(SECOND, "ops1", "192.168.102.0/24", "65002 65003"), "the seed's table again");
    assert.ok(await waitRoute(SECOND, "ops3", "10.99.0.0/24", "65002 65001"), "the snippet came along");
    assert.equal(await pingTtl(SECOND, "ops1", "192.168.102.2"), 63);
    assert.equal((await wirelab(["destroy", "--lab", SECOND])).code, 0);
    assert.deepEqual(await waitNoLeftovers(SECOND), []);
  });
});
