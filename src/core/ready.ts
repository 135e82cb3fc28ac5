// Deploy waits on real state for every protocol any node runs: each stack reports its own
// nodes' convergence per protocol (FRR: BGP sessions Established, End-of-RIB in, tables
// stable). One progress line per protocol; the timeout names what is still down.
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { ReadyOptions, ReadyProgress, RoutingStack } from "../stacks/stack.js";
import type { Lab } from "./model.js";

/** Protocols to wait for, per stack, with the nodes that run each. */
export function protocolsOf(lab: Lab): { stack: RoutingStack; protocol: string; nodes: Lab["nodes"] }[] {
  const out = new Map<string, { stack: RoutingStack; protocol: string; nodes: Lab["nodes"] }>();
  for (const n of lab.nodes) {
    const stack = stackOf(n);
    if (!stack) continue;
    for (const protocol of stack.protocols(n)) {
      const key = `${stack.name}/${protocol}`;
      const entry = out.get(key) ?? { stack, protocol, nodes: [] };
      entry.nodes.push(n);
      out.set(key, entry);
    }
  }
  return [...out.values()];
}

/** Waits for every protocol of the lab (in parallel); one result per stack and protocol. */
export async function waitForProtocols(lab: Lab, opts: ReadyOptions): Promise<ReadyProgress[]> {
  return Promise.all(
    protocolsOf(lab).map(({ stack, protocol, nodes }) =>
      stack.waitReady(
        protocol,
        nodes.map((n) => nodeHandle(lab.name, n)),
        { ...opts, labNodes: lab.nodes },
      ),
    ),
  );
}
