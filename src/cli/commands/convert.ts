// `wirelab convert lab.clab.yml`: the wirelab topology of a containerlab file, on stdout or
// -o. What does not map is said on stderr (and in the file's header). The result is
// validated with positions in the containerlab file, then loaded back through the normal
// loader before it is written, so what comes out is a topology wirelab deploys.
import { writeFile } from "node:fs/promises";
import { convertContainerlab, convertedYaml, isContainerlab } from "../../topology/containerlab/index.js";
import { parseTopology, readTopologyDocument, readTopologyText, validateTopologyInput } from "../../topology/load.js";
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
  const lab = validateTopologyInput(converted.input, converted.source);
  const text = convertedYaml(converted, file);
  // The written text itself must load: a failure here is wirelab's bug, not the file's.
  parseTopology(text, flags.output ?? "<converted>");
  if (flags.output) {
    await writeFile(flags.output, text);
    process.stderr.write(
      `Wrote ${flags.output}: lab '${lab.name}', ${lab.nodes.length} nodes, ${lab.links.length} links\n`,
    );
  } else {
    process.stdout.write(text);
  }
  return 0;
}
