// OSPF intent of a node → OspfModel. Every cabled port with an address joins OSPF in the
// node's area (or the link's), the loopback passive; a link with `ospf: false` stays out.
// Both ends of a segment must agree on what makes an adjacency (area, timers, network
// type), and two routers may not share a router-id: FRR would bring nothing up and say
// little, so these fail here, at the place in the file.
import { familyOf, ipString, parseIp } from "../../topology/address.js";
import { q } from "../../topology/errors.js";
import { didYouMean } from "../../topology/issues.js";
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
import type { OspfInterface, OspfModel } from "./model.js";
import type { OspfLinkInput } from "./schema.js";

/** An area as written (0, 1, "0.0.0.1") in dotted form, or a reason it is not one. */
export function parseArea(v: string | number): string | { error: string } {
  const n = typeof v === "number" ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
  if (n !== undefined) {
    if (!Number.isInteger(n) || n < 0 || n > 4294967295) {
      return { error: "an area is a whole number 0..4294967295 or dotted like 0.0.0.1" };
    }
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
  }
  const ip = parseIp(String(v));
  if (typeof ip === "string" || familyOf(ip) !== 4) {
    return { error: "an area is dotted like 0.0.0.1 or a whole number" };
  }
  return ipString(ip);
}

/** The link-level `ospf:` of the port's link: false (out), its settings, or {} (none). */
function linkOspf(ctx: ResolveContext, port: PortDraft): { value: false | OspfLinkInput; path?: Path } {
  const s = linkSetting(ctx, port, "ospf");
  if (!s) return { value: {} };
  return { value: s.value as false | OspfLinkInput, path: s.path };
}

function nodeArea(ctx: ResolveContext, node: NodeDraft): string {
  const o = node.input.ospf;
  if (!o) return "";
  const a = parseArea(o.area);
  if (typeof a !== "string")
    ctx.fail([...node.path, "ospf", "area"], `invalid OSPF area ${q(o.area)} of ${node.name}: ${a.error}`);
  return a;
}

/** The area a port of an OSPF node is in: the link's, else the node's. */
function portArea(ctx: ResolveContext, node: NodeDraft, port: PortDraft): string {
  const l = linkOspf(ctx, port);
  if (l.value !== false && l.value.area !== undefined) {
    const a = parseArea(l.value.area);
    if (typeof a !== "string") {
      ctx.fail([...(l.path as Path), "area"], `invalid OSPF area ${q(l.value.area)} on ${portPair(port)}: ${a.error}`);
    }
    return a;
  }
  return nodeArea(ctx, node);
}

/** A node's OSPF router-id: given, else its default one (lowest loopback or interface IPv4). */
function routerIdOf(ctx: ResolveContext, node: NodeDraft): string | undefined {
  const given = node.input.ospf?.["router-id"];
  if (given === undefined) return ctx.routerId(node);
  const ip = parseIp(given);
  return typeof ip === "string" || familyOf(ip) !== 4 ? undefined : ipString(ip);
}

/** A port takes part in OSPF: its node has `ospf:`, its link is not `ospf: false`, it has an address. */
function inOspf(ctx: ResolveContext, node: NodeDraft, port: PortDraft): boolean {
  return node.input.ospf !== undefined && linkOspf(ctx, port).value !== false && port.addrs.length > 0;
}

function timersText(t: { hello: number; dead: number } | undefined): string {
  return t ? `hello ${t.hello} s, dead ${t.dead} s` : "the default timers";
}

/** The node's OSPF intent, or undefined when it has no `ospf:`. */
export function resolveOspf(ctx: ResolveContext, node: NodeDraft): OspfModel | undefined {
  const o = node.input.ospf;
  if (!o) {
    refuseLinkSettings(ctx, node);
    return undefined;
  }
  const opath: Path = [...node.path, "ospf"];
  const area = nodeArea(ctx, node);
  const given = o["router-id"];
  const routerId = routerIdOf(ctx, node);
  if (given !== undefined && routerId === undefined) {
    ctx.fail(
      [...opath, "router-id"],
      `invalid OSPF router-id ${q(given)} for node ${q(node.name)}: it must be an IPv4 address`,
    );
  }
  if (routerId === undefined) {
    ctx.fail(
      opath,
      `node ${q(node.name)} has no IPv4 address to take an OSPF router-id from; set ospf.router-id`,
      "key",
    );
  }
  const other = claim(ctx, "ospf-router-id", routerId, node.name);
  if (other !== undefined) {
    ctx.fail(
      given !== undefined ? [...opath, "router-id"] : opath,
      `OSPF router-id ${routerId} of ${node.name} is also ${other}'s: routers of one OSPF domain need different router-ids; set ospf.router-id`,
      given !== undefined ? "value" : "key",
    );
  }
  if (o.timers && o.timers.dead <= o.timers.hello) {
    ctx.fail(
      [...opath, "timers", "dead"],
      `OSPF dead interval of ${node.name} (${o.timers.dead} s) must be longer than its hello interval (${o.timers.hello} s)`,
    );
  }

  const passive = new Set<string>();
  (o.passive ?? []).forEach((p, k) => {
    const name = String(p);
    if (name !== "lo" && !node.portsByName.has(name)) {
      ctx.fail(
        [...opath, "passive", k],
        `ospf.passive: node ${q(node.name)} has no port ${q(name)}${didYouMean(name, [...node.portsByName.keys()])}`,
      );
    }
    passive.add(name);
  });

  const interfaces: OspfInterface[] = [];
  const notes: string[] = [];
  const loFamilies = familiesOf(node.loopback);
  if (loFamilies.length) {
    interfaces.push({
      port: "lo",
      ifname: "lo",
      area,
      passive: true,
      families: loFamilies,
      prefixes: prefixesOf(node.loopback),
      peers: [],
    });
  }
  for (const port of node.ports) {
    const l = linkOspf(ctx, port);
    if (l.value === false) continue;
    if (!port.addrs.length) {
      if (isVniPort(node, port.name)) continue;
      notes.push(`${node.name}:${port.name} has no address: not in OSPF`);
      continue;
    }
    const mine = familiesOf(port.addrs);
    const myArea = portArea(ctx, node, port);
    const across = routersAcross(ctx, node, port, (n, p) => inOspf(ctx, n, p));
    const peers = across
      .map((a) => ({ a, families: mine.filter((f) => familiesOf(a.port.addrs).includes(f)) }))
      .filter((x) => x.families.length > 0);
    if (across.length && !peers.length) {
      const a = across[0] as (typeof across)[number];
      notes.push(
        `${portPair(port, a.port)}: no address family in common (${familyText(mine)} / ${familyText(familiesOf(a.port.addrs))}): not in OSPF`,
      );
      continue;
    }
    const lpath = l.path ?? (port.link !== undefined ? ["links", port.link] : port.at);
    for (const { a } of peers) {
      const theirArea = portArea(ctx, a.node, a.port);
      if (theirArea !== myArea) {
        ctx.fail(
          lpath,
          `OSPF areas differ on ${portPair(port, a.port)}: ${node.name} puts it in area ${myArea}, ${a.node.name} in ${theirArea}; both ends of a link must be in one area (set area on the link)`,
        );
      }
      const t1 = o.timers;
      const t2 = a.node.input.ospf?.timers;
      if (t1?.hello !== t2?.hello || t1?.dead !== t2?.dead) {
        ctx.fail(
          t1 ? [...opath, "timers"] : opath,
          `OSPF timers differ on ${portPair(port, a.port)}: ${node.name} has ${timersText(t1)}, ${a.node.name} ${timersText(t2)}; neighbors need the same hello and dead intervals`,
          "key",
        );
      }
    }
    const settings = l.value;
    if (settings["network-type"] === "point-to-point" && across.length > 1) {
      ctx.fail(
        [...(l.path as Path), "network-type"],
        `OSPF network-type point-to-point on ${portPair(port)}: its segment has ${across.length} other OSPF routers (${across.map((a) => a.node.name).join(", ")}); point-to-point takes one`,
      );
    }
    const iface: OspfInterface = {
      port: port.name,
      ifname: port.ifname,
      area: myArea,
      passive: passive.has(port.name) || settings.passive === true,
      families: peers.length ? mine.filter((f) => peers.some((p) => p.families.includes(f))) : mine,
      prefixes: [],
      peers: peers.map(({ a, families }) => ({
        node: a.node.name,
        port: a.port.name,
        routerId: routerIdOf(ctx, a.node) ?? "",
        families,
      })),
    };
    iface.prefixes = prefixesOf(port.addrs.filter((x) => iface.families.includes(x.cidr.family as Family)));
    if (settings.cost !== undefined) iface.cost = settings.cost;
    if (settings["network-type"] !== undefined) iface.networkType = settings["network-type"];
    // Unnumbered (the loopback /32 on the port): point-to-point, the only way FRR runs it.
    if (port.unnumbered) iface.networkType = "point-to-point";
    interfaces.push(iface);
  }
  const model: OspfModel = {
    routerId,
    redistribute: [...(o.redistribute ?? [])],
    defaultOriginate: o["default-originate"] ?? false,
    interfaces,
    notes,
  };
  if (o["reference-bandwidth"] !== undefined) model.referenceBandwidth = o["reference-bandwidth"];
  if (o.timers) model.timers = { ...o.timers };
  return model;
}

/**
 * A link's `ospf:` settings need a router with `ospf:` at one end: refused on a router
 * without it when no other end runs OSPF either (settings that would do nothing).
 */
function refuseLinkSettings(ctx: ResolveContext, node: NodeDraft): void {
  for (const port of node.ports) {
    const l = linkSetting(ctx, port, "ospf");
    if (!l || l.value === false) continue;
    const others = routersAcross(ctx, node, port, (n) => n.input.ospf !== undefined);
    if (!others.length) {
      ctx.fail(
        l.path,
        `link ${portPair(port)} has OSPF settings, but ${node.name} has no ospf settings (and no OSPF router is across it); add ospf: { area: … } to ${node.name}`,
        "key",
      );
    }
  }
}
