// EVPN state as a stack reports it to checks and readiness (FRR: zebra's `show evpn vni
// detail json`), defined with the intent so checks depend on the protocol, not on a parser.

export interface EvpnVniState {
  vni: number;
  /** L2 or L3. */
  type: string;
  vxlanIf?: string;
  /** MACs known in the VNI (local and remote). */
  macs: number;
  /** Remote VTEPs (their addresses) the VNI floods to, learned from type-3 routes. */
  remoteVteps: string[];
}
