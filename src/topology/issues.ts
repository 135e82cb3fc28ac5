// Turns zod issues into one-line messages in the topology's own terms, each at the position
// of the offending YAML node. A raw zod dump never reaches the user.
import type { z } from "zod";
import { q, TopologyError } from "./errors.js";
import { topologySchema } from "./schema.js";
import type { Path, PosPart, SourceInfo } from "./source.js";

type Issue = z.core.$ZodIssue;

/** Reads the value at `path` in the parsed document. */
export function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function fieldPath(rest: Path): string {
  let out = "";
  for (const seg of rest) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out;
}

/** Names the place a path refers to: "node 'ops1' bgp.asn", "link #2", "defaults.kind". */
export function describePath(path: Path): string {
  const [head, second, ...rest] = path;
  if (head === "nodes" && second !== undefined) {
    return rest.length ? `node ${q(String(second))} ${fieldPath(rest)}` : `node ${q(String(second))}`;
  }
  if (head === "links" && typeof second === "number") {
    const link = `link #${second + 1}`;
    // [a, b] and {endpoints: [a, b]}: name the endpoint by its number, 1-based like the link.
    const ep = rest[0] === "endpoints" && typeof rest[1] === "number" ? 1 : typeof rest[0] === "number" ? 0 : -1;
    if (ep >= 0) {
      const after = rest.slice(ep + 1);
      const where = `${link} endpoint #${Number(rest[ep]) + 1}`;
      return after.length ? `${where} ${fieldPath(after)}` : where;
    }
    return rest.length ? `${link} ${fieldPath(rest)}` : link;
  }
  if (head === "checks" && typeof second === "number") {
    return rest.length ? `check #${second + 1} ${fieldPath(rest)}` : `check #${second + 1}`;
  }
  if (head === "scenarios" && second !== undefined) {
    return rest.length ? `scenario ${q(String(second))} ${fieldPath(rest)}` : `scenario ${q(String(second))}`;
  }
  return fieldPath(path);
}

function describeValue(v: unknown): string {
  if (v === null) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  switch (typeof v) {
    case "string":
      return `the text ${q(v)}`;
    case "number":
      return `the number ${v}`;
    case "boolean":
      return `${v}`;
    case "object":
      return "a mapping";
    default:
      return typeof v;
  }
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  null: "nothing",
};

function expected(name: string): string {
  return EXPECTED[name] ?? name;
}

/** Field-specific ranges, so the message gives both bounds. */
function rangeMessage(path: Path, value: unknown): string | undefined {
  const last = path[path.length - 1];
  if (last === "asn" || last === "remote-as") return `invalid AS number ${value} (must be 1..4294967295)`;
  if (last === "mtu") return `MTU ${value} is out of range (68..65535)`;
  if (last === "ebgp-multihop") return `ebgp-multihop ${value} is out of range (1..255)`;
  return undefined;
}

/** Every field name the format knows, for "did you mean" hints. */
const KNOWN_FIELDS: readonly string[] = (() => {
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (s: unknown): void => {
    if (!s || seen.has(s)) return;
    seen.add(s);
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    if (def.type === "object") {
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        names.add(k);
        visit(v);
      }
    }
    for (const key of ["innerType", "element", "valueType"]) visit(def[key]);
    if (Array.isArray(def.options)) for (const o of def.options) visit(o);
  };
  visit(topologySchema);
  return [...names];
})();

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] ?? 0;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] ?? 0;
      d[j] = Math.min((d[j] ?? 0) + 1, (d[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length] ?? 0;
}

/** Fields of a check itself (beside its type key), which users put inside the type's settings. */
const CHECK_FIELDS = new Set(["name", "timeout"]);

/** Where a known field goes when written in the wrong object. */
function misplaced(key: string, path: readonly (string | number)[]): string {
  if ((path[0] === "checks" || path[0] === "scenarios") && CHECK_FIELDS.has(key) && path.length >= 3) {
    const type = String(path[path.length - 1]);
    return ` here: '${key}' belongs to the check itself, one level up, beside '${type}:'`;
  }
  return ` here: '${key}' is a field of another part of the topology (see docs/topology.md)`;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const dist = distance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? ` (did you mean ${q(best)}?)` : "";
}

interface Found {
  path: Path;
  part: PosPart;
  message: string;
}

function prefixed(path: Path, text: string): string {
  const where = describePath(path);
  return where ? `${where}: ${text}` : text;
}

/** Explains one issue; unions are resolved to the alternative the user evidently meant. */
function explain(issue: Issue, base: Path, root: unknown): Found {
  const path: Path = [...base, ...(issue.path as (string | number)[])];
  const value = valueAt(root, path);
  switch (issue.code) {
    case "invalid_union": {
      // Alternatives that failed on the value's own type are not what the user meant.
      const meant = issue.errors.filter(
        (errs) => !(errs.length === 1 && errs[0]?.code === "invalid_type" && errs[0].path.length === 0),
      );
      const first = meant[0]?.[0];
      if (first) return explain(first, path, root);
      const kinds = [
        ...new Set(
          issue.errors.map((errs) => errs[0]).map((e) => (e && "expected" in e ? expected(String(e.expected)) : "")),
        ),
      ];
      return {
        path,
        part: "value",
        message: prefixed(path, `expected ${kinds.filter(Boolean).join(" or ")}, got ${describeValue(value)}`),
      };
    }
    case "invalid_type": {
      if (value === undefined) {
        const field = String(path[path.length - 1]);
        const parent = path.slice(0, -1);
        return { path: parent, part: "value", message: prefixed(parent, `missing required field ${q(field)}`) };
      }
      if (path.length === 0) {
        return {
          path,
          part: "value",
          message: `the topology must be a mapping with name, nodes and links, not ${describeValue(value)}`,
        };
      }
      if (path.length === 1 && path[0] === "nodes") {
        return {
          path,
          part: "value",
          message: `nodes must be a mapping of node names to their settings (ops1: {...}), not ${describeValue(value)}`,
        };
      }
      return {
        path,
        part: "value",
        message: prefixed(path, `expected ${expected(String(issue.expected))}, got ${describeValue(value)}`),
      };
    }
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "";
      const at = [...path, key];
      const where = describePath(path);
      // A field the format knows, in the wrong place: say where it goes, not "did you mean" itself.
      const hint = KNOWN_FIELDS.includes(key) ? misplaced(key, path) : didYouMean(key, KNOWN_FIELDS);
      const text = where ? `${where}: unknown field ${q(key)}${hint}` : `unknown top-level field ${q(key)}${hint}`;
      return { path: at, part: "key", message: text };
    }
    case "invalid_key": {
      if (path.length === 2 && path[0] === "nodes") {
        return {
          path,
          part: "key",
          message: `invalid node name ${q(String(path[1]))}: use letters, digits, '-' and '_' (at most 63, starting with a letter or digit)`,
        };
      }
      return {
        path,
        part: "key",
        message: prefixed(path.slice(0, -1), `invalid key ${q(String(path[path.length - 1]))}`),
      };
    }
    case "invalid_format": {
      if (path.length === 1 && path[0] === "name") {
        return {
          path,
          part: "value",
          message: `invalid lab name ${q(value)}: use letters, digits and '-' (at most 32, starting with a letter or digit); it becomes part of namespace names wl_<lab>_<node>`,
        };
      }
      return { path, part: "value", message: prefixed(path, `${q(value)} is not in the expected format`) };
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      const text = rangeMessage(path, value) ?? `${describeValue(value)} is out of range (must be ${bound})`;
      return { path, part: "value", message: prefixed(path, text) };
    }
    case "invalid_value": {
      const last = path[path.length - 1];
      const options = issue.values.map((v) => String(v)).join(", ");
      const hint = typeof value === "string" ? didYouMean(value, issue.values.map(String)) : "";
      const what = last === "kind" ? "kind" : "value";
      return {
        path,
        part: "value",
        message: prefixed(path, `unknown ${what} ${q(value)}${hint} (expected one of: ${options})`),
      };
    }
    default:
      return { path, part: "value", message: prefixed(path, issue.message) };
  }
}

/** Converts zod issues to TopologyErrors sorted by position in the file. */
export function issuesToErrors(issues: readonly Issue[], root: unknown, source: SourceInfo): TopologyError[] {
  const errors = issues.map((issue) => {
    const f = explain(issue, [], root);
    return new TopologyError(f.message, source.pos(f.path, f.part));
  });
  errors.sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
  return errors;
}
