// IS-IS as the model holds it: the NET and levels, and one entry per interface in IS-IS (the
// loopback, passive, and each cabled port with an address) with its families, the prefixes
// it carries and the IS-IS routers across it. Stacks render it; readiness and checks read it.
import type { Family } from "../igp.js";

export type IsisLevel = "level-1" | "level-2" | "level-1-2";

export interface IsisPeer {
  node: string;
  port: string;
  /** The peer's system id (0100.0000.0002), as its adjacency shows before its hostname is known. */
  systemId: string;
  families: Family[];
}

export interface IsisInterface {
  port: string;
  ifname: string;
  passive: boolean;
  metric?: number;
  circuitType?: IsisLevel;
  networkType?: "point-to-point";
  families: Family[];
  prefixes: string[];
  peers: IsisPeer[];
}

export interface IsisModel {
  /** Area address, e.g. 49.0001. */
  area: string;
  net: string;
  systemId: string;
  type: IsisLevel;
  metricStyle: "wide" | "narrow" | "transition";
  interfaces: IsisInterface[];
  /** Ports left out, and why. */
  notes: string[];
}

declare module "../../core/model.js" {
  interface IntentModels {
    isis?: IsisModel;
  }
}
