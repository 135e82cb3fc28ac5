// IS-IS adjacencies as a stack reports them to checks and readiness (FRR: `show isis
// neighbor`), defined with the intent so that checks depend on the protocol.

export interface IsisAdjacency {
  /** The neighbor's hostname when known (dynamic hostname), else its system id. */
  systemId: string;
  /** This router's interface (kernel name). */
  ifname: string;
  /** 1 or 2. */
  level: number;
  /** Up, Initializing, Down. */
  state: string;
  up: boolean;
}

/** An interface IS-IS runs on, as the stack reports it. */
export interface IsisInterfaceState {
  ifname: string;
  passive: boolean;
  loopback: boolean;
  up: boolean;
}
