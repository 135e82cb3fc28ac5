// Port names that `ip -batch` would misread (`#` starts a comment there, quotes and
// backslashes are parsed, whitespace splits): a real lab with such names builds both ends of
// every cable inside the nodes, leaves the host's interfaces alone, keeps each user's name as
// the interface's alias, and is destroyed without leftovers.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { run } from "../../src/util/exec.js";
import { inNode, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const LAB = "hostile";

async function hostLinks(): Promise<string[]> {
  const r = await run("ip", ["-j", "link", "show"]);
  return (JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname).sort();
}

describe("hostile port names", { skip: skipUnlessRoot }, () => {
  after(async () => {
    await wirelab(["destroy", "--lab", LAB]);
  });

  test("no veth end in the host; both ends in their nodes, each with the user's name as alias", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-hostile-"));
    const file = path.join(dir, "hostile.yml");
    await writeFile(
      file,
      `name: ${LAB}
defaults: {kind: linux}
nodes: {n1: {}, n2: {}}
links:
  - endpoints: [{endpoint: n1:a, ip: 10.0.0.0/31}, {endpoint: "n2:leak#", ip: 10.0.0.1/31}]
  - ['n1:a"b', 'n2:a\\b']
  - ["n1:a b", "n2:pört"]
`,
    );
    const before = await hostLinks();
    try {
      const d = await wirelab(["deploy", "-t", file, "--no-wait"]);
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual(await hostLinks(), before, "no interface appeared in the host's namespace");
      const n2 = await inNode(LAB, "n2", ["ip", "-j", "link", "show"]);
      const links = JSON.parse(n2.stdout) as { ifname: string; ifalias?: string }[];
      const aliases = links.filter((l) => l.ifname !== "lo").map((l) => l.ifalias);
      assert.deepEqual(aliases.sort(), ["a\\b", "leak#", "pört"].sort());
      for (const l of links) assert.match(l.ifname, /^[A-Za-z0-9_.-]{1,15}$/);
      const ping = await inNode(LAB, "n1", ["ping", "-c", "1", "-W", "2", "10.0.0.1"]);
      assert.equal(ping.code, 0, ping.stdout);
      assert.equal((await wirelab(["destroy", "--lab", LAB])).code, 0);
      assert.deepEqual(await waitNoLeftovers(LAB), []);
      assert.deepEqual(await hostLinks(), before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
