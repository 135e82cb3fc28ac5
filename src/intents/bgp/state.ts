// BGP state as every stack reports it to checks and the web view (FRR's JSON and BIRD's
// birdc output are parsed into these).
export type { BgpNexthop, BgpPath, BgpPeer } from "../../stacks/frr/state.js";
