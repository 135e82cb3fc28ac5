import type { Kind } from "./kind.js";

export const bird: Kind = {
  name: "bird",
  role: "router",
  stack: "bird",
  // wirelab runs the host's BIRD with per-node paths; no image carries it yet.
  runtimes: ["netns"],
  init: "wirelab",
  forwarding: true,
  description: "a router running BIRD 2 (one bird process per node)",
};
