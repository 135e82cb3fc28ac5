// Which lab a command is about: from a topology file (-t), a lab name (--lab), or both.
import { readFile } from "node:fs/promises";
import type { Lab } from "../core/model.js";
import type { LabState } from "../core/state.js";
import { readState } from "../core/state.js";
import { clabLabName, isContainerlab } from "../topology/containerlab/name.js";
import type { LoadOptions } from "../topology/load.js";
import { LAB_NAME } from "../topology/names.js";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface LabSelector {
  topology?: string;
  lab?: string;
  /** deploy --runtime: where nodes run unless they say otherwise. */
  runtime?: string;
  /** deploy --strict: containerlab settings that do not map are errors. */
  strict?: boolean;
}

export function checkLabName(name: string): string {
  if (!LAB_NAME.test(name)) {
    throw new UsageError(`invalid lab name '${name}': use letters, digits and '-', at most 32 characters`);
  }
  return name;
}

/** Loads and validates the topology; `--lab` renames the lab (two labs from one file). */
export async function loadLab(sel: LabSelector): Promise<Lab> {
  if (!sel.topology) throw new UsageError("which topology? give -t FILE");
  // Loaded here, not at start-up: commands on a deployed lab (--lab) need no YAML or schema.
  const { loadTopology } = await import("../topology/load.js");
  const lab = await loadTopology(sel.topology, {
    ...(sel.runtime ? { runtime: sel.runtime as NonNullable<LoadOptions["runtime"]> } : {}),
    strict: sel.strict === true,
    // A converted containerlab file tells what it left out (or, with --strict, refuses it).
    onDiagnostic: (d) => process.stderr.write(`${d.severity}: ${d.message}\n`),
  });
  return sel.lab ? { ...lab, name: checkLabName(sel.lab) } : lab;
}

/**
 * The lab's name without needing a valid file: destroy must work when the topology file
 * has changed, is broken or is gone, so only its `name:` is read.
 */
async function labNameOf(sel: LabSelector): Promise<string> {
  if (sel.lab) return checkLabName(sel.lab);
  if (!sel.topology) throw new UsageError("which lab? give -t FILE or --lab NAME");
  let text: string;
  try {
    text = await readFile(sel.topology, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${sel.topology}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    const { parse } = await import("yaml");
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    doc = undefined;
  }
  let name = (doc as { name?: unknown } | undefined)?.name;
  // A containerlab file's name is mapped as its deploy mapped it.
  if (isContainerlab(doc) && typeof name === "string") name = clabLabName(name);
  if (typeof name !== "string") throw new UsageError(`${sel.topology}: no lab name found; use --lab NAME`);
  return checkLabName(name);
}

/** The recorded state of a deployed lab; throws a clear error when there is none. */
export async function labState(sel: LabSelector): Promise<LabState> {
  const name = await labNameOf(sel);
  const state = await readState(name);
  if (!state) throw new UsageError(`no lab named '${name}' is deployed (see 'wirelab inspect')`);
  return state;
}

export async function labStateOrName(sel: LabSelector): Promise<{ name: string; state?: LabState }> {
  const name = await labNameOf(sel);
  return { name, state: await readState(name) };
}
