// `wirelab generate clos --evpn` deployed for real through the CLI, over both underlays: with
// `--igp ospf` (iBGP between loopbacks through the spines) and without (eBGP hop by hop,
// the loopbacks as connected routes). Deploy returns with every VNI's remote VTEPs learned,
// the generated checks (evpn-vni, host-to-host ping in each VNI) pass, destroy leaves nothing.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

for (const [lab, igp] of [
  ["hegeno", ["--igp", "ospf"]],
  ["hegenb", []],
] as const) {
  describe(`generated Clos with EVPN over ${igp.length ? "OSPF + iBGP" : "eBGP"}`, { skip: skipUnlessRoot }, () => {
    let dir = "";
    after(async () => {
      await wirelab(["destroy", "--lab", lab]);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test("deploys with every VNI learned; the generated checks pass; destroy leaves nothing", async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "he-gen-"));
      const file = path.join(dir, "clos.yml");
      const args = ["generate", "clos", "--spines", "2", "--leaves", "3", "--hosts-per-leaf", "2", "--evpn", ...igp];
      const g = await wirelab([...args, "--name", lab, "-o", file]);
      assert.equal(g.code, 0, g.stderr);
      const d = await wirelab(["deploy", "-t", file, "--json"]);
      assert.equal(d.code, 0, d.stderr);
      const result = JSON.parse(d.stdout) as { ready: { protocol: string; done: boolean; summary: string }[] };
      const evpn = result.ready.find((r) => r.protocol === "evpn");
      assert.equal(evpn?.done, true, JSON.stringify(result.ready));
      assert.match(evpn?.summary ?? "", /6\/6 VNIs with every remote VTEP/);
      const v = await wirelab(["verify", "--lab", lab]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /All 4 checks passed/);
      const x = await wirelab(["destroy", "--lab", lab]);
      assert.equal(x.code, 0, x.stderr);
      assert.deepEqual(await waitNoLeftovers(lab), []);
    });
  });
}
