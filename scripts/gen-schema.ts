// Writes schema/topology.schema.json from the zod schema (npm run schema).
// test/unit/topology-schema.test.ts fails when the committed file is stale.
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { topologyJsonSchemaText } from "../src/topology/json-schema.js";

const out = fileURLToPath(new URL("../schema/topology.schema.json", import.meta.url));
await writeFile(out, topologyJsonSchemaText());
console.log(`wrote ${out}`);
