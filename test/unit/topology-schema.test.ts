// schema/topology.schema.json is generated (npm run schema) and must never go stale.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { topologyJsonSchemaText } from "../../src/topology/json-schema.js";

const committed = new URL("../../schema/topology.schema.json", import.meta.url);

test("schema/topology.schema.json equals freshly generated output (run `npm run schema`)", async () => {
  assert.equal(await readFile(committed, "utf8"), topologyJsonSchemaText());
});

test("the JSON schema carries $id, title, description and the name patterns", () => {
  const schema = JSON.parse(topologyJsonSchemaText());
  assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
  assert.ok(schema.$id);
  assert.equal(schema.title, "wirelab topology");
  assert.ok(schema.description);
  assert.deepEqual(schema.required, ["name", "nodes"]);
  assert.equal(schema.additionalProperties, false);
  assert.equal(schema.properties.name.pattern, "^[A-Za-z0-9][A-Za-z0-9-]{0,31}$");
});

test("every example points editors at the schema", async () => {
  for (const name of ["seed-ebgp.yml", "seed-ebgp-raw.yml", "seed-bridges.yml"]) {
    const text = await readFile(new URL(`../../examples/${name}`, import.meta.url), "utf8");
    assert.ok(
      text.startsWith("# yaml-language-server: $schema=../schema/topology.schema.json\n"),
      `${name} starts with the schema line`,
    );
  }
});
