// Resource limits on topology input (file size, nodes, links) and large files loading in
// linear time: a 5,000-node chain loads; source-position lookups do not rescan mappings.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { LineCounter, parseDocument, type YAMLMap } from "yaml";
import { TopologyError } from "../../src/topology/errors.js";
import { DEFAULT_LIMITS, loadTopology, parseTopology } from "../../src/topology/load.js";
import { SourceMap } from "../../src/topology/source.js";

/** A chain of `n` linux routers with explicit addresses: r0 — r1 — … */
function chainText(n: number, name = "big"): string {
  const out = [`name: ${name}`, "defaults: {kind: linux}", "nodes:"];
  for (let i = 0; i < n; i++) out.push(`  r${i}: {forwarding: true}`);
  out.push("links:");
  for (let i = 0; i + 1 < n; i++) {
    // One /31 per link, from 10.0.0.0/8.
    const base = i * 2;
    const ip = (v: number) => `10.${(v >> 16) & 255}.${(v >> 8) & 255}.${v & 255}`;
    out.push(
      `  - endpoints: [{endpoint: r${i}:2, ip: ${ip(base)}/31}, {endpoint: r${i + 1}:1, ip: ${ip(base + 1)}/31}]`,
    );
  }
  return `${out.join("\n")}\n`;
}

function withEnv(vars: Record<string, string>, fn: () => Promise<void> | void): Promise<void> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return Promise.resolve()
    .then(fn)
    .finally(() => {
      for (const [k, v] of Object.entries(old)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
}

function refusal(file: string, limit: number, env: string, what: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof TopologyError, String(e));
    assert.ok(!e.message.includes("\n"), "one line");
    assert.ok(e.message.startsWith(`${file}:`), e.message);
    assert.match(e.message, what);
    assert.ok(e.message.includes(String(limit)), e.message);
    assert.ok(e.message.includes(env), e.message);
    return true;
  };
}

describe("limits", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "wirelab-limits-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("the defaults: 8 MiB, 5,000 nodes, 20,000 links", () => {
    assert.deepEqual(DEFAULT_LIMITS, { fileBytes: 8 * 1024 * 1024, nodes: 5000, links: 20000 });
  });

  test("a file over 8 MiB is refused before it is parsed", async () => {
    const file = path.join(dir, "huge.yml");
    await writeFile(file, `name: huge\nnodes: {a: {}}\n${"# padding\n".repeat(900_000)}`);
    await assert.rejects(
      loadTopology(file),
      refusal(file, 8 * 1024 * 1024, "WIRELAB_MAX_FILE_BYTES", /larger than the limit/),
    );
  });

  test("WIRELAB_MAX_FILE_BYTES lowers (or raises) the file limit; parseTopology applies it too", async () => {
    const file = path.join(dir, "small.yml");
    const text = chainText(20);
    await writeFile(file, text);
    await withEnv({ WIRELAB_MAX_FILE_BYTES: "100" }, async () => {
      await assert.rejects(loadTopology(file), refusal(file, 100, "WIRELAB_MAX_FILE_BYTES", /larger than the limit/));
      assert.throws(() => parseTopology(text, "t.yml"), refusal("t.yml", 100, "WIRELAB_MAX_FILE_BYTES", /larger/));
    });
    await withEnv({ WIRELAB_MAX_FILE_BYTES: String(text.length) }, async () => {
      assert.equal((await loadTopology(file)).nodes.length, 20);
    });
  });

  test("more than 5,000 nodes is refused, naming the count and the variable", () => {
    const text = `name: many\nnodes:\n${Array.from({ length: 5001 }, (_, i) => `  n${i}: {}\n`).join("")}`;
    assert.throws(() => parseTopology(text, "many.yml"), refusal("many.yml", 5000, "WIRELAB_MAX_NODES", /5001 nodes/));
  });

  test("WIRELAB_MAX_NODES and WIRELAB_MAX_LINKS set the node and link limits", async () => {
    const text = chainText(12);
    await withEnv({ WIRELAB_MAX_NODES: "11" }, () => {
      assert.throws(() => parseTopology(text, "c.yml"), refusal("c.yml", 11, "WIRELAB_MAX_NODES", /12 nodes/));
    });
    await withEnv({ WIRELAB_MAX_LINKS: "10" }, () => {
      assert.throws(() => parseTopology(text, "c.yml"), refusal("c.yml", 10, "WIRELAB_MAX_LINKS", /11 links/));
    });
    await withEnv({ WIRELAB_MAX_NODES: "12", WIRELAB_MAX_LINKS: "11" }, () => {
      assert.equal(parseTopology(text, "c.yml").links.length, 11);
    });
  });

  test("more than 20,000 links is refused", () => {
    const text = `name: l\nnodes: {a: {}, b: {}}\nlinks:\n${"  - [a:1, b:1]\n".repeat(20001)}`;
    assert.throws(() => parseTopology(text, "l.yml"), refusal("l.yml", 20000, "WIRELAB_MAX_LINKS", /20001 links/));
  });

  test("a limit variable that is not a positive whole number is an error", async () => {
    await withEnv({ WIRELAB_MAX_NODES: "lots" }, () => {
      assert.throws(() => parseTopology(chainText(2), "c.yml"), /WIRELAB_MAX_NODES must be a positive whole number/);
    });
  });
});

describe("large files", () => {
  test("a 5,000-node chain loads", (t) => {
    const text = chainText(5000);
    const start = performance.now();
    const lab = parseTopology(text, "chain5000.yml");
    t.diagnostic(`5,000 nodes, ${lab.links.length} links: ${(performance.now() - start).toFixed(0)} ms`);
    assert.equal(lab.nodes.length, 5000);
    assert.equal(lab.links.length, 4999);
    assert.deepEqual(lab.nodes[4999]?.ports[0]?.addresses, ["10.0.39.13/31"]);
  });

  test("position lookups read each mapping entry a bounded number of times (no rescans per key)", () => {
    const n = 2000;
    const text = `nodes:\n${Array.from({ length: n }, (_, i) => `  r${i}: {asn: ${i}}\n`).join("")}`;
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const nodes = doc.get("nodes") as YAMLMap;
    let reads = 0;
    nodes.items = new Proxy(nodes.items, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const source = new SourceMap("x.yml", doc, lines);
    for (let i = 0; i < n; i++) {
      assert.equal(source.pos(["nodes", `r${i}`, "asn"]).line, i + 2);
      source.keys(["nodes", `r${i}`]);
    }
    assert.equal(source.keys(["nodes"]).length, n);
    // One pass to index the mapping (plus a little); a scan per lookup would be ~n²/2 = 2,000,000.
    assert.ok(reads <= 4 * n, `${reads} reads of ${n} entries`);
  });
});
