// `wirelab graph` end to end: the seed lab deployed for real, the graph server in-process,
// Debian's chromium driving the page. Cabling and routing views, the kernel's view on hover,
// a cable cut from the command line showing up without reload, an impairment, a cable
// restored from the page with the token; the server's token check and bind address; the
// static exports (HTML offline, Mermaid, DOT). Screenshots go to a temporary directory, or
// to docs/img/ (the README's pictures) with WIRELAB_UPDATE_SCREENSHOTS=1.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { inspectLab } from "../../src/core/inspect.js";
import { deployLab } from "../../src/core/lifecycle/deploy.js";
import { destroyLab } from "../../src/core/lifecycle/destroy.js";
import { readState } from "../../src/core/state.js";
import { loadTopology } from "../../src/topology/load.js";
import { runOk } from "../../src/util/exec.js";
import { type GraphServer, startGraphServer } from "../../src/web/server.js";
import { EXAMPLES, isRoot, ROOT, waitNoLeftovers, wirelab } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const LAB = "g5graph";
const NS = (node: string) => `wl_${LAB}_${node}`;
const CUT = "ops2:2--ops3:1";
const FIRST = "ops1:1--ops2:1";
const IMG = process.env.WIRELAB_UPDATE_SCREENSHOTS
  ? path.join(ROOT, "docs/img")
  : mkdtempSync(path.join(os.tmpdir(), "wirelab-shots-"));

const skip = !isRoot
  ? "needs root (namespaces, FRR)"
  : !existsSync(CHROMIUM)
    ? `needs Debian's chromium at ${CHROMIUM} (scripts/setup.sh installs it)`
    : false;

/** Chromium as root in a container: no sandbox, and no background connections of its own. */
function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A plain HTTP request (no browser, no fetch niceties). */
function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

async function operstate(node: string, ifname: string): Promise<string> {
  const r = await runOk("ip", ["-n", NS(node), "-j", "link", "show", "dev", ifname]);
  return (JSON.parse(r.stdout) as { operstate: string }[])[0]?.operstate ?? "?";
}

let linkCommand: boolean | undefined;
/** Whether `wirelab link` (cut, restore, impair a cable) is there; else the tests use ip and tc. */
async function hasLinkCommand(): Promise<boolean> {
  linkCommand ??= (await wirelab(["link", "--help"])).code === 0;
  return linkCommand;
}

/** Cuts or restores the ops2—ops3 cable from the command line: `wirelab link` when it exists, else `ip`. */
async function cableFromCli(state: "down" | "up"): Promise<string> {
  if (await hasLinkCommand()) {
    const r = await wirelab(["link", "--lab", LAB, "ops2:2", "ops3:1", state]);
    assert.equal(r.code, 0, `wirelab link: ${r.stderr}`);
    return "wirelab link";
  }
  await runOk("ip", ["-n", NS("ops2"), "link", "set", "dev", "2", state]);
  await runOk("ip", ["-n", NS("ops3"), "link", "set", "dev", "1", state]);
  return "ip link set";
}

const cyEval = <T>(page: Page, fn: string): Promise<T> => page.evaluate(fn) as Promise<T>;

describe("wirelab graph", { skip }, () => {
  let server: GraphServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let tmp: string;
  const pageErrors: string[] = [];

  before(async () => {
    await destroyIfThere();
    tmp = await mkdtemp(path.join(os.tmpdir(), "wirelab-graph-"));
    const lab = { ...(await loadTopology(path.join(EXAMPLES, "seed-ebgp.yml"))), name: LAB };
    const result = await deployLab(lab, { timeoutMs: 60_000 });
    assert.equal(result.bgp?.timedOut, false, "BGP converged");
    server = await startGraphServer({ lab: LAB, port: 0, intervalMs: 500 });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  async function destroyIfThere() {
    const state = await readState(LAB);
    if (state) await destroyLab(state);
  }

  after(async () => {
    await browser?.close();
    await server?.close();
    await destroyIfThere();
    if (tmp) await rm(tmp, { recursive: true, force: true });
    if (!process.env.WIRELAB_UPDATE_SCREENSHOTS) await rm(IMG, { recursive: true, force: true });
    assert.deepEqual(await waitNoLeftovers(LAB), [], "the lab left nothing behind");
  });

  test("the server binds 127.0.0.1 by default and prints its URL with the token in the fragment", async () => {
    assert.ok(server);
    const addr = server.http.address() as net.AddressInfo;
    assert.equal(addr.address, "127.0.0.1");
    assert.equal(server.host, "127.0.0.1");
    assert.equal(server.url, `http://127.0.0.1:${addr.port}/`);
    assert.equal(server.actionUrl, `http://127.0.0.1:${addr.port}/#token=${server.token}`);
    // Not reachable on the machine's other addresses.
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && i.family === "IPv4" && !i.internal)
      .map((i) => i?.address ?? "");
    for (const a of others) {
      const err = await new Promise<string>((resolve) => {
        const s = net.connect({ host: a, port: addr.port }, () => {
          s.destroy();
          resolve("connected");
        });
        s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      assert.equal(err, "ECONNREFUSED", `not listening on ${a}`);
    }
  });

  test("the command serves on 127.0.0.1, prints the URL and token, and stops on Ctrl-C", async () => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/wirelab.js"), "graph", "--lab", LAB, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (b: Buffer) => {
          out += b.toString();
          if (out.includes("Ctrl-C to stop")) resolve();
        });
        child.on("exit", () => reject(new Error(`wirelab graph exited early: ${out}`)));
      });
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(out)?.[1];
      assert.ok(url, `printed a 127.0.0.1 URL: ${out}`);
      assert.match(out, /token: [0-9a-f]{48}\n/);
      const info = await request(`${url}api/info`);
      assert.equal(info.status, 200);
      assert.deepEqual(JSON.parse(info.body), { lab: LAB, actions: true });
    } finally {
      child.kill("SIGINT");
    }
    assert.equal(await exited, 0, "exits 0 on SIGINT");
  });

  test("actions are refused without the token; reads need none", async () => {
    assert.ok(server);
    const url = `${server.url}api/link`;
    const body = JSON.stringify({ cable: FIRST, state: "down" });
    const json = { "content-type": "application/json" };
    const none = await request(url, { method: "POST", headers: json, body });
    assert.equal(none.status, 401, none.body);
    const wrong = await request(url, { method: "POST", headers: { ...json, "x-wirelab-token": "0".repeat(48) }, body });
    assert.equal(wrong.status, 401, wrong.body);
    const bearerWrong = await request(url, {
      method: "POST",
      headers: { ...json, authorization: "Bearer nope" },
      body,
    });
    assert.equal(bearerWrong.status, 401);
    const get = await request(url);
    assert.equal(get.status, 405, "no action by GET");
    assert.equal(await operstate("ops1", "1"), "UP", "nothing was cut");
    // DNS rebinding: a foreign Host header is refused even for reads.
    const rebound = await request(`${server.url}api/snapshot`, { headers: { host: `evil.example:${server.port}` } });
    assert.equal(rebound.status, 421);
    const snap = await request(`${server.url}api/snapshot`);
    assert.equal(snap.status, 200);
    assert.equal(Object.keys(JSON.parse(snap.body).snapshot.nodes).length, 3);
  });

  test("cabling view: three nodes and two cables with their port labels", async () => {
    assert.ok(server?.actionUrl);
    await page.goto(server.actionUrl);
    await page.click("#tab-cabling");
    await page.waitForSelector(`#list-cables li[data-state="up"] >> nth=1`);
    const nodes = await cyEval<string[]>(page, "wirelab.cys.cabling.nodes().map((n) => n.data('name')).sort()");
    assert.deepEqual(nodes, ["ops1", "ops2", "ops3"]);
    const edges = await cyEval<string[][]>(
      page,
      "wirelab.cys.cabling.edges().map((e) => [e.data('cable'), e.source().data('name'), e.style('source-label'), e.target().data('name'), e.style('target-label'), e.data('state')]).sort()",
    );
    assert.deepEqual(edges, [
      [FIRST, "ops1", "1", "ops2", "1", "up"],
      [CUT, "ops2", "2", "ops3", "1", "up"],
    ]);
    const listed = await page.locator("#list-cables li").allTextContents();
    assert.equal(listed.length, 2);
    await mkdir(IMG, { recursive: true });
    await page.screenshot({ path: path.join(IMG, "graph-cabling.png") });
  });

  test("hovering a cable shows the kernel's view of both ends", async () => {
    const state = await readState(LAB);
    assert.ok(state);
    const ports = (await inspectLab(state)).nodes.flatMap((n) => n.ports);
    const a = ports.find((p) => p.node === "ops1" && p.port === "1");
    const b = ports.find((p) => p.node === "ops2" && p.port === "1");
    assert.ok(a?.ifindex && b?.ifindex && a.mac);
    const at = await cyEval<{ x: number; y: number }>(
      page,
      `(() => { const cy = wirelab.cys.cabling; const m = cy.$id(${JSON.stringify(`c:${FIRST}`)}).renderedMidpoint();
        const r = cy.container().getBoundingClientRect(); return { x: r.left + m.x, y: r.top + m.y }; })()`,
    );
    await page.mouse.move(at.x - 20, at.y - 20);
    await page.mouse.move(at.x, at.y, { steps: 4 });
    const tip = page.locator("#tooltip");
    await tip.waitFor({ state: "visible" });
    const text = (await tip.textContent()) ?? "";
    for (const want of [NS("ops1"), NS("ops2"), String(a.ifindex), String(b.ifindex), a.mac, "192.168.101.1/24"]) {
      assert.ok(text.includes(want), `tooltip shows ${want}:\n${text}`);
    }
    assert.match(text, /peer ifindex/);
    await page.mouse.move(5, 5);
  });

  test("routing view: three ASes and two Established sessions", async () => {
    await page.click("#tab-routing");
    await page.waitForFunction(
      "wirelab.cys.routing.edges('.established').length === 2 && wirelab.cys.routing.nodes('.as').length === 3",
    );
    const ases = await cyEval<string[]>(page, "wirelab.cys.routing.nodes('.as').map((n) => n.data('label')).sort()");
    assert.deepEqual(ases, ["AS 65001", "AS 65002", "AS 65003"]);
    const members = await cyEval<string[][]>(
      page,
      "wirelab.cys.routing.nodes('.router').map((n) => [n.data('name'), n.parent().data('label')]).sort()",
    );
    assert.deepEqual(members, [
      ["ops1", "AS 65001"],
      ["ops2", "AS 65002"],
      ["ops3", "AS 65003"],
    ]);
    const sessions = await cyEval<string[][]>(
      page,
      "wirelab.cys.routing.edges().map((e) => [e.source().data('name'), e.target().data('name'), e.data('state')]).sort()",
    );
    assert.deepEqual(sessions, [
      ["ops1", "ops2", "Established"],
      ["ops2", "ops3", "Established"],
    ]);
    // Prefixes: ops1 announces its own and has ops3's via 65002 65003.
    const ops1 = await cyEval<string>(page, "wirelab.cys.routing.$id('r:ops1').data('label')");
    assert.match(ops1, /▲ 192\.168\.101\.0\/24/);
    assert.match(ops1, /▼ 192\.168\.102\.0\/24 \[65002 65003\]/);
    assert.equal(await page.locator('#list-sessions li[data-state="Established"]').count(), 2);
    // The prefixes are readable as fitted (they were 6 px on screen): 11 px or more.
    const px = await cyEval<number>(
      page,
      "wirelab.cys.routing.zoom() * parseFloat(wirelab.cys.routing.$id('r:ops1').style('font-size'))",
    );
    assert.ok(px >= 11, `router labels ${px.toFixed(1)} px on screen`);
    await page.screenshot({ path: path.join(IMG, "graph-routing.png") });
  });

  test("a cable cut from the command line shows down without a reload, and BGP follows", async (t) => {
    await page.click("#tab-both");
    const loadedAt = await cyEval<number>(page, "performance.timeOrigin");
    let navigations = 0;
    page.on("framenavigated", () => navigations++);
    await hasLinkCommand();
    const how = await cableFromCli("down");
    const done = Date.now();
    await page.waitForSelector(`#list-cables li[data-cable="${CUT}"][data-state="down"]`, { timeout: 15_000 });
    const ms = Date.now() - done;
    t.diagnostic(`the page showed the cut ${ms} ms after ${how} returned`);
    assert.ok(ms < 5000, `the page showed the cut ${ms} ms after ${how} returned (the server polls every 500 ms)`);
    // Both ends' operstate as the kernel reports it (the two ends may reach the page one poll apart).
    const want = { src: `2 (${await operstate("ops2", "2")})`, tgt: `1 (${await operstate("ops3", "1")})` };
    assert.notEqual(want.src, "2 (UP)");
    await page.waitForFunction(
      `(() => { const e = wirelab.cys.cabling.$id(${JSON.stringify(`c:${CUT}`)});
        return e.data("state") === "down" && e.style("source-label") === ${JSON.stringify(want.src)}
          && e.style("target-label") === ${JSON.stringify(want.tgt)}; })()`,
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForSelector('#list-sessions li[data-session="ops2~ops3~ipv4"]:not([data-state="Established"])', {
      timeout: 30_000,
    });
    assert.equal(await cyEval<number>(page, "performance.timeOrigin"), loadedAt, "same document");
    assert.equal(navigations, 0, "no navigation");
  });

  test("an impairment (tc qdisc) shows on its cable", async () => {
    // A rate limit (tbf): netem is not in every kernel (this machine's has none).
    const viaCli = await hasLinkCommand();
    if (viaCli) {
      const r = await wirelab(["link", "--lab", LAB, "ops1:1", "ops2:1", "set", "--rate", "1mbit"]);
      assert.equal(r.code, 0, `wirelab link set: ${r.stderr}`);
    } else {
      const tbf = ["tbf", "rate", "1mbit", "burst", "32kbit", "latency", "400ms"];
      await runOk("tc", ["-n", NS("ops1"), "qdisc", "add", "dev", "1", "root", ...tbf]);
    }
    try {
      await page.waitForFunction(
        `(() => { const e = wirelab.cys.cabling.$id(${JSON.stringify(`c:${FIRST}`)}); return e.hasClass("impaired") && /rate 1mbit/i.test(e.data("mid")); })()`,
        undefined,
        { timeout: 15_000 },
      );
      assert.match((await page.locator(`#list-cables li[data-cable="${FIRST}"]`).textContent()) ?? "", /rate 1mbit/i);
    } finally {
      if (viaCli) assert.equal((await wirelab(["link", "--lab", LAB, "ops1:1", "ops2:1", "clear"])).code, 0);
      else await runOk("tc", ["-n", NS("ops1"), "qdisc", "del", "dev", "1", "root"]);
    }
    await page.waitForFunction(`!wirelab.cys.cabling.$id(${JSON.stringify(`c:${FIRST}`)}).hasClass("impaired")`);
  });

  test("with the token, the page restores the cable (counters and qdiscs in the drawer)", async () => {
    await page.click(`#list-cables li[data-cable="${CUT}"]`);
    await page.waitForSelector("#details:not([hidden]) >> text=Counters");
    assert.match((await page.locator("#details").textContent()) ?? "", /rx packets/);
    await page.click("#details >> text=Restore (link up)");
    await page.waitForSelector(`#list-cables li[data-cable="${CUT}"][data-state="up"]`, { timeout: 15_000 });
    assert.equal(await operstate("ops2", "2"), "UP");
    assert.equal(await operstate("ops3", "1"), "UP");
    await page.waitForSelector('#list-sessions li[data-session="ops2~ops3~ipv4"][data-state="Established"]', {
      timeout: 60_000,
    });
  });

  test("the page raised no script errors", () => {
    assert.deepEqual(pageErrors, []);
  });

  test("exports: the HTML page works offline; Mermaid and DOT name every node and link", async () => {
    assert.ok(browser);
    const file = path.join(tmp, "lab.html");
    const r = await wirelab(["graph", "--lab", LAB, "--export", file]);
    assert.equal(r.code, 0, r.stderr);
    const html = await readFile(file, "utf8");
    assert.doesNotMatch(html, /<script src=|<link rel="stylesheet"/, "everything inlined");
    const context = await browser.newContext({ offline: true });
    const requests: string[] = [];
    context.on("request", (req) => requests.push(req.url()));
    const offline = await context.newPage();
    const offlineErrors: string[] = [];
    offline.on("pageerror", (e) => offlineErrors.push(e.message));
    await offline.goto(`file://${file}`);
    await offline.waitForFunction("window.wirelab && wirelab.cys.cabling.nodes().length === 3");
    const names = await cyEval<string[]>(offline, "wirelab.cys.cabling.nodes().map((n) => n.data('name')).sort()");
    assert.deepEqual(names, ["ops1", "ops2", "ops3"]);
    assert.equal(await cyEval<number>(offline, "wirelab.cys.cabling.edges().length"), 2);
    assert.match((await offline.locator("#status").textContent()) ?? "", /static export/);
    assert.deepEqual(offlineErrors, [], "no script errors offline");
    await context.close();
    const remote = requests.filter((u) => !u.startsWith("file://") && !u.startsWith("data:"));
    assert.deepEqual(remote, [], "no request beyond file://");

    const mermaid = await wirelab(["graph", "--lab", LAB, "--format", "mermaid"]);
    assert.equal(mermaid.code, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^flowchart LR$/m);
    for (const n of ["ops1", "ops2", "ops3"]) assert.match(mermaid.stdout, new RegExp(`n_${n}\\["${n}<br/>`));
    assert.match(mermaid.stdout, /n_ops1 ---\|"1 ↔ 1 · 192\.168\.101\.0\/24"\| n_ops2/);
    assert.match(mermaid.stdout, /n_ops2 ---\|"2 ↔ 1 · 192\.168\.102\.0\/24"\| n_ops3/);

    const dot = await wirelab(["graph", "--lab", LAB, "--format", "dot"]);
    assert.equal(dot.code, 0, dot.stderr);
    for (const n of ["ops1", "ops2", "ops3"]) assert.match(dot.stdout, new RegExp(`^  "${n}" \\[label=`, "m"));
    assert.match(dot.stdout, /"ops1" -- "ops2" \[taillabel="1", headlabel="1"/);
    assert.match(dot.stdout, /"ops2" -- "ops3" \[taillabel="2", headlabel="1"/);

    const routing = await wirelab(["graph", "--lab", LAB, "--format", "dot", "--view", "routing"]);
    assert.equal(routing.code, 0, routing.stderr);
    for (const as of [65001, 65002, 65003]) assert.match(routing.stdout, new RegExp(`label="AS ${as}"`));
    assert.equal(routing.stdout.match(/eBGP · Established/g)?.length, 2);
  });
});
