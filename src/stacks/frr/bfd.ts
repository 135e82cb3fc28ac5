// BFD in FRR (bfdd): its peers from `show bfd peers json`, and readiness. BFD sessions are
// made by the protocols that ask for them (bgpd for `neighbor X bfd`), so bfdd may list none
// yet while BGP is still connecting: a node is ready when as many peers as its intent asks
// for are listed, and every listed peer is up, twice in a row.
import pLimit from "p-limit";
import type { NodeModel } from "../../core/model.js";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { pollUntilReady } from "../poll.js";
import type { BfdPeer, QueryOptions, ReadyOptions, ReadyProgress } from "../stack.js";
import { showJson, vtyshInside } from "./channel.js";
import { vtyJson } from "./vty.js";

// FRR 8.4: [ { multihop, peer, local, vrf, interface?, id, remote-id, status: "up" | "down"
//   | "init" | "shutdown", uptime?, downtime?, diagnostic, … } ]
interface RawBfdPeer {
  multihop?: boolean;
  peer?: string;
  local?: string;
  interface?: string;
  status?: string;
  uptime?: number;
}

export function parseBfdPeers(json: unknown): BfdPeer[] {
  if (!Array.isArray(json)) return [];
  return (json as RawBfdPeer[])
    .filter((p) => p && typeof p.peer === "string")
    .map((p) => {
      const peer: BfdPeer = {
        peer: p.peer as string,
        status: p.status ?? "unknown",
        up: p.status === "up",
        multihop: p.multihop === true,
      };
      if (p.local) peer.local = p.local;
      if (p.interface) peer.interface = p.interface;
      if (typeof p.uptime === "number") peer.uptimeS = p.uptime;
      return peer;
    });
}

/** The node's BFD peers; throws when bfdd does not answer. */
export async function bfdPeers(handle: NodeHandle, opts: QueryOptions = {}): Promise<BfdPeer[]> {
  return parseBfdPeers(await showJson<unknown>(handle, "show bfd peers json", opts.timeoutMs));
}

/** BFD sessions the node's intent asks for (BGP neighbors with bfd); raw config adds more. */
export function expectedBfdPeers(node: NodeModel): number {
  return (node.intents.bgp?.neighbors ?? []).filter((n) => n.bfd).length;
}

/** Asked on bfdd's own vty socket for host-FS nodes (polling is nearly free), else vtysh. */
async function peersOf(handle: NodeHandle): Promise<BfdPeer[] | null> {
  const json = handle.hostFs
    ? // bfdd has `show bfd peers` in enable mode only; a vty session starts in view mode.
      vtyJson<unknown>(handle.netns, "bfdd", "show bfd peers json", 10_000, ["enable"])
    : vtyshInside(handle, ["show bfd peers json"], 10_000).then((out) => JSON.parse(out) as unknown);
  return json.then(parseBfdPeers).catch(() => null);
}

/** Polls every node running bfdd until its BFD sessions are up, or the timeout runs out. */
export async function waitForBfd(handles: readonly NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  const limit = pLimit(32);
  let previous = "";
  return pollUntilReady(opts, async () => {
    const results = await Promise.all(handles.map((h) => limit(async () => ({ h, peers: await peersOf(h) }))));
    let answering = 0;
    let up = 0;
    let total = 0;
    const down: string[] = [];
    let short = false;
    for (const { h, peers } of results) {
      if (!peers) continue;
      answering++;
      const want = expectedBfdPeers(h.node);
      if (peers.length < want) {
        short = true;
        down.push(`${h.node.name}: ${peers.length}/${want} BFD sessions made`);
      }
      total += Math.max(peers.length, want);
      for (const p of peers) {
        if (p.up) up++;
        else down.push(`${h.node.name} → ${p.interface ? `${p.interface} ` : ""}${p.peer} (${p.status})`);
      }
    }
    const print = results
      .map((r) => `${r.h.node.name}:${(r.peers ?? []).map((p) => `${p.peer}/${p.status}`)}`)
      .join(";");
    const done = answering === handles.length && !short && up === total && print === previous;
    previous = print;
    return {
      protocol: "bfd",
      done,
      summary: `BFD: ${answering}/${handles.length} routers answering, ${up}/${total} sessions up`,
      down,
      detail: { up, total, answering, routers: handles.length },
    };
  });
}
