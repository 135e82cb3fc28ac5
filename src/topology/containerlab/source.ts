// Positions for a topology converted from a containerlab file. wirelab's validation asks
// where a wirelab path (["nodes", "h1", "interfaces", "eth1", "ip"], ["links", 2]) was
// written; the converter recorded which containerlab element each part came from (the exec
// line that added the address, the link's entry under topology.links), and this answers
// with that element's file:line:col in the containerlab file.
import type { SourcePos } from "../../core/model.js";
import type { Path, PosPart, SourceInfo } from "../source.js";

interface Origin {
  clab: Path;
  /** Same shape on both sides (a node, an endpoint string): a key position means the same there. */
  exact: boolean;
}

const keyOf = (path: Path): string => JSON.stringify(path);

export class ClabSource implements SourceInfo {
  readonly file: string;
  private readonly origins = new Map<string, Origin>();
  private readonly order = new Map<string, string[]>();

  /** `clab` answers for paths in the containerlab file itself. */
  constructor(readonly clab: SourceInfo) {
    this.file = clab.file;
  }

  /** Records that the wirelab part at `wirelab` comes from the containerlab element at `clab`. */
  map(wirelab: Path, clab: Path, exact = false): void {
    this.origins.set(keyOf(wirelab), { clab, exact });
  }

  /** Whether the wirelab part at `wirelab` has a recorded origin. */
  has(wirelab: Path): boolean {
    return this.origins.has(keyOf(wirelab));
  }

  /** Records `key` as the next key of the wirelab mapping at `path` (written order for keys()). */
  key(path: Path, key: string): void {
    const k = keyOf(path);
    const list = this.order.get(k) ?? [];
    if (!list.includes(key)) list.push(key);
    this.order.set(k, list);
  }

  /** A position in the containerlab file itself. */
  at(clab: Path, part: PosPart = "value"): SourcePos {
    return this.clab.pos(clab, part);
  }

  /**
   * The position of the containerlab element the wirelab part at `path` came from, or of
   * the nearest enclosing part that has one (a port's settings fall back to the node).
   */
  pos(path: Path, part: PosPart = "value"): SourcePos {
    for (let n = path.length; n >= 0; n--) {
      const o = this.origins.get(keyOf(path.slice(0, n)));
      if (o) return this.clab.pos(o.clab, n === path.length && o.exact ? part : "value");
    }
    return this.clab.pos([], part);
  }

  keys(path: Path): string[] {
    return [...(this.order.get(keyOf(path)) ?? [])];
  }
}
