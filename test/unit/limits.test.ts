import assert from "node:assert/strict";
import { test } from "node:test";
import { checkFit } from "../../src/core/limits.js";
import type { Lab, NodeModel } from "../../src/core/model.js";
import { FRR_NODE_MB } from "../../src/stacks/frr/index.js";

function lab(routers: number, hosts: number): Lab {
  const node = (name: string, kind: "frr" | "linux"): NodeModel => ({
    name,
    kind,
    role: kind === "frr" ? "router" : "host",
    ports: [],
    loopback: [],
    forwarding: kind === "frr",
    intents: {},
    ...(kind === "frr" ? { stack: { name: "frr", options: { daemons: ["zebra", "staticd"] } } } : {}),
    runtime: { name: "netns" },
    subnets: [],
  });
  return {
    name: "big",
    nodes: [
      ...Array.from({ length: routers }, (_, i) => node(`r${i}`, "frr")),
      ...Array.from({ length: hosts }, (_, i) => node(`h${i}`, "linux")),
    ],
    links: [],
  };
}

test("a lab that fits is accepted", () => {
  const fit = checkFit(lab(100, 100), 24_000);
  assert.equal(fit.ok, true);
  assert.equal(fit.neededMb, 100 * FRR_NODE_MB + 100);
});

test("a lab that does not fit is refused with a message that says why, in numbers", () => {
  const fit = checkFit(lab(1000, 0), 2_000);
  assert.equal(fit.ok, false);
  assert.match(
    fit.message ?? "",
    /lab 'big' needs about 25000 MB \(1000 FRR routers × ~25 MB, 0 other nodes\) but this machine has 2000 MB available/,
  );
});
