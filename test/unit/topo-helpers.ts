// Small helpers for tests that load inline topologies: the model, a node's BGP intent, and
// a refusal at the place in the text it is about.
import assert from "node:assert/strict";
import { findNode, type Lab } from "../../src/core/model.js";
import type { BgpModel } from "../../src/intents/bgp/model.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const FILE = "lab.yml";

export function lab(text: string): Lab {
  return parseTopology(text, FILE);
}

export function bgpOf(l: Lab, name: string): BgpModel {
  const b = findNode(l, name)?.intents.bgp;
  assert.ok(b, `${name} has bgp`);
  return b;
}

/** Asserts a TopologyError at the first place `at` is written (`at#2`: the second). */
export function refused(text: string, at: string, contains: string): void {
  const [needle, nthText] = at.split("#");
  let idx = -1;
  for (let i = 0; i < Number(nthText ?? 1); i++) idx = text.indexOf(needle as string, idx + 1);
  assert.ok(idx >= 0, `${at} is in the text`);
  const before = text.slice(0, idx).split("\n");
  const where = `${before.length}:${(before[before.length - 1] ?? "").length + 1}`;
  assert.throws(
    () => parseTopology(text, FILE),
    (e: unknown) => {
      assert.ok(e instanceof TopologyError, String(e));
      assert.ok(e.message.startsWith(`${FILE}:${where}: `), `at ${where}: ${e.message}`);
      assert.ok(e.message.includes(contains), `${JSON.stringify(contains)} in ${e.message}`);
      return true;
    },
  );
}
