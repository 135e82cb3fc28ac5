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
  /** The adjacency's circuit type (L1, L2, L1L2), when the stack reports it. */
  circuitType?: string;
}

/** An interface IS-IS runs on, as the stack reports it. */
export interface IsisInterfaceState {
  ifname: string;
  passive: boolean;
  loopback: boolean;
  up: boolean;
  /** Levels the circuit runs at: L1, L2 or L1L2. */
  circuitType?: string;
  /** lan, p2p, loopback. */
  type?: string;
  /** Metric per level ({ L2: 10 }). */
  metrics?: Record<string, number>;
}

/** The IS-IS instance: its area addresses (NETs) and the levels it runs. */
export interface IsisInstanceState {
  systemId?: string;
  nets: string[];
  /** 1, 2 or both. */
  levels: number[];
}
