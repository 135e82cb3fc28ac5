// OSPF as the model holds it: one entry per interface in OSPF (the loopback and each cabled
// port with an address), with the area, the families it runs (OSPFv2 for 4, OSPFv3 for 6),
// the prefixes it carries and the OSPF routers across it. Stacks render it; readiness and
// checks read the peers and prefixes.
import type { Family } from "../igp.js";

export interface OspfPeer {
  node: string;
  /** The peer's port facing this interface. */
  port: string;
  routerId: string;
  /** Families both ends run on this segment. */
  families: Family[];
}

export interface OspfInterface {
  /** The user's port name; `lo` for the loopback. */
  port: string;
  ifname: string;
  /** Dotted area id, e.g. 0.0.0.0. */
  area: string;
  passive: boolean;
  cost?: number;
  networkType?: "point-to-point" | "broadcast";
  families: Family[];
  /** Prefixes the interface carries into OSPF (network/len). */
  prefixes: string[];
  peers: OspfPeer[];
}

export interface OspfModel {
  routerId: string;
  referenceBandwidth?: number;
  timers?: { hello: number; dead: number };
  redistribute: string[];
  defaultOriginate: boolean;
  interfaces: OspfInterface[];
  /** Ports left out, and why (shown as comments in the config and as warnings). */
  notes: string[];
}

declare module "../../core/model.js" {
  interface IntentModels {
    ospf?: OspfModel;
  }
}
