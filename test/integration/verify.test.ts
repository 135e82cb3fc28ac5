// `wirelab verify` on the seed lab, for real: its checks pass; checks written to fail say
// what they expected and what they saw; --junit writes XML that parses; capture writes a
// pcap with the BGP session's packets (TCP 179), read back with tcpdump.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { bgpSummary } from "../../src/stacks/frr/state.js";
import { run } from "../../src/util/exec.js";
import type { VerifyReport } from "../../src/verify/run.js";
import { parseXml } from "../unit/xml.js";
import { EXAMPLES, ROOT, skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

const SEED = path.join(EXAMPLES, "seed-ebgp.yml");
const LAB = "v3seed";

/** The seed topology with its checks replaced by `checks` (YAML text). */
async function seedWithChecks(dir: string, checks: string): Promise<string> {
  const text = await readFile(SEED, "utf8");
  const file = path.join(dir, "seed-failing.yml");
  await writeFile(file, `${text.slice(0, text.indexOf("\nchecks:"))}\nchecks:\n${checks}`);
  return file;
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(100);
  }
}

describe("wirelab verify on the seed lab", { skip: skipUnlessRoot }, () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "v3verify-"));
  });
  after(async () => {
    await wirelab(["destroy", "--lab", LAB]);
    await rm(dir, { recursive: true, force: true });
  });

  test("deploy --verify: the seed's checks pass right after deploy", async () => {
    const r = await wirelab(["deploy", "-t", SEED, "--lab", LAB, "--verify", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { verify: VerifyReport };
    assert.equal(out.verify.pass, true, r.stdout);
    const checks = out.verify.suites[0]?.checks ?? [];
    assert.equal(checks.length, 4);
    const route = checks.find((c) => c.type === "bgp-route" && c.name.includes("192.168.102.0/24"));
    assert.match(route?.seen ?? "", /best: AS path 65002 65003 via 192\.168\.101\.2/);
    const ping = checks.find((c) => c.type === "ping");
    assert.match(ping?.seen ?? "", /reply in [\d.]+ ms \(ttl 63\)/, "the ping crosses ops2");
  });

  test("verify --lab uses the deployed checks and prints a table", async () => {
    const r = await wirelab(["verify", "--lab", LAB]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ops1 learns ops3's 192\.168\.102\.0\/24 through ops2/);
    assert.match(r.stdout, /All 4 checks passed/);
  });

  test("checks written to fail exit 1 and show expected vs seen; --junit parses", async () => {
    const file = await seedWithChecks(
      dir,
      `  - name: wrong AS path
    bgp-route: { node: ops1, prefix: 192.168.102.0/24, as-path: 65009 65003 }
    timeout: 1s
  - name: unreachable address
    ping: { from: ops1, to: 10.99.0.1 }
    timeout: 1s
  - name: a good one
    bgp-session: ops1
  - name: ops3 is not reachable (but it is)
    ping: { from: ops1, to: ops3, expect: failure }
    timeout: 1s
`,
    );
    const junit = path.join(dir, "report.xml");
    const r = await wirelab(["verify", "-t", file, "--lab", LAB, "--json", "--junit", junit]);
    assert.equal(r.code, 1, `exit 1 on failure (stderr: ${r.stderr})`);
    const report = JSON.parse(r.stdout) as VerifyReport;
    const [wrongAs, unreachable, good, notDown] = report.suites[0]?.checks ?? [];
    assert.equal(wrongAs?.pass, false);
    assert.equal(wrongAs?.expected, "a best path to 192.168.102.0/24 with AS path 65009 65003");
    assert.match(wrongAs?.seen ?? "", /AS path 65002 65003 via 192\.168\.101\.2/, "the AS path actually received");
    assert.ok((wrongAs?.ms ?? 0) >= 1000, "it kept looking until its 1 s timeout");
    assert.ok((wrongAs?.attempts ?? 0) > 1, "it looked more than once");
    assert.equal(unreachable?.pass, false);
    assert.equal(unreachable?.expected, "a reply from 10.99.0.1");
    assert.match(unreachable?.seen ?? "", /Network is unreachable|no reply/);
    assert.equal(good?.pass, true);
    assert.equal(notDown?.pass, false);
    assert.match(notDown?.seen ?? "", /reply in/);

    // The same as a human reads it.
    const human = await wirelab(["verify", "-t", file, "--lab", LAB]);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /expected: a best path to 192\.168\.102\.0\/24 with AS path 65009 65003/);
    assert.match(human.stdout, /seen: best: AS path 65002 65003 via 192\.168\.101\.2/);
    assert.match(human.stdout, /3 of 4 checks failed/);

    const xml = parseXml(await readFile(junit, "utf8"));
    assert.equal(xml.name, "testsuites");
    assert.equal(xml.attrs.tests, "4");
    assert.equal(xml.attrs.failures, "3");
    const cases = xml.children.flatMap((s) => s.children);
    assert.deepEqual(
      cases.map((c) => [c.attrs.name, c.children[0]?.name]),
      [
        ["wrong AS path", "failure"],
        ["unreachable address", "failure"],
        ["a good one", "system-out"],
        ["ops3 is not reachable (but it is)", "failure"],
      ],
    );
    assert.match(cases[0]?.children[0]?.attrs.message ?? "", /seen best: AS path 65002 65003/);
    assert.equal(cases[0]?.attrs.file, file);
  });

  test("a topology without checks is a usage error", async () => {
    const r = await wirelab(["verify", "-t", path.join(EXAMPLES, "seed-ebgp-raw.yml"), "--lab", LAB]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has no checks/);
  });

  test("capture writes a pcap with the BGP session's OPEN, UPDATE and KEEPALIVE (TCP 179)", async () => {
    const pcap = path.join(dir, "ops1.pcap");
    const cap = spawn(
      process.execPath,
      [path.join(ROOT, "bin/wirelab.js"), "capture", "--lab", LAB, "ops1:1", "-w", pcap, "tcp", "port", "179"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    cap.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => cap.on("close", (code) => resolve(code)));
    try {
      await waitFor("tcpdump to listen", async () => stderr.includes("listening on"), 15_000);
      // A cable flap: the session comes back with a fresh OPEN and the routes as UPDATEs.
      assert.equal((await wirelab(["link", "--lab", LAB, "ops1:1", "down"])).code, 0);
      assert.equal((await wirelab(["link", "--lab", LAB, "ops1:1", "up"])).code, 0);
      const established = async () => (await bgpSummary(`wl_${LAB}_ops1`)).every((p) => p.established && p.pfxRcd > 0);
      await waitFor("ops1's session to come back", established);
      const decoded = async () => (await run("tcpdump", ["-r", pcap, "-nn", "-v", "tcp port 179"])).stdout;
      await waitFor("an UPDATE in the capture", async () => /Update Message \(2\)/.test(await decoded()));
    } finally {
      cap.kill("SIGTERM");
    }
    assert.equal(await exited, 0, `capture ends cleanly on SIGTERM (${stderr})`);
    assert.ok((await stat(pcap)).size > 24, "more than a pcap header");
    const lines = (await run("tcpdump", ["-r", pcap, "-nn", "tcp port 179"])).stdout.trim().split("\n");
    assert.ok(lines.length >= 4, `BGP packets in the pcap (${lines.length})`);
    assert.ok(
      lines.every((l) => /\.179[ :]/.test(l)),
      "every packet is TCP 179",
    );
    const v = (await run("tcpdump", ["-r", pcap, "-nn", "-v", "tcp port 179"])).stdout;
    assert.match(v, /Open Message \(1\)/);
    assert.match(v, /Update Message \(2\)/);
  });

  test("destroy leaves nothing behind", async () => {
    const r = await wirelab(["destroy", "--lab", LAB]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
  });
});
