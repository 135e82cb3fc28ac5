// The shared last step of loading: a parsed topology object (from a wirelab file, or converted
// from another format) is checked against the schema and resolved into the Lab model. Every
// error goes through `source`, so it points wherever the object's parts were written.
import type { Lab } from "../core/model.js";
import { TopologyError } from "./errors.js";
import { issuesToErrors } from "./issues.js";
import { buildLab } from "./resolve/index.js";
import { topologySchema } from "./schema.js";
import type { SourceInfo } from "./source.js";

/** Schema check then network validation; throws TopologyError (all schema problems in `errors`). */
export function validateTopologyInput(data: unknown, source: SourceInfo): Lab {
  const parsed = topologySchema.safeParse(data);
  if (!parsed.success) {
    const errors = issuesToErrors(parsed.error.issues, data, source);
    const first = errors[0] ?? new TopologyError("invalid topology", source.pos([]));
    first.errors = errors;
    throw first;
  }
  return buildLab(parsed.data, source);
}
