import type { Kind } from "./kind.js";

export const linux: Kind = {
  name: "linux",
  role: "host",
  init: "wirelab",
  forwarding: false,
  description: "a Linux host: addresses and kernel routes, no routing daemons",
};
