import type { SourcePos } from "../core/model.js";

/** Folds a message onto one line: error messages are printed as `file:line:col: text`. */
function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/** A problem in the topology file, told in network terms and pointing at file:line:col. */
export class TopologyError extends Error {
  /** The message without the `file:line:col: ` prefix. */
  readonly detail: string;
  #errors: TopologyError[] | undefined;

  constructor(
    message: string,
    readonly pos?: SourcePos,
  ) {
    const detail = oneLine(message);
    super(pos ? `${pos.file}:${pos.line}:${pos.col}: ${detail}` : detail);
    this.name = "TopologyError";
    this.detail = detail;
  }

  /**
   * Every problem found in the same pass, in file order, this one first: all schema problems
   * are collected; network-level validation stops at its first problem (then just [this]).
   * An accessor, so that JSON.stringify(error) does not meet the cycle.
   */
  get errors(): TopologyError[] {
    return this.#errors ?? [this];
  }

  set errors(list: TopologyError[]) {
    this.#errors = list;
  }
}

/** Quotes a user-supplied value for an error message: single-quoted, one line, not too long. */
export function q(value: unknown): string {
  let s = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  s = s.replace(/[\r\n\t]/g, " ");
  if (s.length > 60) s = `${s.slice(0, 57)}...`;
  return `'${s}'`;
}
