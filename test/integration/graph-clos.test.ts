// The graph page on a large lab, for real: `wirelab generate clos` with 4 spines, 32 leaves
// and a host per leaf (68 nodes, 160 cables, FRR's lab timers), deployed, and the page in
// Debian's chromium. The page as served carries the lab (a client whose event stream never
// connects still draws it); the cabling is laid out in tiers from the generated file's
// `graph.tier` (every spine above every leaf, leaves side by side without overlap, each host
// under its leaf); the routing pane keeps the tiers. The screenshot goes to a temporary
// directory, or to docs/img/graph-clos.png with WIRELAB_UPDATE_SCREENSHOTS=1.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { loadTopology } from "../../src/topology/load.js";
import { type GraphServer, startGraphServer } from "../../src/web/server.js";
import { isRoot, ROOT, waitNoLeftovers, wirelab } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const LAB = "hwclos";
const SPINES = 4;
const LEAVES = 32;
const IMG = process.env.WIRELAB_UPDATE_SCREENSHOTS
  ? path.join(ROOT, "docs/img")
  : mkdtempSync(path.join(os.tmpdir(), "wirelab-shots-"));

const skip = !isRoot
  ? "needs root (namespaces, FRR)"
  : !existsSync(CHROMIUM)
    ? `needs Debian's chromium at ${CHROMIUM} (scripts/setup.sh installs it)`
    : false;

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

interface Box {
  name: string;
  x: number;
  y: number;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}

/** Every drawn node of a pane with its position and box (model coordinates). */
function boxes(page: Page, pane: "cabling" | "routing"): Promise<Box[]> {
  return page.evaluate(
    `wirelab.cys.${pane}.nodes().filter((n) => !n.isParent()).map((n) => {
      const b = n.boundingBox({ includeLabels: false });
      return { name: n.data("name"), x: n.position("x"), y: n.position("y"), x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2 };
    })`,
  ) as Promise<Box[]>;
}

const overlap = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/** Pairs of boxes that overlap, by name. */
function overlapping(list: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i] as Box;
      const b = list[j] as Box;
      if (overlap(a, b)) out.push(`${a.name} × ${b.name}`);
    }
  }
  return out;
}

/** Spines above leaves, every one: the lowest spine's bottom above the highest leaf's top. */
function assertTiers(list: Box[], what: string): void {
  const spines = list.filter((b) => /^spine\d+$/.test(b.name));
  const leaves = list.filter((b) => /^leaf\d+$/.test(b.name));
  assert.equal(spines.length, SPINES, `${what}: every spine drawn`);
  assert.equal(leaves.length, LEAVES, `${what}: every leaf drawn`);
  const lowestSpine = Math.max(...spines.map((b) => b.y2));
  const highestLeaf = Math.min(...leaves.map((b) => b.y1));
  assert.ok(lowestSpine < highestLeaf, `${what}: spines (bottom ${lowestSpine}) above leaves (top ${highestLeaf})`);
  assert.deepEqual(overlapping(leaves), [], `${what}: no two leaves overlap`);
  // Spread horizontally: leaves in one row sit side by side (distinct x), not stacked.
  const rows = new Map<number, Box[]>();
  for (const l of leaves) rows.set(Math.round(l.y), [...(rows.get(Math.round(l.y)) ?? []), l]);
  for (const row of rows.values()) assert.equal(new Set(row.map((b) => Math.round(b.x))).size, row.length);
  assert.ok(rows.size <= LEAVES / 4, `${what}: ${LEAVES} leaves in ${rows.size} rows, not a column`);
  assert.ok(Math.max(...[...rows.values()].map((r) => r.length)) >= 4, `${what}: leaves side by side`);
}

describe(`graph page: a generated ${SPINES}-spine, ${LEAVES}-leaf Clos`, { skip }, () => {
  let server: GraphServer | undefined;
  let browser: Browser | undefined;
  let dir = "";
  const pageErrors: string[] = [];

  async function destroyIfThere() {
    const state = await readState(LAB);
    if (state) await destroyLab(state);
  }

  before(async () => {
    await destroyIfThere();
    dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-clos-"));
    const file = path.join(dir, "clos.yml");
    const gen = await wirelab([
      "generate",
      "clos",
      "--spines",
      String(SPINES),
      "--leaves",
      String(LEAVES),
      "--hosts-per-leaf",
      "1",
      "--name",
      LAB,
      "-o",
      file,
    ]);
    assert.equal(gen.code, 0, gen.stderr);
    const started = Date.now();
    const result = await deployLab(await loadTopology(file), { timeoutMs: 240_000 });
    assert.equal(result.bgp?.timedOut, false, "BGP converged");
    process.stderr.write(`# ${LAB}: deployed ${SPINES + LEAVES * 2} nodes in ${Date.now() - started} ms\n`);
    server = await startGraphServer({ lab: LAB, port: 0, intervalMs: 2000 });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await destroyIfThere();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (!process.env.WIRELAB_UPDATE_SCREENSHOTS) await rm(IMG, { recursive: true, force: true });
    assert.deepEqual(await waitNoLeftovers(LAB, 10_000), [], "the lab left nothing behind");
  });

  test("the page as served carries the lab's snapshot", async () => {
    assert.ok(server);
    // The server reads the lab as it starts; the page carries that read (68 nodes take a
    // while on a loaded machine, and a page asked for before it is there comes without).
    await server.watcher.latest();
    const r = await get(server.url);
    assert.equal(r.status, 200);
    const m = /<script type="application\/json" id="wirelab-initial">([^<]*)<\/script>/.exec(r.body);
    assert.ok(m, "the snapshot is in the page");
    const data = JSON.parse(m[1] as string) as { snapshot: { meta: { lab: string }; nodes: Record<string, unknown> } };
    assert.equal(data.snapshot.meta.lab, LAB);
    assert.equal(Object.keys(data.snapshot.nodes).length, SPINES + LEAVES * 2);
  });

  test("a client whose event stream never connects still draws the lab, in tiers", async (t) => {
    assert.ok(server && browser);
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    // The stream is held open with no answer: only the page's own snapshot can draw.
    await page.route("**/events", () => {});
    const started = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(`wirelab.cys.cabling.nodes().length === ${SPINES + LEAVES * 2}`, undefined, {
      timeout: 30_000,
    });
    t.diagnostic(`drawn ${Date.now() - started} ms after the request, without the event stream`);
    assert.notEqual(await page.locator("#status").getAttribute("data-state"), "live", "the stream did not connect");
    assertTiers(await boxes(page, "cabling"), "cabling (from the page's snapshot)");
    await page.close();
  });

  test("cabling: spines above leaves, leaves side by side, each host under its leaf, nothing overlapping", async (t) => {
    assert.ok(server && browser);
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const started = Date.now();
    await page.goto(`${server.url}#view=cabling`);
    await page.waitForSelector('#status[data-state="live"]', { timeout: 60_000 });
    t.diagnostic(`live ${Date.now() - started} ms after the request`);
    // Every cable up as the kernel has it (a read that failed under load shows on the next poll).
    await page.waitForFunction(
      "document.querySelectorAll('#list-cables li:not([data-state=\"up\"])').length === 0",
      undefined,
      {
        timeout: 90_000,
      },
    );
    assert.equal(await page.locator('#list-cables li[data-state="up"]').count(), 160, "160 cables up");
    const list = await boxes(page, "cabling");
    assertTiers(list, "cabling");
    assert.deepEqual(overlapping(list), [], "no two nodes overlap");
    const by = new Map(list.map((b) => [b.name, b]));
    for (let l = 1; l <= LEAVES; l++) {
      const leaf = by.get(`leaf${l}`) as Box;
      const host = by.get(`h${l}-1`) as Box;
      assert.ok(host.y1 > leaf.y2, `h${l}-1 below leaf${l}`);
      assert.ok(Math.abs(host.x - leaf.x) < 1, `h${l}-1 under leaf${l} (dx ${host.x - leaf.x})`);
    }
    // Readable: the fitted zoom keeps 12 px node labels at 8 px or more on screen.
    const zoom = await page.evaluate("wirelab.cys.cabling.zoom()");
    assert.ok((zoom as number) * 12 >= 8, `node labels readable (zoom ${zoom})`);
    await mkdir(IMG, { recursive: true });
    await page.screenshot({ path: path.join(IMG, "graph-clos.png") });

    await page.click("#tab-routing");
    await page.waitForFunction(`wirelab.cys.routing.nodes('.router').length === ${SPINES + LEAVES}`);
    assertTiers(await boxes(page, "routing"), "routing");
    await page.close();
  });

  test("the pages raised no script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
