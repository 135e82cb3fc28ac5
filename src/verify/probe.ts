// One look at the running lab for one check: asks the kernel (`ip -j`, in the node's
// namespace), the node's routing stack (BGP here; OSPF, IS-IS and the RIB in probe-igp.ts) or
// the network itself (ping) and says whether the check holds, what it expects and what it saw.
import { nodeExecArgv } from "../core/exec.js";
import type { CheckSpec, Lab, NodeModel } from "../core/model.js";
import { type BgpPath, type BgpPeer, describeAsPath } from "../intents/bgp/state.js";
import { relationshipsOf, type ValleyFree, valleyFree } from "../intents/bgp/valley-free.js";
import { nodeHandle } from "../runtimes/index.js";
import type { NodeHandle } from "../runtimes/runtime.js";
import { stackOf } from "../stacks/index.js";
import type { RoutingStack } from "../stacks/stack.js";
import { run } from "../util/exec.js";
import { ipJson } from "../util/ip.js";
import { probeBfd } from "./probe-bfd.js";
import { probeEvpnVni } from "./probe-evpn.js";
import { probeIsisAdjacency, probeOspfNeighbor, probeRib } from "./probe-igp.js";

export interface Observation {
  pass: boolean;
  expected: string;
  seen: string;
}

type Spec<T extends CheckSpec["type"]> = Extract<CheckSpec, { type: T }>;

function nodeOf(lab: Lab, name: string): NodeModel {
  const n = lab.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`node ${name} is not in lab '${lab.name}'`);
  return n;
}

function handleOf(lab: Lab, name: string): NodeHandle {
  return nodeHandle(lab.name, nodeOf(lab, name));
}

/** The node's stack with the BGP query asked for; throws (a failed observation) without one. */
function bgpStack<K extends "bgpPeers" | "bgpRoutes">(
  node: NodeModel,
  query: K,
): RoutingStack & Required<Pick<RoutingStack, K>> {
  const stack = stackOf(node);
  if (!stack?.[query]) throw new Error(`${node.name} runs no BGP`);
  return stack as RoutingStack & Required<Pick<RoutingStack, K>>;
}

/** Looks once. Never throws for a lab that misbehaves: that is a failed observation. */
export async function probe(lab: Lab, spec: CheckSpec): Promise<Observation> {
  switch (spec.type) {
    case "ping":
      return probePing(lab, spec);
    case "bgp-session":
      return probeSessions(lab, spec);
    case "bgp-route":
      return probeBgpRoute(lab, spec);
    case "route":
      return spec.protocol ? probeRib(lab, spec) : probeFib(lab, spec);
    case "interface":
      return probeInterface(lab, spec);
    case "ospf-neighbor":
      return probeOspfNeighbor(lab, spec);
    case "isis-adjacency":
      return probeIsisAdjacency(lab, spec);
    case "bfd-session":
      return probeBfd(lab, spec);
    case "evpn-vni":
      return probeEvpnVni(lab, spec);
  }
}

function firstLine(s: string): string {
  return (
    s
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? ""
  );
}

async function probePing(lab: Lab, s: Spec<"ping">): Promise<Observation> {
  const node = nodeOf(lab, s.from);
  const src = s.source ? ["-I", s.source] : [];
  // Success: a probe every 0.1 s until the first reply (up to 2 s), so a path that comes
  // back is seen within 0.1 s, and a slow link's replies still count. Failure: three
  // probes in a row go unanswered.
  const args =
    s.expect === "success"
      ? ["ping", "-n", "-c", "1", "-i", "0.1", "-w", "2", ...src, s.to]
      : ["ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", ...src, s.to];
  // A node on another machine (a pod) is reached through its runtime's channel, not from here.
  const handle = nodeHandle(lab.name, node);
  const [cmd, ...argv] = handle.remote ? [] : nodeExecArgv(lab.name, node, args);
  const r = cmd ? await run(cmd, argv, { timeoutMs: 10_000 }) : await handle.run(args, { timeoutMs: 10_000 });
  const rtt = /time=([\d.]+) ms/.exec(r.stdout)?.[1];
  const ttl = /ttl=(\d+)/.exec(r.stdout)?.[1];
  const replied = r.code === 0 && rtt !== undefined;
  const seen = replied
    ? `reply in ${rtt} ms${ttl ? ` (ttl ${ttl})` : ""}`
    : firstLine(r.stderr).replace(/^ping: /, "") ||
      (/(\d+) packets transmitted, 0 received/.test(r.stdout) ? "no reply" : firstLine(r.stdout) || "no reply");
  return s.expect === "success"
    ? { pass: replied, expected: `a reply from ${s.to}`, seen }
    : { pass: r.code !== 0, expected: `no reply from ${s.to}`, seen };
}

async function probeSessions(lab: Lab, s: Spec<"bgp-session">): Promise<Observation> {
  const node = nodeOf(lab, s.node);
  const expected = s.expect === "established" ? "Established" : "not Established";
  let peers: BgpPeer[];
  try {
    peers = await bgpStack(node, "bgpPeers").bgpPeers(nodeHandle(lab.name, node));
  } catch (e) {
    // bgpd not answering: certainly no session is up.
    const seen = /is not running|failed to connect/i.test((e as Error).message)
      ? "bgpd is not running"
      : firstLine((e as Error).message);
    return { pass: s.expect === "down", expected: `sessions ${expected}`, seen };
  }
  const names = new Map((node.intents.bgp?.neighbors ?? []).map((n) => [n.address, n.node]));
  const label = (address: string, hostname?: string) => {
    const who = names.get(address) ?? hostname;
    return who ? `${who} ${address}` : address;
  };
  const rows: { label: string; state: string; up: boolean }[] = [];
  if (s.neighbors) {
    for (const ref of s.neighbors) {
      const p = peers.find((x) => ref.addresses.includes(x.address));
      rows.push(
        p
          ? { label: label(p.address, p.hostname), state: p.state, up: p.established }
          : { label: ref.label, state: "not configured", up: false },
      );
    }
  } else {
    for (const p of peers) rows.push({ label: label(p.address, p.hostname), state: p.state, up: p.established });
  }
  const seen = rows.length ? rows.map((r) => `${r.label} ${r.state}`).join(", ") : "no BGP neighbors";
  const pass = s.expect === "established" ? rows.length > 0 && rows.every((r) => r.up) : rows.every((r) => !r.up);
  return {
    pass,
    expected: `${s.neighbors ? s.neighbors.map((n) => n.label).join(", ") : "every neighbor"} ${expected}`,
    seen,
  };
}

function describePath(p: BgpPath): string {
  const hops = p.nexthops.map((n) => n.ip).filter((ip) => ip && ip !== "0.0.0.0" && ip !== "::");
  return `AS path ${describeAsPath(p)}${hops.length ? ` via ${hops.join(", ")}` : ""}`;
}

async function probeBgpRoute(lab: Lab, s: Spec<"bgp-route">): Promise<Observation> {
  const want = [
    s.asPath !== undefined ? `AS path ${s.asPath === "" ? "(local)" : s.asPath}` : "",
    s.nexthop ? `next hop ${s.nexthop}` : "",
    s.valleyFree ? "a valley-free AS path" : "",
  ].filter(Boolean);
  const what = `${s.best ? "a best path" : "a valid path"} to ${s.prefix}${want.length ? ` with ${want.join(", ")}` : ""}`;
  const expected = s.expect === "present" ? what : `no ${what.replace(/^an? /, "")}`;
  let table: Record<string, BgpPath[]>;
  try {
    const node = nodeOf(lab, s.node);
    table = await bgpStack(node, "bgpRoutes").bgpRoutes(nodeHandle(lab.name, node), s.afi);
  } catch (e) {
    return { pass: s.expect === "absent", expected, seen: firstLine((e as Error).message) };
  }
  const paths = (table[s.prefix] ?? []).filter((p) => p.valid);
  const candidates = s.best ? paths.filter((p) => p.bestpath) : paths;
  // Valley-free by the relationships the lab's intent gives (computed once per probe).
  const vf = new Map<BgpPath, ValleyFree>();
  if (s.valleyFree) {
    const rels = relationshipsOf(lab.nodes);
    const asn = nodeOf(lab, s.node).intents.bgp?.asn ?? 0;
    for (const p of paths) vf.set(p, valleyFree(asn, p.aspath, rels));
  }
  const matches = candidates.filter(
    (p) =>
      (s.asPath === undefined || p.aspath.trim().split(/\s+/).filter(Boolean).join(" ") === s.asPath) &&
      (s.nexthop === undefined || p.nexthops.some((n) => n.ip === s.nexthop)) &&
      (!s.valleyFree || vf.get(p)?.ok === true),
  );
  const judged = (p: BgpPath) => {
    const v = vf.get(p);
    if (!v) return "";
    return v.ok ? ` (valley-free: ${v.walk})` : ` (not valley-free: ${v.walk}: ${v.why})`;
  };
  const seen = paths.length
    ? paths.map((p) => `${p.bestpath ? "best" : "also"}: ${describePath(p)}${judged(p)}`).join("; ")
    : `${s.prefix} is not in ${s.node}'s BGP table`;
  return { pass: s.expect === "present" ? matches.length > 0 : matches.length === 0, expected, seen };
}

interface IpRouteJson {
  dst: string;
  type?: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  nexthops?: { gateway?: string; dev?: string }[];
}

async function probeFib(lab: Lab, s: Spec<"route">): Promise<Observation> {
  const node = nodeOf(lab, s.node);
  const port = (dev?: string) => node.ports.find((p) => p.ifname === dev)?.name ?? dev;
  const want = [s.via ? `via ${s.via}` : "", s.port ? `dev ${s.port}` : ""].filter(Boolean).join(" ");
  const expected = `${s.expect === "present" ? "" : "no "}kernel route ${s.prefix}${want ? ` ${want}` : ""}`;
  let routes: IpRouteJson[];
  try {
    routes = await ipJson<IpRouteJson[]>(
      [s.afi === "ipv4" ? "-4" : "-6", "route", "show", "exact", s.prefix],
      nodeHandle(lab.name, node).netns,
    );
  } catch (e) {
    return { pass: false, expected, seen: firstLine((e as Error).message) };
  }
  const hops = routes.flatMap((r) =>
    (r.nexthops?.length ? r.nexthops : [{ gateway: r.gateway, dev: r.dev }]).map((h) => ({ ...h, route: r })),
  );
  const usable = hops.filter((h) => !h.route.type || h.route.type === "unicast");
  const match = usable.some(
    (h) => (s.via === undefined || h.gateway === s.via) && (s.ifname === undefined || h.dev === s.ifname),
  );
  const seen = hops.length
    ? hops
        .map(
          (h) =>
            `${h.route.type && h.route.type !== "unicast" ? `${h.route.type} ` : ""}${s.prefix}${h.gateway ? ` via ${h.gateway}` : ""}${h.dev ? ` dev ${port(h.dev)}` : ""}${h.route.protocol ? ` (${h.route.protocol})` : ""}`,
        )
        .join("; ")
    : `no route to ${s.prefix} in ${s.node}'s kernel`;
  return { pass: s.expect === "present" ? match : !match, expected, seen };
}

interface IpLinkJson {
  operstate?: string;
  flags?: string[];
}

async function probeInterface(lab: Lab, s: Spec<"interface">): Promise<Observation> {
  const expected = s.expect === "up" ? "UP" : "down";
  let dev: IpLinkJson | undefined;
  try {
    [dev] = await ipJson<IpLinkJson[]>(["link", "show", "dev", s.ifname], handleOf(lab, s.node).netns);
  } catch (e) {
    return { pass: s.expect === "down", expected, seen: firstLine((e as Error).message) };
  }
  const state = dev?.operstate ?? "MISSING";
  const why =
    state === "UP"
      ? ""
      : !dev?.flags?.includes("UP")
        ? " (administratively down)"
        : dev.flags.includes("NO-CARRIER")
          ? " (no carrier: the other end is down)"
          : "";
  const up = state === "UP";
  return { pass: s.expect === "up" ? up : !up, expected, seen: `${state}${why}` };
}
