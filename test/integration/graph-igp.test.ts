// OSPF and IS-IS in inspect, in the graph page's routing pane and in deploy's routing column,
// read from the running daemons: examples/ospf-multiarea.yml (two areas, an ABR, a broadcast
// segment through a bridge with DR/BDR election) and examples/isis.yml (level 2) deployed for
// real, and examples/seed-ebgp-raw.yml (BGP only in raw config). The cabling of the OSPF lab
// also checks the bridge and its ports' labels against the other nodes.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { deploySummary } from "../../src/cli/commands/deploy-summary.js";
import { runningRouting } from "../../src/core/igp.js";
import { inspectLab } from "../../src/core/inspect.js";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { loadTopology } from "../../src/topology/load.js";
import { type GraphServer, startGraphServer } from "../../src/web/server.js";
import { EXAMPLES, isRoot, waitNoLeftovers } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const OSPF = "hwgospf";
const ISIS = "hwgisis";
const RAW = "hwgraw";
const LABS = [OSPF, ISIS, RAW];

const skip = !isRoot
  ? "needs root (namespaces, FRR)"
  : !existsSync(CHROMIUM)
    ? `needs Debian's chromium at ${CHROMIUM}`
    : false;

async function destroyIfThere(lab: string) {
  const state = await readState(lab);
  if (state) await destroyLab(state);
}

async function deploy(file: string, name: string) {
  const lab = { ...(await loadTopology(path.join(EXAMPLES, file))), name };
  const r = await deployLab(lab, { timeoutMs: 90_000 });
  assert.ok(
    r.ready.every((p) => !p.timedOut),
    `${name} converged: ${r.ready.map((p) => p.summary).join("; ")}`,
  );
  return lab;
}

async function state(lab: string) {
  const s = await readState(lab);
  assert.ok(s, `${lab} is deployed`);
  return s;
}

describe("IGP state in inspect, the routing pane and the deploy summary", { skip }, () => {
  let browser: Browser | undefined;
  const servers: GraphServer[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    for (const l of LABS) await destroyIfThere(l);
    await deploy("ospf-multiarea.yml", OSPF);
    await deploy("isis.yml", ISIS);
    await deploy("seed-ebgp-raw.yml", RAW);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
  });

  after(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    for (const l of LABS) await destroyIfThere(l);
    for (const l of LABS) assert.deepEqual(await waitNoLeftovers(l, 10_000), [], `${l} left nothing behind`);
  });

  async function open(lab: string, view: string): Promise<Page> {
    assert.ok(browser);
    const server = await startGraphServer({ lab, port: 0, intervalMs: 1000 });
    servers.push(server);
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}#view=${view}`);
    await page.waitForSelector('#status[data-state="live"]', { timeout: 60_000 });
    return page;
  }

  test("inspect: OSPF areas per interface, the ABR, DR and BDR on the bridge segment, neighbors Full", async () => {
    const info = await inspectLab(await state(OSPF));
    const node = (n: string) => info.nodes.find((x) => x.name === n);
    assert.deepEqual(node("r3")?.igpState?.ospf?.areas, ["0.0.0.0", "0.0.0.1"], "r3 is the ABR");
    assert.deepEqual(node("r5")?.igpState?.ospf?.areas, ["0.0.0.1"]);
    const r3 = node("r3")?.igpState?.ospf?.interfaces ?? [];
    assert.deepEqual(
      r3.filter((i) => i.version === 2).map((i) => [i.port, i.area, i.networkType]),
      [
        ["eth1", "0.0.0.0", "broadcast"],
        ["eth2", "0.0.0.1", "point-to-point"],
      ],
    );
    // The core segment: one DR and one BDR among r1, r2, r3 (whichever won), all agreeing.
    const seg = ["r1:eth2", "r2:eth2", "r3:eth1"].map((pn) => {
      const [n, p] = pn.split(":");
      return node(n as string)?.igpState?.ospf?.interfaces.find((i) => i.version === 2 && i.port === p);
    });
    assert.deepEqual(seg.map((i) => i?.role).sort(), ["Backup", "DR", "DROther"]);
    const dr = ["r1", "r2", "r3"][seg.findIndex((i) => i?.role === "DR")];
    for (const i of seg) assert.equal(i?.dr, dr, "every router names the DR by its node name");
    // Adjacencies with their areas: r3 has r4 in area 1, r1 and r2 in area 0.
    const adj = node("r3")?.igp ?? [];
    assert.deepEqual(
      adj.filter((a) => a.protocol === "OSPFv2").map((a) => [a.neighbor, a.port, a.area, a.up]),
      [
        ["r1", "eth1", "0.0.0.0", true],
        ["r2", "eth1", "0.0.0.0", true],
        ["r4", "eth2", "0.0.0.1", true],
      ].sort(),
    );
    assert.ok(
      adj.every((a) => /^(Full|2-Way)/.test(a.state)),
      adj.map((a) => a.state).join(", "),
    );
  });

  test("inspect: IS-IS level, circuits and adjacencies with their circuit type", async () => {
    const info = await inspectLab(await state(ISIS));
    for (const n of info.nodes) {
      const isis = n.igpState?.isis;
      assert.ok(isis, `${n.name} runs IS-IS`);
      assert.deepEqual(isis.levels, [2]);
      assert.equal(isis.adjacencies.length, 2, `${n.name}: two neighbors`);
      for (const a of isis.adjacencies) {
        assert.deepEqual([a.level, a.state, a.circuitType, a.up], [2, "Up", "L2", true], `${n.name} ${a.port}`);
        assert.match(a.neighbor, /^r[1-4]$/, "neighbor by node name");
      }
      for (const c of isis.interfaces) assert.deepEqual([c.circuitType, c.type], ["L2", "p2p"]);
    }
    const r1 = info.nodes.find((n) => n.name === "r1");
    assert.match(r1?.igpState?.isis?.interfaces.find((c) => c.port === "eth2")?.metric ?? "", /L2 30/);
  });

  test("deploy's routing column: read from the running daemons, raw-config nodes included", async () => {
    const raw = await state(RAW);
    const running = await runningRouting(RAW, raw.model);
    assert.deepEqual(running.get("ops1"), [{ name: "bgp", detail: "AS65001" }]);
    const table = deploySummary(raw.model, 200, running);
    for (const [n, as] of [
      ["ops1", 65001],
      ["ops2", 65002],
      ["ops3", 65003],
    ]) {
      assert.match(table, new RegExp(`${n} .*bgp AS${as}`));
    }
    const ospf = await state(OSPF);
    const r = await runningRouting(OSPF, ospf.model);
    assert.deepEqual(r.get("r3"), [{ name: "ospf", detail: "area 0.0.0.0, 0.0.0.1" }]);
    assert.match(deploySummary(ospf.model, 200, r), /r3 .*ospf area 0\.0\.0\.0, 0\.0\.0\.1/);
    const isis = await state(ISIS);
    assert.deepEqual((await runningRouting(ISIS, isis.model)).get("r1"), [{ name: "isis", detail: "level-2" }]);
  });

  test("routing pane: OSPF areas and roles on the routers, adjacencies as edges, tables in the drawer", async () => {
    const page = await open(OSPF, "routing");
    await page.waitForFunction("wirelab.cys.routing.edges('.igp').length === 6");
    const r3 = (await page.evaluate("wirelab.cys.routing.$id('r:r3').data('label')")) as string;
    assert.match(r3, /OSPF areas 0\.0\.0\.0, 0\.0\.0\.1 \(ABR\)/);
    const edges = (await page.evaluate(
      "wirelab.cys.routing.edges('.igp').map((e) => [e.source().data('name'), e.target().data('name'), e.data('label'), e.hasClass('established')]).sort()",
    )) as [string, string, string, boolean][];
    assert.deepEqual(edges, [
      ["r1", "r2", "OSPF area 0.0.0.0", true],
      ["r1", "r2", "OSPF area 0.0.0.0", true],
      ["r1", "r3", "OSPF area 0.0.0.0", true],
      ["r2", "r3", "OSPF area 0.0.0.0", true],
      ["r3", "r4", "OSPF area 0.0.0.1", true],
      ["r4", "r5", "OSPF area 0.0.0.1", true],
    ]);
    await page.click('#list-nodes li[data-node="r3"]');
    await page.waitForSelector("#details:not([hidden]) >> text=OSPF · areas 0.0.0.0, 0.0.0.1");
    const drawer = (await page.locator("#details").textContent()) ?? "";
    assert.match(drawer, /eth1v20\.0\.0\.0(DR|Backup|DROther)broadcast/);

    // The cabling: the bridge and its ports' labels clear of every other node.
    await page.click("#tab-cabling");
    // Port labels sit along their cable, srcOffset/tgtOffset from the end (their box
    // estimated from the text: 7 px a character at 11 px bold, plus padding).
    const clash = (await page.evaluate(`(() => {
      const cy = wirelab.cys.cabling;
      const hit = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
      const nodes = cy.nodes().map((n) => [n.data("name"), n.boundingBox({ includeLabels: false }), n]);
      const out = [];
      for (const [i, [a, ba]] of nodes.entries())
        for (const [b, bb] of nodes.slice(i + 1)) if (hit(ba, bb)) out.push(a + " × " + b);
      cy.edges().forEach((e) => {
        const s = e.sourceEndpoint();
        const t = e.targetEndpoint();
        const d = Math.hypot(t.x - s.x, t.y - s.y) || 1;
        const ux = (t.x - s.x) / d;
        const uy = (t.y - s.y) / d;
        const ends = [[s, 1, e.data("srcOffset"), e.data("srcLabel"), e.source()], [t, -1, e.data("tgtOffset"), e.data("tgtLabel"), e.target()]];
        for (const [p, dir, off, text, end] of ends) {
          const x = p.x + dir * ux * off;
          const y = p.y + dir * uy * off;
          const w = text.length * 7 + 8;
          const box = { x1: x - w / 2, x2: x + w / 2, y1: y - 9, y2: y + 9 };
          for (const [n, nb] of nodes) if (hit(box, nb)) out.push("port " + end.data("name") + ":" + text + " × " + n);
        }
        // No node lies on a cable it is not on.
        for (const [n, nb, node] of nodes) {
          if (node.same(e.source()) || node.same(e.target())) continue;
          for (let k = 1; k < 40; k++) {
            const x = s.x + ((t.x - s.x) * k) / 40;
            const y = s.y + ((t.y - s.y) * k) / 40;
            if (x > nb.x1 + 2 && x < nb.x2 - 2 && y > nb.y1 + 2 && y < nb.y2 - 2) {
              out.push(n + " on " + e.data("cable"));
              break;
            }
          }
        }
      });
      return out;
    })()`)) as string[];
    assert.deepEqual(clash, [], "no node on another or on a cable not its own, no port label on a node");
    await page.close();
  });

  test("routing pane: IS-IS levels on the routers and four level-2 adjacencies", async () => {
    const page = await open(ISIS, "routing");
    await page.waitForFunction("wirelab.cys.routing.edges('.igp.established').length === 4");
    const labels = (await page.evaluate(
      "wirelab.cys.routing.nodes('.router').map((n) => n.data('label'))",
    )) as string[];
    for (const l of labels) assert.match(l, /IS-IS L2 49\.0001/);
    const edges = (await page.evaluate("wirelab.cys.routing.edges('.igp').map((e) => e.data('label'))")) as string[];
    assert.deepEqual(edges, ["IS-IS L2", "IS-IS L2", "IS-IS L2", "IS-IS L2"]);
    await page.close();
  });

  test("the pages raised no script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
