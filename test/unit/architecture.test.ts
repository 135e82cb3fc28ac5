// The seams stay seams: no import cycles in src/, and outside src/kinds/, src/runtimes/ and
// src/stacks/ no code branches on a kind's name or on whether a node is a container.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ALL_KINDS } from "../../src/kinds/index.js";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.(ts|js)$/.test(e.name) ? [p] : [];
  });
}

/**
 * Relative imports of a file that exist at run time (static, re-exports and dynamic), as
 * absolute .ts paths. `import type` is erased by the compiler and cannot form a cycle.
 */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8")
    .replace(/^import type [^;]+;/gm, "")
    .replace(/^export type [^;]+;/gm, "");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const spec = m[1] as string;
    out.push(path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts"));
  }
  return out;
}

/** Every cycle's members, found with Tarjan's strongly connected components. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        on.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const ts = files(SRC).filter((f) => f.endsWith(".ts"));

test("src/ has no import cycles", () => {
  const graph = new Map(ts.map((f) => [f, imports(f)]));
  const found = cycles(graph).map((c) => c.map((f) => path.relative(SRC, f)).sort());
  assert.deepEqual(found, [], `import cycles: ${found.map((c) => c.join(" ↔ ")).join("; ")}`);
});

test("the cycle finder finds a cycle (so the check above can fail)", () => {
  const g = new Map([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a"]],
    ["d", ["a"]],
  ]);
  assert.deepEqual(
    cycles(g).map((c) => c.sort()),
    [["a", "b", "c"]],
  );
});

test("outside kinds/, runtimes/ and stacks/ nothing branches on a kind name or on containers", () => {
  const allowed = ["kinds", "runtimes", "stacks"].map((d) => path.join(SRC, d) + path.sep);
  const offenders: string[] = [];
  for (const f of files(SRC)) {
    if (allowed.some((d) => f.startsWith(d))) continue;
    readFileSync(f, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        const kindName = new RegExp(`\\bkind\\s*[!=]==\\s*["'\`](${ALL_KINDS.join("|")})["'\`]`).test(line);
        const container = /\.runtime\.container\b/.test(line) || /runtime(\.name)?\s*[!=]==\s*["'`]docker/.test(line);
        if (kindName || container) offenders.push(`${path.relative(SRC, f)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, []);
});

test("web/, cli/, verify/ and core/ reach a stack only through its seam (stacks/index.ts, stacks/stack.ts)", () => {
  const above = ["web", "cli", "verify", "core"].map((d) => path.join(SRC, d) + path.sep);
  const stacks = path.join(SRC, "stacks") + path.sep;
  const seam = new Set(["index.ts", "stack.ts", "poll.ts", "render.ts"].map((f) => path.join(stacks, f)));
  const offenders: string[] = [];
  for (const f of ts) {
    if (!above.some((d) => f.startsWith(d))) continue;
    // Type imports too: the view model must not be one stack's shape.
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/from\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = path.resolve(path.dirname(f), m[1] as string).replace(/\.js$/, ".ts");
      if (target.startsWith(stacks) && !seam.has(target)) offenders.push(`${path.relative(SRC, f)} → ${m[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});
