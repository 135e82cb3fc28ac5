// BGP intent as the model holds it: resolved neighbors (address and remote-as derived from
// the cabling when given by node name). Stacks render it; checks and readiness read it.
export interface BgpNeighborModel {
  address: string;
  remoteAs: number;
  /** The peer node when known (derived or given). */
  node?: string;
  /** This node's port facing the peer, when the peer is on a directly connected link. */
  port?: string;
  ebgpMultihop?: number;
  updateSource?: string;
  description?: string;
}

export interface BgpModel {
  asn: number;
  routerId: string;
  networks: string[];
  redistribute: string[];
  neighbors: BgpNeighborModel[];
}

declare module "../../core/model.js" {
  interface IntentModels {
    bgp?: BgpModel;
  }
}
