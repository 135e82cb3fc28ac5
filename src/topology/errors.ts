import type { SourcePos } from "./model.js";

/** A problem in the topology file, told in network terms and pointing at file:line:col. */
export class TopologyError extends Error {
  constructor(
    message: string,
    readonly pos?: SourcePos,
  ) {
    super(pos ? `${pos.file}:${pos.line}:${pos.col}: ${message}` : message);
    this.name = "TopologyError";
  }
}
