import type { Kind } from "./kind.js";

export const frr: Kind = {
  name: "frr",
  role: "router",
  stack: "frr",
  init: "wirelab",
  forwarding: true,
  description: "a router running FRR (zebra, bgpd, staticd, … as its config needs)",
};
