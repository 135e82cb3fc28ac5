// OSPF state as a stack reports it to checks and readiness (FRR: `show ip ospf neighbor json`
// and `show ipv6 ospf6 neighbor json`), defined with the intent so that checks depend on the
// protocol, not on one stack's parser.
import type { Family } from "../igp.js";

export interface OspfNeighbor {
  /** 4: OSPFv2, 6: OSPFv3. */
  family: Family;
  /** The neighbor's router-id. */
  routerId: string;
  /** Its interface address (OSPFv2; OSPFv3 neighbors are known by router-id). */
  address?: string;
  /** This router's interface (kernel name). */
  ifname: string;
  /** Full, 2-Way, Init, ExStart, … as the stack names it. */
  state: string;
  /** The neighbor's role on the segment: DR, Backup, DROther, or none on point-to-point. */
  role?: string;
  /**
   * The adjacency is as far as it goes: Full, or 2-Way between two DROthers on a broadcast
   * segment (they never become Full there, by design).
   */
  up: boolean;
}

/** An interface OSPF runs on, as the stack reports it. */
export interface OspfInterfaceState {
  family: Family;
  ifname: string;
  area?: string;
  /** Sends no hellos; undefined when the stack does not say (FRR's OSPFv3). */
  passive?: boolean;
  loopback: boolean;
  /** This router's own role on the segment (DR, Backup, DROther, PointToPoint). */
  role?: string;
  /** broadcast, point-to-point, loopback, … (lower case). */
  networkType?: string;
  cost?: number;
  /** The segment's DR and BDR router-ids (broadcast segments). */
  dr?: string;
  bdr?: string;
}
