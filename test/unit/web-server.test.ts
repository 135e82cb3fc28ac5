// The graph server's guards, without a lab: the Host header check against DNS rebinding
// and the cap on concurrent event streams.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { type GraphServer, MAX_EVENT_STREAMS, startGraphServer } from "../../src/web/server.js";

function get(
  server: GraphServer,
  path: string,
  host: string,
): Promise<{ status: number; body: string; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    // An empty `host` sends no Host header at all.
    const headers = host ? { host } : {};
    const opts = { host: "127.0.0.1", port: server.port, path, headers, agent: false, setHost: host !== "" };
    const req = http.get(opts, (res) => {
      if (res.headers["content-type"]?.startsWith("text/event-stream")) {
        resolve({ status: res.statusCode ?? 0, body: "", res });
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), res }));
    });
    req.on("error", reject);
  });
}

describe("Host header (DNS rebinding)", () => {
  let server: GraphServer;
  before(async () => {
    server = await startGraphServer({ lab: "wl-no-such-lab", port: 0, intervalMs: 60_000 });
  });
  after(() => server.close());

  test("names that only look like loopback, other ports and foreign names are refused", async () => {
    const p = server.port;
    for (const host of [
      `127.attacker.example:${p}`,
      `127.0.0.1.attacker.example:${p}`,
      `127.0.0.2:${p}`,
      `localhost:${p + 1}`,
      `localhost.:${p}`,
      `localhost`,
      `127.0.0.1`,
      "evil.com",
      `evil.com:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      "",
    ]) {
      const r = await get(server, "/api/info", host);
      // No Host at all: node:http itself answers 400 (HTTP/1.1 requires the header).
      assert.equal(r.status, host === "" ? 400 : 421, `Host: ${host} → ${r.status}`);
    }
  });

  test("localhost, 127.0.0.1 and [::1] with the bound port are served", async () => {
    const p = server.port;
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`]) {
      const r = await get(server, "/api/info", host);
      assert.equal(r.status, 200, `Host: ${host} → ${r.status} ${r.body}`);
    }
  });
});

describe("event streams", () => {
  let server: GraphServer;
  before(async () => {
    server = await startGraphServer({ lab: "wl-no-such-lab", port: 0, intervalMs: 60_000 });
  });
  after(() => server.close());

  test(`at most ${MAX_EVENT_STREAMS} at once: the next gets 503 with a reason; a closed one frees its place`, async () => {
    assert.equal(MAX_EVENT_STREAMS, 32);
    const host = `127.0.0.1:${server.port}`;
    const open: http.IncomingMessage[] = [];
    try {
      for (let i = 0; i < MAX_EVENT_STREAMS; i++) {
        const r = await get(server, "/events", host);
        assert.equal(r.status, 200, `stream ${i + 1}`);
        open.push(r.res);
      }
      const full = await get(server, "/events", host);
      assert.equal(full.status, 503);
      assert.match(full.body, /too many open event streams \(32\)/);
      // Other requests are still answered.
      assert.equal((await get(server, "/api/info", host)).status, 200);
      // Closing one frees a place.
      const closed = open.pop();
      closed?.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const again = await get(server, "/events", host);
      assert.equal(again.status, 200);
      open.push(again.res);
    } finally {
      for (const r of open) r.destroy();
    }
  });
});

describe("the first snapshot in the page", () => {
  test("embedded as JSON that no node name can break out of", async () => {
    const { embedSnapshot, INITIAL_ID, readPageFile } = await import("../../src/web/assets.js");
    const hostile = "</script><script>alert(1)</script><!--";
    const snap = { meta: { lab: "x" }, nodes: { [hostile]: { name: hostile } } };
    const html = embedSnapshot(await readPageFile("index.html"), 7, snap);
    assert.doesNotMatch(html, /alert\(1\)<\/script>/);
    assert.equal(html.split("</script>").length, (await readPageFile("index.html")).split("</script>").length + 1);
    const m = new RegExp(`<script type="application/json" id="${INITIAL_ID}">([^<]*)</script>`).exec(html);
    assert.ok(m, "one JSON element, closed where it should be");
    assert.deepEqual(JSON.parse(m[1] as string), { version: 7, snapshot: snap });
    assert.ok(html.indexOf(INITIAL_ID) < html.indexOf('src="app.js"'), "before the page's script reads it");
  });
});
