// The JSON Schema of the topology format, generated from the zod schema so the two never
// disagree. scripts/gen-schema.ts writes it to schema/topology.schema.json for editors
// (yaml-language-server reads the `# yaml-language-server: $schema=...` line).
import { z } from "zod";
import { topologySchema } from "./schema.js";

export const TOPOLOGY_SCHEMA_ID = "urn:wirelab:schema:topology";

/** The topology JSON Schema (draft-07, which every YAML/JSON editor understands). */
export function topologyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(topologySchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  const { $schema, description, ...rest } = generated;
  return {
    $schema,
    $id: TOPOLOGY_SCHEMA_ID,
    title: "wirelab topology",
    description: `${description}. Reference: docs/topology.md`,
    ...rest,
  };
}

/** The exact text of schema/topology.schema.json. */
export function topologyJsonSchemaText(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}
