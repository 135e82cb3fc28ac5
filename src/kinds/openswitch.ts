import type { Kind } from "./kind.js";

export const openswitch: Kind = {
  name: "openswitch",
  role: "router",
  stack: "frr",
  runtime: "docker",
  portNamespace: "swns",
  init: "image",
  forwarding: true,
  description:
    "an OpenSwitch-style switch container: the image's init runs the routing stack in the inner namespace swns; wirelab moves each cabled port there and pushes the config with vtysh",
};
