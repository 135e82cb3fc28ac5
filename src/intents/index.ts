// The intent registry: one folder per intent module, one line here to add one. The order is
// the order nodes' intents are resolved in (and so which error a file with several gets).
import { bgpIntent } from "./bgp/index.js";
import { evpnIntent } from "./evpn/index.js";
import type { AnyIntentModule } from "./intent.js";
import { isisIntent } from "./isis/index.js";
import { ospfIntent } from "./ospf/index.js";
import { policyIntent } from "./policy/index.js";
import { staticIntent } from "./static/index.js";

export type { AnyIntentModule, IntentModule, IntentName } from "./intent.js";

export const INTENTS: readonly AnyIntentModule[] = [
  staticIntent,
  bgpIntent,
  policyIntent,
  ospfIntent,
  isisIntent,
  evpnIntent,
];
