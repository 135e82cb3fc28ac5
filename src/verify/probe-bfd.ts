// One look at a node's BFD sessions for a `bfd-session` check, through the node's stack.
import type { CheckSpec, Lab } from "../core/model.js";
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { BfdPeer } from "../stacks/stack.js";

type Spec = Extract<CheckSpec, { type: "bfd-session" }>;

export interface BfdObservation {
  pass: boolean;
  expected: string;
  seen: string;
}

/** Never throws for a lab that misbehaves: a BFD daemon that does not answer has no session up. */
export async function probeBfd(lab: Lab, s: Spec): Promise<BfdObservation> {
  const node = lab.nodes.find((n) => n.name === s.node);
  const expected = `${s.peers ? s.peers.map((p) => p.label).join(", ") : "every BFD session"} ${s.expect}`;
  const stack = node && stackOf(node);
  let peers: BfdPeer[];
  try {
    if (!node || !stack?.bfdPeers) throw new Error(`${s.node} runs no BFD`);
    peers = await stack.bfdPeers(nodeHandle(lab.name, node), { timeoutMs: 5000 });
  } catch (e) {
    const msg = (e as Error).message;
    const seen = /is not running|failed to connect/i.test(msg) ? "bfdd is not running" : (msg.split("\n")[0] ?? msg);
    return { pass: s.expect === "down", expected, seen };
  }
  const name = (p: BfdPeer) => `${p.interface ? `${p.interface} ` : ""}${p.peer}`;
  const rows: { label: string; status: string; up: boolean }[] = [];
  if (s.peers) {
    for (const ref of s.peers) {
      const matching = peers.filter(
        (p) => ref.addresses.includes(p.peer) || (p.interface !== undefined && ref.ifnames.includes(p.interface)),
      );
      if (!matching.length) rows.push({ label: ref.label, status: "no session", up: false });
      for (const p of matching) rows.push({ label: `${ref.label} ${name(p)}`, status: p.status, up: p.up });
    }
  } else {
    for (const p of peers) rows.push({ label: name(p), status: p.status, up: p.up });
  }
  const seen = rows.length ? rows.map((r) => `${r.label} ${r.status}`).join(", ") : "no BFD sessions";
  const pass = s.expect === "up" ? rows.length > 0 && rows.every((r) => r.up) : rows.every((r) => !r.up);
  return { pass, expected, seen };
}
