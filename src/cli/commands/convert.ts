import { convertContainerlab, convertedYaml, isContainerlab } from "../../topology/containerlab/index.js";
import { readTopologyDocument, readTopologyText, validateTopologyInput } from "../../topology/load.js";
import { emitTopology } from "../output.js";
import { UsageError } from "../resolve.js";

export interface ConvertFlags {
  output?: string;
  runtime?: string;
  strict?: boolean;
}

export async function convertCommand(file: string, flags: ConvertFlags): Promise<number> {
  const { data, source } = readTopologyDocument(await readTopologyText(file), file);
  if (!isContainerlab(data)) {
    throw new UsageError(`${file} is not a containerlab topology (it has no top-level 'topology:')`);
  }
  const converted = convertContainerlab(data, source, {
    ...(flags.runtime ? { runtime: flags.runtime as "netns" | "docker" } : {}),
    strict: flags.strict === true,
    onDiagnostic: (d) => process.stderr.write(`${d.severity}: ${d.message}\n`),
  });
  // Errors first at their places in the containerlab file; then the written text itself.
  validateTopologyInput(converted.input, converted.source);
  return emitTopology(convertedYaml(converted, file), flags.output, "<converted>");
}
