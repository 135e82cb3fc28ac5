// Maps a path in the parsed topology (["nodes", "ops1", "bgp", "asn"]) back to where it was
// written in the YAML text, so that every error can point at file:line:col.
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import type { SourcePos } from "../core/model.js";

export type Path = readonly (string | number)[];

/** Which part of a mapping entry an error is about: the key (`ops1:`) or its value. */
export type PosPart = "key" | "value";

/** What validation needs to know about the text: positions of paths and the written order of keys. */
export interface SourceInfo {
  readonly file: string;
  /** The position of the value (or key) at `path`, or of the nearest enclosing part that exists. */
  pos(path: Path, part?: PosPart): SourcePos;
  /** The keys of the mapping at `path` in the order written. */
  keys(path: Path): string[];
}

/** A SourceInfo for a topology that did not come from text: every position is line 1, column 1. */
export function noSource(file: string): SourceInfo {
  return { file, pos: () => ({ file, line: 1, col: 1 }), keys: () => [] };
}

/** The string form of a mapping key, as the parsed object uses it. */
export function keyString(key: unknown): string | undefined {
  if (isScalar(key)) {
    if (typeof key.value === "symbol") return undefined; // the merge key `<<`
    return String(key.value);
  }
  if (key === null || key === undefined) return "";
  return typeof key === "string" ? key : String(key);
}

function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === "symbol";
}

export class SourceMap implements SourceInfo {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  /** The position of a byte offset in the text. */
  at(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  private resolve(node: unknown): unknown {
    let n = node;
    for (let i = 0; i < 100 && isAlias(n); i++) n = n.resolve(this.doc);
    return n;
  }

  /**
   * Each mapping's own entries by key (the first written wins; load.ts refuses duplicates
   * anyway) and its `<<` merge sources, built on first use (after load.ts has rewritten keys
   * as written). A scan per lookup made each one linear in the mapping's size, and
   * validation looks up every node at least once: 10,000 nodes took seconds.
   */
  private readonly index = new WeakMap<object, { own: Map<string, Pair>; merges: unknown[] }>();

  private indexOf(m: YAMLMap): { own: Map<string, Pair>; merges: unknown[] } {
    let idx = this.index.get(m);
    if (idx) return idx;
    idx = { own: new Map(), merges: [] };
    for (const pair of m.items) {
      if (!isPair(pair)) continue;
      if (isMergePair(pair)) {
        const v = this.resolve(pair.value);
        idx.merges.push(...(isSeq(v) ? v.items : [v]));
        continue;
      }
      const k = keyString(pair.key);
      if (k !== undefined && !idx.own.has(k)) idx.own.set(k, pair);
    }
    this.index.set(m, idx);
    return idx;
  }

  /** The entry for `key` in a mapping, following `<<` merges. */
  private entry(map: unknown, key: string, depth = 0): Pair | undefined {
    const m = this.resolve(map);
    if (!isMap(m) || depth > 10) return undefined;
    const idx = this.indexOf(m);
    const own = idx.own.get(key);
    if (own) return own;
    for (const s of idx.merges) {
      const found = this.entry(s, key, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** Walks as far along `path` as the document allows. */
  private walk(path: Path): { node: unknown; pair?: Pair; complete: boolean } {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    for (const seg of path) {
      const n = this.resolve(node);
      let next: unknown;
      let nextPair: Pair | undefined;
      if (isMap(n)) {
        nextPair = this.entry(n, String(seg));
        next = nextPair?.value;
        if (!nextPair) return { node, pair, complete: false };
      } else if (isSeq(n) && typeof seg === "number") {
        next = n.items[seg];
        if (next === undefined) return { node, pair, complete: false };
      } else {
        return { node, pair, complete: false };
      }
      node = next;
      pair = nextPair;
    }
    return { node, pair, complete: true };
  }

  private nodeOffset(node: unknown): number | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? range[0] : undefined;
  }

  /**
   * The position of the value (or key) at `path`. When the path does not exist in the text
   * (a missing field), the position of the deepest part that does: the enclosing mapping.
   */
  pos(path: Path, part: PosPart = "value"): SourcePos {
    const { node, pair, complete } = this.walk(path);
    let offset: number | undefined;
    if (complete && pair && (part === "key" || node === null || node === undefined)) offset = this.nodeOffset(pair.key);
    offset ??= this.nodeOffset(node);
    if (offset === undefined && pair) offset = this.nodeOffset(pair.key);
    return this.at(offset ?? 0);
  }

  /** The keys of the mapping at `path` in the order they were written (merged keys last). */
  keys(path: Path): string[] {
    const { node, complete } = this.walk(path);
    if (!complete) return [];
    // A Set keeps insertion order: the written order, without a linear `includes` per key.
    const out = new Set<string>();
    const collect = (map: unknown, depth: number) => {
      const m = this.resolve(map);
      if (!isMap(m) || depth > 10) return;
      const idx = this.indexOf(m);
      for (const k of idx.own.keys()) out.add(k);
      for (const s of idx.merges) collect(s, depth + 1);
    };
    collect(node, 0);
    return [...out];
  }
}

/** Orders an object's keys as written in the file (JS puts integer-like keys first otherwise). */
export function orderedKeys(obj: Record<string, unknown>, written: readonly string[]): string[] {
  const out = new Set(written.filter((k) => Object.hasOwn(obj, k)));
  for (const k of Object.keys(obj)) out.add(k);
  return [...out];
}
