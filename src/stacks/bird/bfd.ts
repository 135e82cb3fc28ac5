// BFD sessions of a BIRD router (`show bfd sessions`) as the seam's BfdPeer, for
// `bfd-session` checks. The intent's `bfd` runs in one `protocol bfd wl_bfd` (render/bgp.ts).
import type { NodeHandle } from "../../runtimes/runtime.js";
import type { BfdPeer, QueryOptions } from "../stack.js";
import { birdCommand } from "./control.js";
import { type BirdBfdSession, parseBfdSessions, sinceMs } from "./parse.js";
import { socketPath } from "./paths.js";

export function toBfdPeer(s: BirdBfdSession, now = new Date()): BfdPeer {
  const status = s.state.toLowerCase();
  const peer: BfdPeer = { peer: s.address, status, up: status === "up", multihop: s.ifname === undefined };
  if (s.ifname !== undefined) peer.interface = s.ifname;
  const since = sinceMs(s.since, now);
  if (peer.up && since !== undefined) peer.uptimeS = Math.max(0, Math.round((now.getTime() - since) / 1000));
  return peer;
}

/** Throws when bird does not answer, or runs no BFD protocol (BIRD refuses the command). */
export async function bfdPeers(handle: NodeHandle, opts: QueryOptions = {}): Promise<BfdPeer[]> {
  const lines = await birdCommand(socketPath(handle.lab, handle.node.name), "show bfd sessions", opts.timeoutMs);
  return parseBfdSessions(lines).map((s) => toBfdPeer(s));
}
