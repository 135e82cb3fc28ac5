// EVPN intent of a node → EvpnModel: the `vxlan:` VNIs with their bridge ports, sourced from
// the node's IPv4 loopback, and (checkLab, once every node is resolved) the remote VTEPs of
// each VNI, the lab-wide meaning of a VNI and both ends of each EVPN session. Errors point at
// the place in the file. What this kernel cannot do (VLAN-aware bridges, symmetric IRB) is
// refused here with the kernel's reason, before anything is built.
import type { NodeModel } from "../../core/model.js";
import { compareIp, ipString, isLinkLocal, networkOf } from "../../topology/address.js";
import { q } from "../../topology/errors.js";
import { didYouMean } from "../../topology/issues.js";
import type { NodeDraft, ResolveContext } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import { bgpLinkSettings } from "../bgp/links.js";
import { otherEnd } from "../bgp/pairs.js";
import type { EvpnModel, EvpnVni } from "./model.js";
import type { VniInput } from "./schema.js";

/**
 * Why the kernels wirelab runs on refuse these (CONFIG_NET_VRF, CONFIG_VLAN_8021Q and
 * CONFIG_BRIDGE_VLAN_FILTERING are off, and there are no modules): checked on the machines
 * wirelab is developed and tested on (`ip link add … type vrf` → "Unknown device type").
 */
export const KERNEL_NO_VRF =
  "symmetric IRB (an L3 VNI per tenant VRF) needs VRF devices, and this kernel has none (CONFIG_NET_VRF is off: `ip link add … type vrf` fails with 'Unknown device type'); wirelab builds layer-2 VNIs only";
export const KERNEL_NO_VLAN =
  "a VLAN-aware bridge needs 802.1Q and bridge VLAN filtering, and this kernel has neither (CONFIG_VLAN_8021Q and CONFIG_BRIDGE_VLAN_FILTERING are off); wirelab makes one traditional bridge per VNI instead: drop `vlan:`";

/** Kernel names of a VNI's devices (at most 13 bytes: `vxlan` + 8 digits). */
export function vniDevices(vni: number): { bridge: string; vxlan: string } {
  return { bridge: `br${vni}`, vxlan: `vxlan${vni}` };
}

/** The node's `vxlan:` as a list, with the path of each entry. */
function vniEntries(node: NodeDraft): { v: VniInput; path: Path }[] {
  const x = node.input.vxlan;
  if (x === undefined) return [];
  const base: Path = [...node.path, "vxlan"];
  return Array.isArray(x) ? x.map((v, k) => ({ v, path: [...base, k] })) : [{ v: x, path: base }];
}

/** Whether the node has an unnumbered link: a BGP session without a neighbor entry. */
function hasUnnumbered(ctx: ResolveContext, node: NodeDraft): boolean {
  return node.ports.some((p) => p.link !== undefined && bgpLinkSettings(ctx.input, p.link).unnumbered);
}

/** Whether the node's BGP carries EVPN to at least one neighbor (node-wide or per neighbor). */
export function bgpEvpnWritten(ctx: ResolveContext, node: NodeDraft): boolean {
  const b = node.input.bgp;
  if (!b) return false;
  const list = b.neighbors ?? [];
  if (b.evpn === true && hasUnnumbered(ctx, node)) return true;
  return list.some((n) => (typeof n === "string" ? b.evpn === true : (n.evpn ?? b.evpn) === true));
}

/** Whether `port` of the node is a bridge port of one of its VNIs (layer 2: no IGP on it). */
export function isVniPort(node: NodeDraft, port: string): boolean {
  return vniEntries(node).some(({ v }) => (v["bridge-ports"] ?? []).some((p) => String(p) === port));
}

/** The prefixes of the addresses across a bridge port (the hosts of the VNI there). */
function subnetsAcross(ctx: ResolveContext, node: NodeDraft, port: string): string[] {
  const p = node.portsByName.get(port);
  const peer = p?.peer ? ctx.nodes.get(p.peer.node) : undefined;
  if (!p?.peer || !peer) return [];
  if (peer.kind.role === "bridge") return peer.subnets.map((s) => s.text);
  const theirs = peer.portsByName.get(p.peer.port);
  return (theirs?.addrs ?? [])
    .filter((a) => !(a.cidr.family === 6 && isLinkLocal(a.cidr.ip)))
    .map((a) => `${ipString(networkOf(a.cidr))}/${a.cidr.len}`);
}

/** The node's EVPN intent, or undefined when it has neither `vxlan:` nor EVPN in its BGP. */
export function resolveEvpn(ctx: ResolveContext, node: NodeDraft): EvpnModel | undefined {
  const entries = vniEntries(node);
  const b = node.input.bgp;
  if (b?.evpn === true && !(b.neighbors ?? []).length && !hasUnnumbered(ctx, node)) {
    ctx.fail(
      [...node.path, "bgp", "evpn"],
      `node ${q(node.name)} has bgp.evpn but no BGP neighbor to carry EVPN routes to`,
    );
  }
  // A spine (EVPN sessions, no VNI of its own) carries the routes: a model without VNIs.
  if (!entries.length) return bgpEvpnWritten(ctx, node) ? { vnis: [] } : undefined;
  const xpath: Path = [...node.path, "vxlan"];
  if (!b) {
    ctx.fail(
      xpath,
      `node ${q(node.name)} has VXLAN VNIs but no bgp settings: EVPN (BGP) is what tells it the remote VTEPs; add bgp: { asn: …, evpn: true, neighbors: […] }`,
      "key",
    );
  }
  if (!bgpEvpnWritten(ctx, node)) {
    ctx.fail(
      xpath,
      `node ${q(node.name)} has VXLAN VNIs but none of its BGP neighbors carries EVPN: set bgp.evpn: true (or evpn: true on a neighbor)`,
      "key",
    );
  }
  const v4 = node.loopback.filter((a) => a.cidr.family === 4).sort((x, y) => compareIp(x.cidr.ip, y.cidr.ip))[0];
  if (!v4) {
    ctx.fail(
      xpath,
      `node ${q(node.name)} has VXLAN VNIs but no IPv4 loopback address: the VTEP (the VXLAN devices' source) is the loopback; add interfaces: { lo: { ip: …/32 } }`,
      "key",
    );
  }
  const used = new Map<string, number>();
  const seenVni = new Map<number, Path>();
  const names = new Set(node.ports.map((p) => p.ifname));
  const vnis: EvpnVni[] = [];
  for (const { v, path } of entries) {
    if (v.vlan !== undefined) ctx.fail([...path, "vlan"], `VNI ${v.vni} of ${node.name}: ${KERNEL_NO_VLAN}`, "key");
    if (v["l3-vni"] !== undefined)
      ctx.fail([...path, "l3-vni"], `VNI ${v.vni} of ${node.name}: ${KERNEL_NO_VRF}`, "key");
    if (v.vrf !== undefined) ctx.fail([...path, "vrf"], `VNI ${v.vni} of ${node.name}: ${KERNEL_NO_VRF}`, "key");
    if (seenVni.has(v.vni)) {
      ctx.fail(
        [...path, "vni"],
        `VNI ${v.vni} is listed twice on ${node.name}: one VNI is one bridge; put its ports in one entry`,
      );
    }
    seenVni.set(v.vni, path);
    const dev = vniDevices(v.vni);
    for (const d of [dev.bridge, dev.vxlan]) {
      if (names.has(d)) {
        ctx.fail(
          [...path, "vni"],
          `VNI ${v.vni} of ${node.name} needs a device named ${q(d)}, but that is the name of one of its ports; rename the port`,
        );
      }
    }
    const ports: EvpnVni["ports"] = [];
    const subnets: string[] = [];
    (v["bridge-ports"] ?? []).forEach((p, k) => {
      const name = String(p);
      const at: Path = [...path, "bridge-ports", k];
      const port = node.portsByName.get(name);
      if (!port) {
        ctx.fail(
          at,
          `bridge-ports: node ${q(node.name)} has no port ${q(name)}${didYouMean(name, [...node.portsByName.keys()])}`,
        );
      }
      const other = used.get(name);
      if (other !== undefined) {
        ctx.fail(
          at,
          other === v.vni
            ? `port ${q(name)} is listed twice in VNI ${v.vni} of ${node.name}`
            : `port ${q(name)} of ${node.name} is a bridge port of VNI ${other} already: a port joins one VNI`,
        );
      }
      used.set(name, v.vni);
      if (port.addrs.length) {
        ctx.fail(
          at,
          `port ${q(name)} of ${node.name} has an address (${port.addrs.map((a) => a.cidr.text).join(", ")}) but is a bridge port of VNI ${v.vni}: a bridge port is layer 2; the hosts across it carry the addresses`,
        );
      }
      if (port.link === undefined) {
        ctx.fail(
          at,
          `port ${q(name)} of ${node.name} is not cabled: a bridge port of VNI ${v.vni} needs a link to a host`,
        );
      }
      ports.push({ port: name, ifname: port.ifname });
      for (const s of subnetsAcross(ctx, node, name)) if (!subnets.includes(s)) subnets.push(s);
    });
    vnis.push({ vni: v.vni, ...dev, ports, subnets, remotes: [] });
  }
  return { vtep: v4.cidr.addr, vnis };
}

/**
 * Lab-wide: each VNI's remote VTEPs; one VNI, one meaning (the hosts of a VNI on two leaves
 * share a subnet); and EVPN on both ends of a BGP session (one end alone negotiates no EVPN,
 * the session comes up and no VTEP is ever learned).
 */
export function checkEvpnLab(ctx: ResolveContext, nodes: readonly NodeModel[]): void {
  const byVni = new Map<number, { node: NodeModel; v: EvpnVni }[]>();
  for (const node of nodes) {
    for (const v of node.intents.evpn?.vnis ?? []) {
      const list = byVni.get(v.vni) ?? [];
      list.push({ node, v });
      byVni.set(v.vni, list);
    }
  }
  for (const [vni, list] of byVni) {
    for (const a of list) {
      a.v.remotes = list
        .filter((b) => b.node !== a.node)
        .map((b) => ({ node: b.node.name, vtep: b.node.intents.evpn?.vtep as string }));
      for (const b of list) {
        if (b.node === a.node || !a.v.subnets.length || !b.v.subnets.length) continue;
        if (!a.v.subnets.some((s) => b.v.subnets.includes(s))) {
          ctx.fail(
            ["nodes", b.node.name, "vxlan"],
            `VNI ${vni} means ${a.v.subnets.join(", ")} on ${a.node.name} but ${b.v.subnets.join(", ")} on ${b.node.name}: one VNI is one layer-2 segment, its hosts share a subnet (use another VNI for another subnet)`,
            "key",
          );
        }
      }
    }
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const node of nodes) {
    for (const n of node.intents.bgp?.neighbors ?? []) {
      const peer = n.node === undefined ? undefined : byName.get(n.node);
      if (!n.evpn || !peer?.intents.bgp) continue;
      const m = otherEnd(node, n, peer);
      if (m && !m.evpn) {
        ctx.fail(
          ["nodes", node.name, "bgp"],
          `EVPN is on ${node.name}'s BGP session to ${peer.name} (${n.address}) but not on ${peer.name}'s end: both ends must carry EVPN (bgp.evpn: true on both nodes, or evpn on both neighbors)`,
          "key",
        );
      }
    }
  }
}
