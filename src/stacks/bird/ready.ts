// Readiness from real BIRD state (RoutingStack.waitReady), polled on each router's control
// socket. BGP is converged when every BGP protocol of every router is Established with its
// channels up, and no route counter of any protocol moved between two polls: imports and
// exports of the BGP sessions and of the kernel protocols (routes into the kernel).
// BIRD 2.0.12 does not show whether a peer's End-of-RIB has arrived (it sends its own, and
// FRR peers wait for those); the quiet interval stands in for it, as FRR's check also
// requires its counts to hold still.
import pLimit from "p-limit";
import type { NodeHandle } from "../../runtimes/runtime.js";
import { pollUntilReady } from "../poll.js";
import type { ReadyOptions, ReadyProgress } from "../stack.js";
import { birdOptions } from "./options.js";
import type { BirdProtocol } from "./parse.js";
import { protocolsOf } from "./query.js";
import { waitForOspf } from "./ready-ospf.js";

interface Poll {
  node: string;
  protocols: BirdProtocol[] | null;
}

/** Everything that moves while routes are still being exchanged or installed. */
function fingerprint(polls: readonly Poll[]): string {
  return polls
    .map(
      (r) =>
        `${r.node}:${(r.protocols ?? [])
          .map(
            (p) =>
              `${p.name}/${p.state}/${p.bgp?.state ?? ""}/${p.channels
                .map((c) => `${c.state}.${c.imported}.${c.exported}.${c.updates.join(".")}`)
                .join("+")}`,
          )
          .join(",")}`,
    )
    .join(";");
}

/** The one-line progress display; says BIRD, as a mixed lab shows FRR's line too. */
export function birdBgpLine(c: Record<string, number>): string {
  return `BGP (BIRD): ${c.answering}/${c.routers} routers answering, ${c.established}/${c.total} sessions Established, ${c.synced}/${c.total} with routes exchanged`;
}

/** Polls every BGP router until it is converged (see above) or the timeout runs out. */
export async function waitForBgp(handles: readonly NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  const routers = handles.filter((h) => birdOptions(h.node)?.protocols.includes("bgp"));
  let previous = "";
  // A bounded number of routers asked at once: file descriptors stay constant per lab size.
  const limit = pLimit(32);
  return pollUntilReady(opts, async () => {
    const polls = await Promise.all(
      routers.map((h) =>
        limit(
          async (): Promise<Poll> => ({
            node: h.node.name,
            protocols: await protocolsOf(h, 5000).catch(() => null),
          }),
        ),
      ),
    );
    const c = { established: 0, total: 0, synced: 0, answering: 0, routers: routers.length };
    const down: string[] = [];
    for (const r of polls) {
      if (!r.protocols) {
        down.push(`${r.node}: bird does not answer`);
        continue;
      }
      c.answering++;
      for (const p of r.protocols) {
        if (!p.bgp) continue;
        c.total++;
        if (p.bgp.state === "Established") c.established++;
        else down.push(`${r.node} → ${p.bgp.neighborAddress || p.name} (${p.bgp.state}${p.info ? `: ${p.info}` : ""})`);
        if (p.bgp.state === "Established" && p.channels.every((ch) => ch.state === "UP")) c.synced++;
      }
    }
    const print = fingerprint(polls);
    const done = c.answering === c.routers && c.established === c.total && c.synced === c.total && print === previous;
    previous = print;
    return { protocol: "bgp", done, summary: birdBgpLine(c), down, detail: { ...c } };
  });
}

/** RoutingStack.waitReady: the protocols of protocolsFor() (options.ts). */
export function waitReady(protocol: string, handles: NodeHandle[], opts: ReadyOptions): Promise<ReadyProgress> {
  if (protocol === "bgp") return waitForBgp(handles, opts);
  if (protocol === "ospf") return waitForOspf(handles, opts);
  return Promise.reject(new Error(`bird: no readiness check for protocol '${protocol}'`));
}
