// `wirelab graph`'s web server: node:http, the page and the graph library from disk, the lab's
// snapshot as JSON, live diffs as server-sent events, and one action (cable down/up) that
// needs the token the command printed. Binds 127.0.0.1 unless told otherwise.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { ActionError, type LinkAction, setCableState } from "./actions.js";
import { embedSnapshot, PAGE_FILES, readPageFile, vendorFiles } from "./assets.js";
import { cableDetails, nodeDetails } from "./details.js";
import type { SnapshotDiff } from "./snapshot.js";
import { LabWatcher } from "./watch.js";

export const DEFAULT_HOST = "127.0.0.1";
/** Tried first when no port is given; a free port is taken when it is in use. */
export const DEFAULT_PORT = 7480;

export interface GraphServerOptions {
  lab: string;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port; 0 takes any free port; undefined tries DEFAULT_PORT, then any free port. */
  port?: number;
  /** How often the lab is read while a page is open (ms, default 1000). */
  intervalMs?: number;
  /** The action token (default: 24 random bytes, hex). */
  token?: string;
  /** No actions at all, even with the token. */
  readOnly?: boolean;
  /** Poll errors (the lab vanished, vtysh failed…); default: ignored. */
  onError?: (e: Error) => void;
  /** The cabling layout the page uses: tiers or force; automatic (tiers when the lab marks tiers) when unset. */
  layout?: "tiers" | "force";
  /**
   * How long the page's request waits for the first snapshot to put into the page (ms,
   * default 10000); past it the page is served without and fills in from the event stream.
   */
  initialSnapshotMs?: number;
}

export interface GraphServer {
  /** The page, read-only. */
  url: string;
  /** The page with the token in its fragment (never sent to the server in the URL). */
  actionUrl?: string;
  host: string;
  port: number;
  token: string;
  readOnly: boolean;
  http: http.Server;
  watcher: LabWatcher;
  close(): Promise<void>;
}

/**
 * At most this many live event streams (`/events`) at once. Each holds a socket, a 15 s
 * ping timer and a listener that gets every diff; one page needs one. The cap keeps a
 * script opening streams in a loop from exhausting sockets and memory; the next one gets 503.
 */
export const MAX_EVENT_STREAMS = 32;

/** The bound address is a loopback one (the only binds for which Host is checked). */
function isLoopbackBind(host: string): boolean {
  return host === "localhost" || host === "::1" || (net.isIPv4(host) && host.startsWith("127."));
}

function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/**
 * Host header check (DNS rebinding): on a loopback bind, only `localhost`, `127.0.0.1`,
 * `[::1]` or the bound address itself, each with the bound port, are accepted. A pattern
 * such as /^127\./ would let `127.attacker.example` (a name the attacker points at
 * 127.0.0.1) through. The port is required unless it is HTTP's default (browsers omit it).
 */
function hostAllowed(header: string | undefined, bound: string, port: number): boolean {
  if (!isLoopbackBind(bound)) return true;
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(header);
  if (!m?.[1]) return false;
  const names = new Set(["localhost", "127.0.0.1", "[::1]", urlHost(bound)]);
  const portOk = m[2] === undefined ? port === 80 : Number(m[2]) === port;
  return names.has(m[1].toLowerCase()) && portOk;
}

function tokenOk(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function givenToken(req: http.IncomingMessage): string | undefined {
  const h = req.headers["x-wirelab-token"];
  if (typeof h === "string") return h;
  const auth = req.headers.authorization;
  return auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined;
}

const BASE_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, { ...BASE_HEADERS, "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), "application/json; charset=utf-8");
}

async function readBody(req: http.IncomingMessage, max = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw new ActionError("request body too large", 413);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off("listening", onListening);
      reject(e);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

export async function startGraphServer(opts: GraphServerOptions): Promise<GraphServer> {
  const host = opts.host ?? DEFAULT_HOST;
  if (!net.isIP(host) && host !== "localhost") throw new Error(`--host must be an IP address, not '${host}'`);
  const token = opts.token ?? randomBytes(24).toString("hex");
  const readOnly = opts.readOnly ?? false;
  const watcher = new LabWatcher(opts.lab, opts.intervalMs ?? 1000, opts.onError, opts.layout);
  const vendor = new Map(vendorFiles().map((v) => [v.name, v.file]));
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, host, port)) return send(res, 421, "unexpected Host header\n", "text/plain");
    const url = new URL(req.url ?? "/", "http://wirelab.invalid");
    const p = url.pathname;

    if (p === "/api/link") {
      if (req.method !== "POST") return json(res, 405, { error: "POST only" });
      if (readOnly) return json(res, 403, { error: "this graph server is read-only" });
      if (!tokenOk(givenToken(req), token)) {
        return json(res, 401, { error: "actions need the token that 'wirelab graph' printed (X-Wirelab-Token)" });
      }
      if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
        return json(res, 415, { error: 'send JSON: {"cable": ID, "state": "up"|"down"}' });
      }
      let body: { cable?: unknown; state?: unknown };
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        if (e instanceof ActionError) throw e;
        return json(res, 400, { error: "body is not JSON" });
      }
      if (typeof body.cable !== "string" || (body.state !== "up" && body.state !== "down")) {
        return json(res, 400, { error: 'expected {"cable": ID, "state": "up"|"down"}' });
      }
      const { state } = await watcher.state();
      if (!state) return json(res, 404, { error: `lab '${opts.lab}' is not deployed` });
      await setCableState(state, body.cable, body.state as LinkAction);
      void watcher.poll();
      return json(res, 200, { ok: true, cable: body.cable, state: body.state });
    }

    if (req.method !== "GET" && req.method !== "HEAD") return json(res, 405, { error: "read-only: GET only" });

    if (p === "/" || p === "/index.html") return send(res, 200, await page(), PAGE_FILES["index.html"] ?? "");
    const file = p.slice(1);
    if (file in PAGE_FILES && file !== "index.html")
      return send(res, 200, await readPageFile(file), PAGE_FILES[file] ?? "");
    if (p.startsWith("/vendor/")) {
      const f = vendor.get(p.slice("/vendor/".length));
      if (f) return send(res, 200, await readFile(f), "text/javascript; charset=utf-8");
    }
    if (p === "/api/info") return json(res, 200, { lab: opts.lab, actions: !readOnly });
    if (p === "/api/snapshot") return json(res, 200, await watcher.current());
    if (p === "/api/node" || p === "/api/cable") {
      const { state } = await watcher.state();
      if (!state) return json(res, 404, { error: `lab '${opts.lab}' is not deployed` });
      const key = url.searchParams.get(p === "/api/node" ? "name" : "id") ?? "";
      const details = p === "/api/node" ? await nodeDetails(state, key) : await cableDetails(state, key);
      return details ? json(res, 200, details) : json(res, 404, { error: `no such ${p.slice(5)}: ${key}` });
    }
    if (p === "/events") return stream(req, res);
    return json(res, 404, { error: "not found" });
  }

  /**
   * The page with the current snapshot in it, so a static screenshot or a slow client sees
   * the lab before the event stream connects (which then takes over). A lab that takes too
   * long to read is left to the stream.
   */
  async function page(): Promise<string> {
    const html = await readPageFile("index.html");
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), opts.initialSnapshotMs ?? 10_000);
    });
    const cur = await Promise.race([watcher.latest().catch(() => undefined), late]);
    clearTimeout(timer);
    return cur ? embedSnapshot(html, cur.version, cur.snapshot) : html;
  }

  async function stream(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (streams.size >= MAX_EVENT_STREAMS) {
      res.setHeader("retry-after", "5");
      return send(
        res,
        503,
        `too many open event streams (${MAX_EVENT_STREAMS}); close a graph page and reload this one\n`,
        "text/plain; charset=utf-8",
      );
    }
    res.writeHead(200, { ...BASE_HEADERS, "content-type": "text/event-stream", connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    streams.add(res);
    // Subscribe first, so no change between the snapshot and the first diff is lost.
    let sent = -1;
    const early: [number, SnapshotDiff][] = [];
    const push = (version: number, diff: SnapshotDiff) => {
      if (sent < 0) early.push([version, diff]);
      else if (version > sent) res.write(`event: diff\nid: ${version}\ndata: ${JSON.stringify(diff)}\n\n`);
    };
    const unsubscribe = watcher.subscribe(push);
    const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
    const done = () => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
    };
    req.on("close", done);
    try {
      const cur = await watcher.current();
      res.write(`event: snapshot\nid: ${cur.version}\ndata: ${JSON.stringify(cur.snapshot)}\n\n`);
      sent = cur.version;
      for (const [v, d] of early) if (v > sent) push(v, d);
    } catch (e) {
      res.write(`event: failure\ndata: ${JSON.stringify({ error: (e as Error).message })}\n\n`);
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      const status = e instanceof ActionError ? e.status : 500;
      if (!res.headersSent) json(res, status, { error: e.message });
      else res.end();
    });
  });

  try {
    await listen(server, host, opts.port ?? DEFAULT_PORT);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || opts.port !== undefined) {
      watcher.stop();
      throw e;
    }
    await listen(server, host, 0);
  }
  port = (server.address() as AddressInfo).port;
  // Read the lab now, so the first page served has a snapshot to carry.
  void watcher.latest().catch(() => {});
  const base = `http://${urlHost(host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host)}:${port}/`;

  return {
    url: base,
    actionUrl: readOnly ? undefined : `${base}#token=${token}`,
    host,
    port,
    token,
    readOnly,
    http: server,
    watcher,
    close: () =>
      new Promise<void>((resolve) => {
        watcher.stop();
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
