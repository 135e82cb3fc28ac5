// BGP neighbors in detail (`show bgp neighbors json`): session state plus End-of-RIB markers,
// FRR's own signal that a peer's initial table has been sent and received.
import { vtyJson } from "./vty.js";

interface RawNeighbor {
  remoteAs?: number;
  bgpState?: string;
  hostname?: string;
  gracefulRestartInfo?: {
    endOfRibSend?: Record<string, boolean>;
    endOfRibRecv?: Record<string, boolean>;
  };
  addressFamilyInfo?: Record<string, { acceptedPrefixCounter?: number; sentPrefixCounter?: number }>;
}

export interface BgpNeighbor {
  address: string;
  remoteAs: number;
  state: string;
  established: boolean;
  /** Address families negotiated with this peer (FRR keys, e.g. ipv4Unicast). */
  families: string[];
  /** Families for which the peer's End-of-RIB arrived (its initial table is complete). */
  eorReceived: string[];
  /** Whether the peer speaks graceful restart at all (no EoR markers without it). */
  sendsEor: boolean;
  accepted: number;
  sent: number;
}

export function parseBgpNeighbors(json: unknown): BgpNeighbor[] {
  if (!json || typeof json !== "object") return [];
  return Object.entries(json as Record<string, RawNeighbor>)
    .filter(([, n]) => n && typeof n === "object" && typeof n.bgpState === "string")
    .map(([address, n]) => {
      const families = Object.keys(n.addressFamilyInfo ?? {});
      const recv = n.gracefulRestartInfo?.endOfRibRecv ?? {};
      return {
        address,
        remoteAs: n.remoteAs ?? 0,
        state: n.bgpState ?? "unknown",
        established: n.bgpState === "Established",
        families,
        eorReceived: Object.keys(recv).filter((k) => recv[k]),
        sendsEor: n.gracefulRestartInfo !== undefined,
        accepted: Object.values(n.addressFamilyInfo ?? {}).reduce((s, f) => s + (f.acceptedPrefixCounter ?? 0), 0),
        sent: Object.values(n.addressFamilyInfo ?? {}).reduce((s, f) => s + (f.sentPrefixCounter ?? 0), 0),
      };
    });
}

/**
 * A node's BGP neighbors; throws when bgpd does not answer. Asked on bgpd's own vty socket
 * (vty.ts), not through a vtysh process: readiness polls every router several times a second.
 */
export async function bgpNeighbors(pathspace: string): Promise<BgpNeighbor[]> {
  return parseBgpNeighbors(await vtyJson<unknown>(pathspace, "bgpd", "show bgp neighbors json"));
}

/** True when the peer's initial table is in: Established and End-of-RIB received for every family. */
export function initialSyncDone(n: BgpNeighbor): boolean {
  if (!n.established) return false;
  if (!n.sendsEor) return true; // nothing better to wait for; the caller also waits for stability
  return n.families.every((f) => n.eorReceived.includes(f));
}
