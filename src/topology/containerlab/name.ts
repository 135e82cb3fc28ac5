// Telling a containerlab file from a wirelab one, and its lab name in wirelab's terms. Kept
// free of imports: commands that need only the lab's name (destroy, exec) load no schema.

/** A containerlab topology has its nodes under a top-level `topology:`; a wirelab one has `nodes:`. */
export function isContainerlab(data: unknown): data is Record<string, unknown> {
  return (
    data !== null &&
    typeof data === "object" &&
    !Array.isArray(data) &&
    Object.hasOwn(data, "topology") &&
    !Object.hasOwn(data, "nodes")
  );
}

/**
 * A containerlab lab name as a wirelab lab name (letters, digits and '-', at most 32,
 * starting with a letter or digit): each run of other characters becomes one '-', leading
 * '-' are dropped, and the name is cut at 32. `srl_lab.v2` becomes `srl-lab-v2`.
 */
export function clabLabName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 32);
}
