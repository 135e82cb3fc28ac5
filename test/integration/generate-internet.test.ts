// Internet-shaped labs deployed for real: `wirelab generate internet --ases 200 --stack bird`
// (and a 20-AS FRR one) through the CLI; deploy returns converged, verify's sampled checks
// pass (valley-free best paths, loopback pings), Gao-Rexford really filters (a multi-homed
// stub gives no transit between its providers), a valley-free check fails when the
// relationships say the chosen path is a valley, and destroy leaves nothing behind.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { CheckSpec, Lab } from "../../src/core/model.js";
import { parseAsRel } from "../../src/generate/as-rel.js";
import { loadTopology } from "../../src/topology/load.js";
import { probe } from "../../src/verify/probe.js";
import type { VerifyReport } from "../../src/verify/run.js";
import { skipUnlessRoot, waitNoLeftovers, wirelab } from "./helpers.js";

/** The lab's routing daemons still running: BIRD's by their run directory, FRR's by `-N`. */
async function labProcesses(lab: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const cmd = (await readFile(`/proc/${e}/cmdline`, "utf8").catch(() => "")).split("\0").join(" ");
    if (cmd.includes(`/run/wirelab/labs/${lab}/`) || cmd.includes(`-N wl_${lab}_`)) out.push(`${e}: ${cmd}`);
  }
  return out;
}

/** RSS of the lab's routing daemons, in KB. */
async function labRss(lab: string): Promise<number[]> {
  const out: number[] = [];
  for (const line of await labProcesses(lab)) {
    const e = line.slice(0, line.indexOf(":"));
    const status = await readFile(`/proc/${e}/status`, "utf8").catch(() => "");
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    if (kb) out.push(Number(kb));
  }
  return out;
}

function deployInternet(LAB: string, ases: number, stack: "bird" | "frr", extra: string[] = []) {
  let dir = "";
  let file = "";
  let lab: Lab;
  const state = { lab: () => lab, file: () => file };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-inet-"));
    file = path.join(dir, `${LAB}.yml`);
  });

  after(async () => {
    await wirelab(["destroy", "--lab", LAB]);
    await rm(dir, { recursive: true, force: true });
  });

  test("generate writes the topology and its as-rel file", async () => {
    const args = [
      "generate",
      "internet",
      "--ases",
      String(ases),
      "--stack",
      stack,
      "--name",
      LAB,
      "-o",
      file,
      ...extra,
    ];
    const r = await wirelab(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`lab '${LAB}', ${extra.length ? "\\d+" : ases} nodes`));
    const rel = parseAsRel(await readFile(path.join(dir, `${LAB}.as-rel`), "utf8"), "x.as-rel");
    assert.equal(rel.ases.length, ases);
    lab = await loadTopology(file);
    assert.ok((lab.checks ?? []).some((c) => c.spec.type === "bgp-route" && c.spec.valleyFree));
  });

  test("deploys and returns converged", async () => {
    const t0 = Date.now();
    const r = await wirelab(["deploy", "-t", file, "--json"]);
    const s = (Date.now() - t0) / 1000;
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { bgp: { established: number; total: number } };
    assert.ok(result.bgp.total > 0);
    assert.equal(result.bgp.established, result.bgp.total);
    const rss = (await labRss(LAB)).sort((a, b) => a - b);
    const median = rss[Math.floor(rss.length / 2)] ?? 0;
    const total = rss.reduce((x, y) => x + y, 0);
    process.stderr.write(
      `# ${LAB}: deploy ${s.toFixed(1)} s, ${rss.length} daemons, RSS median ${(median / 1024).toFixed(1)} MB, total ${(total / 1024).toFixed(0)} MB\n`,
    );
  });

  test("verify: the sampled pairs reach each other over valley-free paths", async () => {
    const r = await wirelab(["verify", "--lab", LAB, "--json"]);
    const report = JSON.parse(r.stdout) as VerifyReport;
    const failed = report.suites.flatMap((x) => x.checks).filter((c) => !c.pass);
    assert.deepEqual(
      failed.map((c) => `${c.name}: ${c.seen}`),
      [],
    );
    assert.equal(r.code, 0, r.stderr);
    const checks = report.suites.flatMap((x) => x.checks);
    assert.ok(checks.length >= 20, `${checks.length} checks`);
  });

  return state;
}

/** The prefix a router of AS `asn` announces (its first; it holds the loopback). */
function prefixOf(lab: Lab, asn: number): string {
  const n = lab.nodes.find((x) => x.intents.bgp?.asn === asn);
  return n?.intents.bgp?.networks[0] as string;
}

describe("generate internet --ases 200 --stack bird", { skip: skipUnlessRoot }, () => {
  const LAB = "hinet200";
  const s = deployInternet(LAB, 200, "bird");

  test("a multi-homed stub gives no transit between its providers (Gao-Rexford export)", async () => {
    const lab = s.lab();
    const providers = new Map<number, number[]>();
    for (const n of lab.nodes) {
      const bgp = n.intents.bgp;
      const ups = (bgp?.neighbors ?? []).filter((x) => x.relationship === "provider").map((x) => x.remoteAs);
      const peers = (bgp?.neighbors ?? []).filter((x) => x.relationship !== "provider");
      if (bgp && ups.length >= 2 && peers.length === 0) providers.set(bgp.asn, ups);
    }
    const [stub, [p1, p2] = []] = [...providers.entries()][0] ?? [];
    assert.ok(stub !== undefined && p1 !== undefined && p2 !== undefined, "a stub with two providers");
    const node = (asn: number) => lab.nodes.find((x) => x.intents.bgp?.asn === asn)?.name as string;
    const route = (asPath: string, prefix: string, expect: "present" | "absent"): CheckSpec => ({
      type: "bgp-route",
      node: node(p1),
      prefix,
      afi: "ipv4",
      asPath,
      best: false,
      expect,
    });
    // The stub's own prefix reaches its provider directly: the session carries routes …
    const own = await probe(lab, route(String(stub), prefixOf(lab, stub), "present"));
    assert.ok(own.pass, `${own.expected}: ${own.seen}`);
    // … but p2's prefix, learned by the stub from a provider, is not sent on to p1.
    const leak = await probe(lab, route(`${stub} ${p2}`, prefixOf(lab, p2), "absent"));
    assert.ok(leak.pass, `${leak.expected}: ${leak.seen}`);
  });

  test("valley-free fails when the relationships make the chosen path a valley", async () => {
    // The same running lab, judged with every relationship turned into `peer`: a path that
    // crosses two links then has two peer links in it, a valley.
    const lab = structuredClone(s.lab());
    for (const n of lab.nodes) for (const nb of n.intents.bgp?.neighbors ?? []) nb.relationship = "peer";
    const results = await Promise.all(
      (lab.checks ?? []).filter((c) => c.spec.type === "bgp-route").map((c) => probe(lab, c.spec)),
    );
    const valleys = results.filter((r) => !r.pass);
    assert.ok(valleys.length > 0, "some sampled path crosses two ASes");
    for (const v of valleys) assert.match(v.seen, /not valley-free: .*a peer link/);
  });

  test("destroy leaves nothing behind", async () => {
    const t0 = Date.now();
    const r = await wirelab(["destroy", "--lab", LAB]);
    assert.equal(r.code, 0, r.stderr);
    process.stderr.write(`# ${LAB}: destroy ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
    assert.deepEqual(await labProcesses(LAB), []);
  });
});

describe("generate internet --ases 40 --routers-per-as 3 --stack bird", { skip: skipUnlessRoot }, () => {
  const LAB = "hinetm40";
  const s = deployInternet(LAB, 40, "bird", ["--routers-per-as", "3"]);
  const route = (
    node: string,
    prefix: string,
    asPath: string,
    expect: "present" | "absent",
    valleyFree = false,
  ): CheckSpec => ({
    type: "bgp-route",
    node,
    prefix,
    afi: "ipv4",
    asPath,
    valleyFree,
    best: false,
    expect,
  });

  test("a customer's prefix crosses the AS over iBGP, and its loopback reaches every router of the AS", async () => {
    const lab = s.lab();
    // A transit AS whose first router has a customer: the customer's route at the AS's third router.
    const r1 = lab.nodes.find(
      (n) => /r1$/.test(n.name) && n.intents.bgp?.neighbors.some((x) => x.relationship === "customer"),
    );
    assert.ok(r1, "a transit AS with a customer on its first router");
    const asn = r1.intents.bgp?.asn as number;
    const cust = r1.intents.bgp?.neighbors.find((x) => x.relationship === "customer");
    const c = lab.nodes.find((n) => n.name === cust?.node);
    assert.ok(c?.intents.bgp);
    const r3 = `as${asn}r3`;
    const prefix = c.intents.bgp.networks[0] ?? c.intents.bgp.originate?.[0] ?? "";
    const seen = await probe(lab, route(r3, prefix, String(c.intents.bgp.asn), "present", true));
    assert.ok(seen.pass, `${seen.expected}: ${seen.seen}`);
    const ping = await probe(lab, {
      type: "ping",
      from: c.name,
      // `to` is what ping is given (the address); `target` names it in the report.
      to: (lab.nodes.find((n) => n.name === r3)?.loopback?.[0] ?? "").split("/")[0] as string,
      target: r3,
      source: (c.loopback?.[0] ?? "").split("/")[0] as string,
      expect: "success",
    });
    assert.ok(ping.pass, `${ping.expected}: ${ping.seen}`);
  });

  test("the relationship tags ride iBGP: a provider's route learned on one border is not sent up from another", async () => {
    const lab = s.lab();
    // AS T with a provider P1 on one router and a provider or peer P2 on another.
    let found: { t: number; p1: number; q: string; p2: number; ti: string; tj: string } | undefined;
    for (const ti of lab.nodes) {
      const t = ti.intents.bgp;
      if (!t || !/r\d$/.test(ti.name)) continue;
      const up = t.neighbors.find((x) => x.relationship === "provider");
      if (!up) continue;
      for (const tj of lab.nodes) {
        if (tj === ti || tj.intents.bgp?.asn !== t.asn) continue;
        const other = tj.intents.bgp?.neighbors.find(
          (x) => (x.relationship === "provider" || x.relationship === "peer") && x.remoteAs !== up.remoteAs,
        );
        if (other)
          found = { t: t.asn, p1: up.remoteAs, q: other.node as string, p2: other.remoteAs, ti: ti.name, tj: tj.name };
      }
      if (found) break;
    }
    assert.ok(found, "an AS with upstreams on two of its routers");
    const p1Prefix = lab.nodes.find((n) => n.intents.bgp?.asn === found.p1)?.intents.bgp?.originate?.[0] as string;
    // tj has P1's route over iBGP (learned by ti from its provider) …
    const there = await probe(lab, route(found.tj, p1Prefix, String(found.p1), "present"));
    assert.ok(there.pass, `${there.expected}: ${there.seen}`);
    // … and does not give it to P2 (a provider or peer): no "T P1" path at P2.
    const leak = await probe(lab, route(found.q, p1Prefix, `${found.t} ${found.p1}`, "absent"));
    assert.ok(leak.pass, `${found.ti}/${found.tj} → ${found.q}: ${leak.expected}: ${leak.seen}`);
  });

  test("destroy leaves nothing behind", async () => {
    const r = await wirelab(["destroy", "--lab", LAB]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
    assert.deepEqual(await labProcesses(LAB), []);
  });
});

describe("generate internet --ases 20 --stack frr", { skip: skipUnlessRoot }, () => {
  const LAB = "hinetfrr20";
  deployInternet(LAB, 20, "frr");

  test("destroy leaves nothing behind", async () => {
    const r = await wirelab(["destroy", "--lab", LAB]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await waitNoLeftovers(LAB), []);
    assert.deepEqual(await labProcesses(LAB), []);
  });
});
