// IS-IS intent of a node → IsisModel. The NET is given or made from the area and the IPv4
// router-id (10.0.0.1 → system id 0100.0000.0001); every cabled port with an address joins,
// the loopback passive; a link with `isis: false` stays out. Two ends that can never form an
// adjacency (no level in common, level-1 across areas) and two routers with one system id
// fail here, at the place in the file: FRR would only stay silent.
import { familyOf, ipString, parseIp } from "../../topology/address.js";
import { q } from "../../topology/errors.js";
import type { NodeDraft, PortDraft, ResolveContext } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import { isVniPort } from "../evpn/resolve.js";
import {
  claim,
  type Family,
  familiesOf,
  familyText,
  linkSetting,
  portPair,
  prefixesOf,
  routersAcross,
} from "../igp.js";
import type { IsisInterface, IsisLevel, IsisModel } from "./model.js";
import type { IsisLinkInput } from "./schema.js";

const AREA = /^[0-9a-f]{2}(\.[0-9a-f]{4}){0,6}$/i;
const NET = /^([0-9a-f]{2}(?:\.[0-9a-f]{4}){0,6})\.([0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})\.00$/i;

/** The system id made from an IPv4 router-id: each octet as three digits, regrouped by four. */
export function systemIdFromRouterId(routerId: string): string {
  const digits = routerId
    .split(".")
    .map((o) => o.padStart(3, "0"))
    .join("");
  return `${digits.slice(0, 4)}.${digits.slice(4, 8)}.${digits.slice(8, 12)}`;
}

function linkIsis(ctx: ResolveContext, port: PortDraft): { value: false | IsisLinkInput; path?: Path } {
  const s = linkSetting(ctx, port, "isis");
  return s ? { value: s.value as false | IsisLinkInput, path: s.path } : { value: {} };
}

function levelsOf(l: IsisLevel | undefined): number[] {
  return l === "level-1" ? [1] : l === "level-2" ? [2] : [1, 2];
}

/** Area and system id of a node with `isis:` (validated when its own model is resolved). */
function identity(ctx: ResolveContext, node: NodeDraft): { area: string; systemId?: string; net?: string } {
  const i = node.input.isis;
  const area = typeof i?.area === "number" ? String(i.area) : (i?.area ?? "").trim();
  const m = i?.net !== undefined ? NET.exec(i.net.trim()) : null;
  if (m)
    return {
      area: (m[1] as string).toLowerCase(),
      systemId: (m[2] as string).toLowerCase(),
      net: i?.net?.trim().toLowerCase(),
    };
  const given = node.input.ospf?.["router-id"] ?? node.input.bgp?.["router-id"];
  const ip = given !== undefined ? parseIp(given) : undefined;
  const rid = ip !== undefined && typeof ip !== "string" && familyOf(ip) === 4 ? ipString(ip) : ctx.routerId(node);
  if (rid === undefined) return { area: area.toLowerCase() };
  const systemId = systemIdFromRouterId(rid);
  return { area: area.toLowerCase(), systemId, net: `${area.toLowerCase()}.${systemId}.00` };
}

function inIsis(ctx: ResolveContext, node: NodeDraft, port: PortDraft): boolean {
  return node.input.isis !== undefined && linkIsis(ctx, port).value !== false && port.addrs.length > 0;
}

/** Levels a port can form adjacencies at: the router's type narrowed by the link's circuit type. */
function portLevels(ctx: ResolveContext, node: NodeDraft, port: PortDraft): number[] {
  const l = linkIsis(ctx, port).value;
  const circuit = l === false ? undefined : l["circuit-type"];
  return levelsOf(node.input.isis?.type).filter((x) => levelsOf(circuit).includes(x));
}

/** The node's IS-IS intent, or undefined when it has no `isis:`. */
export function resolveIsis(ctx: ResolveContext, node: NodeDraft): IsisModel | undefined {
  const i = node.input.isis;
  if (!i) {
    refuseLinkSettings(ctx, node);
    return undefined;
  }
  const ipath: Path = [...node.path, "isis"];
  const areaText = typeof i.area === "number" ? String(i.area) : i.area.trim();
  if (!AREA.test(areaText)) {
    ctx.fail(
      [...ipath, "area"],
      typeof i.area === "number"
        ? `IS-IS area of ${node.name} was read as the number ${areaText}: write it in quotes, e.g. '49.0010', so no digit is lost`
        : `invalid IS-IS area ${q(i.area)} of ${node.name}: write it like 49.0001 (two hex digits, then groups of four)`,
    );
  }
  if (i.net !== undefined && !NET.test(i.net.trim())) {
    ctx.fail(
      [...ipath, "net"],
      `invalid IS-IS NET ${q(i.net)} of ${node.name}: write it like 49.0001.0100.0000.0001.00 (area, six-byte system id, 00)`,
    );
  }
  const id = identity(ctx, node);
  if (i.net !== undefined && id.area !== areaText.toLowerCase()) {
    ctx.fail(
      [...ipath, "net"],
      `IS-IS NET ${i.net} of ${node.name} is in area ${id.area}, but isis.area is ${areaText}`,
    );
  }
  if (id.systemId === undefined || id.net === undefined) {
    ctx.fail(ipath, `node ${q(node.name)} has no IPv4 address to make an IS-IS system id from; set isis.net`, "key");
  }
  const other = claim(ctx, "isis-system-id", id.systemId, node.name);
  if (other !== undefined) {
    ctx.fail(
      i.net !== undefined ? [...ipath, "net"] : ipath,
      `IS-IS system id ${id.systemId} of ${node.name} is also ${other}'s; set isis.net on one of them`,
      i.net !== undefined ? "value" : "key",
    );
  }

  const interfaces: IsisInterface[] = [];
  const notes: string[] = [];
  const loFamilies = familiesOf(node.loopback);
  if (loFamilies.length) {
    interfaces.push({
      port: "lo",
      ifname: "lo",
      passive: true,
      families: loFamilies,
      prefixes: prefixesOf(node.loopback),
      peers: [],
    });
  }
  for (const port of node.ports) {
    const l = linkIsis(ctx, port);
    if (l.value === false) continue;
    if (!port.addrs.length) {
      if (isVniPort(node, port.name)) continue;
      notes.push(`${node.name}:${port.name} has no address: not in IS-IS`);
      continue;
    }
    const mine = familiesOf(port.addrs);
    const across = routersAcross(ctx, node, port, (n, p) => inIsis(ctx, n, p));
    const peers = across
      .map((a) => ({ a, families: mine.filter((f) => familiesOf(a.port.addrs).includes(f)) }))
      .filter((x) => x.families.length > 0);
    if (across.length && !peers.length) {
      const a = across[0] as (typeof across)[number];
      notes.push(
        `${portPair(port, a.port)}: no address family in common (${familyText(mine)} / ${familyText(familiesOf(a.port.addrs))}): not in IS-IS`,
      );
      continue;
    }
    const lpath = l.path ?? (port.link !== undefined ? ["links", port.link] : port.at);
    const myLevels = portLevels(ctx, node, port);
    if (!myLevels.length) {
      ctx.fail(
        [...(l.path as Path), "circuit-type"],
        `IS-IS circuit-type of ${portPair(port)} is not a level ${node.name} (${i.type ?? "level-1-2"}) runs`,
      );
    }
    for (const { a } of peers) {
      const theirs = identity(ctx, a.node);
      const common = myLevels
        .filter((x) => portLevels(ctx, a.node, a.port).includes(x))
        .filter((x) => x === 2 || theirs.area === id.area);
      if (!common.length) {
        ctx.fail(
          lpath,
          `no IS-IS adjacency can form on ${portPair(port, a.port)}: ${node.name} (${i.type ?? "level-1-2"}, area ${id.area}) and ${a.node.name} (${a.node.input.isis?.type ?? "level-1-2"}, area ${theirs.area}) share no level (level-1 needs one area)`,
        );
      }
    }
    const settings = l.value;
    if (settings["network-type"] === "point-to-point" && across.length > 1) {
      ctx.fail(
        [...(l.path as Path), "network-type"],
        `IS-IS network-type point-to-point on ${portPair(port)}: its segment has ${across.length} other IS-IS routers (${across.map((a) => a.node.name).join(", ")}); point-to-point takes one`,
      );
    }
    const iface: IsisInterface = {
      port: port.name,
      ifname: port.ifname,
      passive: false,
      families: peers.length ? mine.filter((f) => peers.some((p) => p.families.includes(f))) : mine,
      prefixes: [],
      peers: peers.map(({ a, families }) => ({
        node: a.node.name,
        port: a.port.name,
        systemId: identity(ctx, a.node).systemId ?? "",
        families,
      })),
    };
    iface.prefixes = prefixesOf(port.addrs.filter((x) => iface.families.includes(x.cidr.family as Family)));
    if (settings.metric !== undefined) iface.metric = settings.metric;
    if (settings["circuit-type"] !== undefined) iface.circuitType = settings["circuit-type"];
    if (settings["network-type"] !== undefined) iface.networkType = settings["network-type"];
    // Unnumbered (the loopback /32 on the port): point-to-point (no DIS on a /32).
    if (port.unnumbered) iface.networkType = "point-to-point";
    interfaces.push(iface);
  }
  return {
    area: id.area,
    net: id.net,
    systemId: id.systemId,
    type: i.type ?? "level-1-2",
    metricStyle: i["metric-style"] ?? "wide",
    interfaces,
    notes,
  };
}

/** A link's `isis:` settings on a router without `isis:`, when no router across runs IS-IS either. */
function refuseLinkSettings(ctx: ResolveContext, node: NodeDraft): void {
  for (const port of node.ports) {
    const l = linkSetting(ctx, port, "isis");
    if (!l || l.value === false) continue;
    if (!routersAcross(ctx, node, port, (n) => n.input.isis !== undefined).length) {
      ctx.fail(
        l.path,
        `link ${portPair(port)} has IS-IS settings, but ${node.name} has no isis settings (and no IS-IS router is across it); add isis: { area: … } to ${node.name}`,
        "key",
      );
    }
  }
}
