// EVPN in FRR: zebra's VNIs (`show evpn vni detail json`) and readiness. A VTEP is ready when
// each of its layer-2 VNIs lists every remote VTEP the model expects (type-3 routes received
// by bgpd and installed by zebra as the VNI's flood list): from then on a host's first
// broadcast (ARP) reaches every leaf of its VNI. MACs are not waited for: they appear when
// hosts send.
import pLimit from "p-limit";
import type { EvpnVniState } from "../../intents/evpn/state.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { pollUntilReady } from "../poll.js";
import type { QueryOptions, ReadyOptions, ReadyProgress } from "../stack.js";
import { showJson } from "./channel.js";

// FRR 8.4, `show evpn vni detail json` (seen here): an array of { vni, type: "L2" | "L3",
// vxlanInterface, vtepIp, numMacs, numArpNd, numRemoteVteps: ["10.255.0.12", …] } — the
// list of remote VTEPs under the count's name (a number when there are none, in other
// versions `remoteVteps`, a list of addresses or of { ip }). `show evpn vni json` keys
// objects by VNI. Every form is read.
interface RawVni {
  vni?: number;
  type?: string;
  vxlanInterface?: string;
  vxlanIf?: string;
  numMacs?: number;
  numRemoteVteps?: unknown;
  remoteVteps?: unknown;
}

function vtepsOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map((v) => (typeof v === "string" ? v : v && typeof v === "object" ? (v as { ip?: unknown }).ip : undefined))
    .filter((v): v is string => typeof v === "string");
}

export function parseEvpnVnis(json: unknown): EvpnVniState[] {
  if (!json || typeof json !== "object") return [];
  const list: RawVni[] = Array.isArray(json)
    ? (json as RawVni[])
    : Object.entries(json as Record<string, RawVni>).map(([k, v]) => ({ vni: Number(k), ...v }));
  return list
    .filter((v) => v && typeof v.vni === "number" && Number.isInteger(v.vni))
    .map((v) => {
      const s: EvpnVniState = {
        vni: v.vni as number,
        type: v.type ?? "L2",
        macs: typeof v.numMacs === "number" ? v.numMacs : 0,
        remoteVteps: vtepsOf(Array.isArray(v.remoteVteps) ? v.remoteVteps : v.numRemoteVteps),
      };
      const dev = v.vxlanInterface ?? v.vxlanIf;
      if (dev) s.vxlanIf = dev;
      return s;
    });
}

/** zebra's VNIs; throws when zebra does not answer. */
export async function evpnVnis(handle: NodeHandle, opts: QueryOptions = {}): Promise<EvpnVniState[]> {
  return parseEvpnVnis(await showJson<unknown>(handle, "show evpn vni detail json", opts.timeoutMs));
}

/** Polls the VTEPs until each VNI lists its expected remote VTEPs, or the time runs out. */
export async function waitForEvpn(handles: readonly NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  const vteps = handles.filter((h) => (h.node.intents.evpn?.vnis.length ?? 0) > 0);
  const limit = pLimit(32);
  const total = vteps.reduce((n, h) => n + (h.node.intents.evpn?.vnis.length ?? 0), 0);
  return pollUntilReady(opts, async () => {
    const seen = await Promise.all(vteps.map((h) => limit(() => evpnVnis(h, { timeoutMs: 5000 }).catch(() => null))));
    const down: string[] = [];
    let answering = 0;
    let learned = 0;
    vteps.forEach((h, k) => {
      const state = seen[k];
      if (!state) {
        down.push(`${h.node.name}: zebra not answering`);
        return;
      }
      answering++;
      for (const v of h.node.intents.evpn?.vnis ?? []) {
        const s = state.find((x) => x.vni === v.vni);
        if (!s) {
          down.push(`${h.node.name}: VNI ${v.vni} not in zebra (no ${v.vxlan}?)`);
          continue;
        }
        const missing = v.remotes.filter((r) => !s.remoteVteps.includes(r.vtep));
        if (missing.length) {
          down.push(`${h.node.name} VNI ${v.vni} lacks VTEP ${missing.map((r) => `${r.vtep} (${r.node})`).join(", ")}`);
        } else learned++;
      }
    });
    return {
      protocol: "evpn",
      done: learned === total,
      summary: `EVPN: ${answering}/${vteps.length} VTEPs answering, ${learned}/${total} VNIs with every remote VTEP`,
      down,
      detail: { learned, total, answering, vteps: vteps.length },
    };
  });
}
