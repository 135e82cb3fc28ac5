import type { Kind } from "./kind.js";

export const bridge: Kind = {
  name: "bridge",
  role: "bridge",
  // A Linux bridge device in a namespace of its own; no image involved.
  runtimes: ["netns"],
  init: "wirelab",
  forwarding: false,
  description: "a Linux bridge joining the ports cabled to it into one segment (the seed's Docker networks)",
};
