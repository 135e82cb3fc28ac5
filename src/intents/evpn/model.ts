// EVPN over VXLAN as the model holds it: the node's VTEP address (its loopback) and its
// layer-2 VNIs, each with its kernel devices, its bridge ports and the other VTEPs of the
// same VNI (filled once every node is resolved). Link setup (src/links/evpn.ts) makes the
// devices; stacks render the BGP side; readiness and checks compare against `remotes`.

export interface EvpnRemote {
  node: string;
  vtep: string;
}

export interface EvpnVni {
  vni: number;
  /** Kernel names of the VNI's bridge and VXLAN device. */
  bridge: string;
  vxlan: string;
  /** Ports enslaved to the bridge: the user's names and kernel names. */
  ports: { port: string; ifname: string }[];
  /** Subnets of the hosts across the bridge ports (what the VNI means), for the lab-wide check. */
  subnets: string[];
  /** VTEPs of other nodes carrying this VNI. */
  remotes: EvpnRemote[];
}

export interface EvpnModel {
  /**
   * Source address of the VXLAN devices: the node's lowest IPv4 loopback; absent on a node
   * that only carries EVPN routes (a spine: bgp.evpn without vxlan).
   */
  vtep?: string;
  vnis: EvpnVni[];
}

declare module "../../core/model.js" {
  interface IntentModels {
    evpn?: EvpnModel;
  }
}
