// The routes half of IGP readiness, shared by FRR and BIRD: who has every route it wants, and
// what the progress line says of the others.
import assert from "node:assert/strict";
import { test } from "node:test";
import { countRoutesDone } from "../../src/stacks/igp-want.js";

test("a router with every wanted route counts; one lacking routes or not answering is named", () => {
  const wants = new Map([
    ["r1", [{ prefix: "10.255.0.2/32", from: "r2" }]],
    [
      "r2",
      [
        { prefix: "10.255.0.1/32", from: "r1" },
        { prefix: "10.255.0.3/32", from: "r3" },
        { prefix: "10.255.0.4/32", from: "r4" },
        { prefix: "10.255.0.5/32", from: "r5" },
        { prefix: "10.255.0.6/32", from: "r6" },
      ],
    ],
  ]);
  const down: string[] = [];
  const done = countRoutesDone(
    ["r1", "r2", "r3", "r4"],
    [new Set(["10.255.0.2/32"]), new Set(["10.255.0.1/32"]), null, new Set()],
    wants,
    "zebra",
    down,
  );
  // r4 wants nothing: done; r3's RIB did not answer.
  assert.equal(done, 2);
  assert.deepEqual(down, [
    "r2 lacks 10.255.0.3/32 (r3), 10.255.0.4/32 (r4), 10.255.0.5/32 (r5) and 1 more",
    "r3: zebra not answering",
  ]);
});
