// Nodes: name, kind (its role decides which keys apply), interfaces and loopback addresses,
// bridge subnets; and, once the network is resolved, each node's model with its intents
// (src/intents/) and its routing stack's options (src/stacks/<name>/options.ts).

import type { IntentModels, NodeModel, PortModel, StackModel } from "../../core/model.js";
import { INTENTS, type IntentModule, type IntentName } from "../../intents/index.js";
import { ALL_KINDS, type Kind, kindOf } from "../../kinds/index.js";
import { birdLoader } from "../../stacks/bird/options.js";
import { frrLoader } from "../../stacks/frr/options.js";
import { parseInterfaceAddress, parsePrefix } from "../address.js";
import { q } from "../errors.js";
import { didYouMean } from "../issues.js";
import { NODE_NAME } from "../schema.js";
import { orderedKeys, type Path, type PosPart } from "../source.js";
import { perDaemonConfig, readConfigFile } from "./config.js";
import {
  type Addr,
  configText,
  type NodeDraft,
  type NodeIn,
  type PortDraft,
  type ResolveContext,
  type StackLoader,
} from "./context.js";
import { kernelIfname } from "./ifname.js";

/** Each routing stack's part in loading, by the stack name kinds give (src/kinds/). */
const STACK_LOADERS: Readonly<Record<string, StackLoader>> = { frr: frrLoader, bird: birdLoader };
const STACK_NAMES = Object.keys(STACK_LOADERS);

/**
 * The routing stack a node runs: its own `stack`, else `defaults.stack`, else its kind's;
 * none for hosts and bridges. A kind whose image starts its own stack (init: image) keeps it.
 */
function stackNameOf(ctx: ResolveContext, name: string, kind: Kind, raw: NodeIn, path: Path): string | undefined {
  const known = (value: string, at: Path) => {
    if (!Object.hasOwn(STACK_LOADERS, value)) {
      ctx.fail(
        at,
        `unknown stack ${q(value)}${didYouMean(value, STACK_NAMES)} (known stacks: ${STACK_NAMES.join(", ")})`,
      );
    }
    return value;
  };
  const dflt = ctx.input.defaults?.stack;
  if (dflt !== undefined) known(dflt, ["defaults", "stack"]);
  if (raw.stack !== undefined) {
    const at: Path = [...path, "stack"];
    if (kind.stack === undefined) {
      ctx.fail(
        at,
        `node ${q(name)} is a ${kind.name} node: it runs no routing stack ('stack' applies to routers)`,
        "key",
      );
    }
    known(raw.stack, at);
    if (kind.init === "image" && raw.stack !== kind.stack) {
      ctx.fail(
        at,
        `${kind.name} nodes run their image's own routing stack (${kind.stack}): stack ${q(raw.stack)} cannot replace it`,
      );
    }
    return raw.stack;
  }
  if (kind.stack === undefined) return undefined;
  return dflt !== undefined && kind.init !== "image" ? dflt : kind.stack;
}

export function readNode(ctx: ResolveContext, name: string): void {
  const path: Path = ["nodes", name];
  if (!NODE_NAME.test(name)) {
    ctx.fail(
      path,
      `invalid node name ${q(name)}: use letters, digits, '-' and '_' (at most 63, starting with a letter or digit)`,
      "key",
    );
  }
  const raw: NodeIn = ctx.input.nodes[name] ?? {};
  const kindText = raw.kind ?? ctx.input.defaults?.kind ?? "frr";
  const kind = kindOf(kindText);
  if (!kind) {
    ctx.fail(
      [...path, "kind"],
      `unknown kind ${q(kindText)} for node ${q(name)}${didYouMean(kindText, ALL_KINDS)} (known kinds: ${ALL_KINDS.join(", ")})`,
    );
  }
  const stackName = stackNameOf(ctx, name, kind, raw, path);
  refuseMisplaced(ctx, name, kind, stackName, raw, path);
  if (kind.role === "bridge" && raw.forwarding === true) {
    ctx.fail([...path, "forwarding"], `bridge ${q(name)} switches frames and cannot forward IP; remove 'forwarding'`);
  }
  const startup = startupConfig(ctx, name, kind, raw, path);
  const split = perDaemonConfig(ctx, name, stackName, raw, path);
  const text = startup?.text ?? split?.text;
  const node: NodeDraft = {
    name,
    kind,
    // A startup-config file or a per-daemon map is the node's raw config text from then on,
    // as if written inline.
    input: text !== undefined ? { ...raw, config: text } : raw,
    path,
    ports: [],
    portsByName: new Map(),
    loopback: [],
    subnets: [],
    subnetPaths: [],
  };
  if (startup) node.configFile = startup.file;
  if (split) node.configParts = split.parts;
  ctx.nodes.set(name, node);

  if (raw.subnet !== undefined) {
    const list = typeof raw.subnet === "string" ? [raw.subnet] : raw.subnet;
    list.forEach((s, i) => {
      const p: Path = typeof raw.subnet === "string" ? [...path, "subnet"] : [...path, "subnet", i];
      const c = parsePrefix(s);
      if (typeof c === "string") ctx.fail(p, `invalid subnet ${q(s)} for bridge ${q(name)}: ${c}`);
      node.subnets.push(c);
      node.subnetPaths.push(p);
    });
  }

  const interfaces = raw.interfaces ?? {};
  for (const port of orderedKeys(interfaces, ctx.src.keys([...path, "interfaces"]))) {
    const ipath: Path = [...path, "interfaces", port];
    const settings = interfaces[port] ?? {};
    if (port === "lo") {
      if (kind.role === "bridge") ctx.fail(ipath, `bridge ${q(name)} has no loopback addresses`, "key");
      node.loopback = parseAddresses(ctx, settings.ip, [...ipath, "ip"], `${name}:lo`);
      continue;
    }
    checkPortName(ctx, name, port, ipath, "key");
    if (kind.role === "bridge" && settings.ip !== undefined) {
      ctx.fail(
        [...ipath, "ip"],
        `bridge ${q(name)} has no addresses of its own: put addresses on the ports cabled to it, not on ${name}:${port}`,
      );
    }
    const p: PortDraft = {
      node: name,
      name: port,
      ifname: kernelIfname(port),
      addrs: parseAddresses(ctx, settings.ip, [...ipath, "ip"], `${name}:${port}`),
      at: ipath,
      atPart: "key",
    };
    if (settings.mtu !== undefined) p.mtu = settings.mtu;
    if (settings.description !== undefined) p.description = settings.description;
    if (settings.stub) p.stub = true;
    if (settings.mac !== undefined) {
      p.mac = settings.mac;
      p.macAt = [...ipath, "mac"];
    }
    if (settings.shutdown) p.shutdown = true;
    if (settings.bandwidth !== undefined) {
      const kbps = bandwidthKbps(settings.bandwidth);
      if (kbps === undefined) {
        ctx.fail(
          [...ipath, "bandwidth"],
          `invalid bandwidth ${q(String(settings.bandwidth))} for ${name}:${port}: kbit/s, or a number with kbit, mbit or gbit`,
        );
      }
      p.bandwidthKbps = kbps;
    }
    if (settings.ipv6?.ra) p.ra = true;
    node.ports.push(p);
    node.portsByName.set(port, p);
  }
}

/**
 * Keys the node's kind does not take, refused at the key: intents for other roles, another
 * stack's keys, `subnet` off bridges. Narrowest first (settings for one role before settings
 * for two), the order a node's misplaced keys have always been reported in.
 */
function refuseMisplaced(
  ctx: ResolveContext,
  name: string,
  kind: Kind,
  stackName: string | undefined,
  raw: NodeIn,
  path: Path,
): void {
  const set: Readonly<Record<string, unknown>> = raw;
  const refusals: { key: string; roles: number; message: string }[] = [];
  for (const m of INTENTS) {
    if (m.appliesTo.includes(kind.role)) continue;
    for (const key of Object.keys(m.nodeSchema)) {
      refusals.push({ key, roles: m.appliesTo.length, message: m.refusal({ name, kind: kind.name }, key) });
    }
  }
  const own = stackName === undefined ? [] : (STACK_LOADERS[stackName]?.keys ?? []);
  const runs = stackName !== undefined && stackName !== kind.stack ? `runs ${stackName}` : `is a ${kind.name} node`;
  for (const key of new Set(Object.values(STACK_LOADERS).flatMap((l) => l.keys))) {
    if (own.includes(key)) continue;
    // A key several stacks share (raw `config`) names them all.
    const stacks = STACK_NAMES.filter((s) => STACK_LOADERS[s]?.keys.includes(key)).join(" and ");
    // Stacks run on routers only: one role.
    refusals.push({ key, roles: 1, message: `node ${q(name)} ${runs}: '${key}' applies only to ${stacks} nodes` });
  }
  if (kind.role !== "bridge") {
    refusals.push({
      key: "subnet",
      roles: 1,
      message: `node ${q(name)} is a ${kind.name} node: 'subnet' applies only to bridge nodes (a link's subnet goes on the link)`,
    });
  }
  const first = refusals.filter((r) => set[r.key] !== undefined).sort((a, b) => a.roles - b.roles)[0];
  if (first) ctx.fail([...path, first.key], first.message, "key");
}

export function checkPortName(ctx: ResolveContext, node: string, port: string, path: Path, part: PosPart): void {
  if (port === "") ctx.fail(path, `empty port name on node ${q(node)}`, part);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
  if (/[\u0000-\u001f\u007f]/.test(port)) {
    ctx.fail(path, `port name ${q(port)} of node ${q(node)} contains control characters`, part);
  }
}

/** Parses `ip:` (one address or a list) into interface addresses, deduplicated. */
export function parseAddresses(
  ctx: ResolveContext,
  value: string | string[] | undefined,
  path: Path,
  owner: string,
): Addr[] {
  if (value === undefined) return [];
  const list = typeof value === "string" ? [value] : value;
  const out: Addr[] = [];
  list.forEach((text, i) => {
    const p: Path = typeof value === "string" ? path : [...path, i];
    const c = parseInterfaceAddress(text);
    if (typeof c === "string") ctx.fail(p, `invalid address ${q(text)} on ${owner}: ${c}`);
    if (!out.some((a) => a.cidr.text === c.text)) out.push({ cidr: c, path: p });
  });
  return out;
}

// ---- the node's model: intents and stack ------------------------------------------------

export function nodeModel(ctx: ResolveContext, node: NodeDraft): NodeModel {
  const raw = node.input;
  const model: NodeModel = {
    name: node.name,
    kind: node.kind.name,
    role: node.kind.role,
    ports: node.ports.map((p) => portModel(p)),
    loopback: node.loopback.map((a) => a.cidr.text),
    forwarding: node.kind.role === "bridge" ? false : (raw.forwarding ?? node.kind.forwarding),
    intents: {},
    runtime: { name: "netns" },
    subnets: node.subnets.map((s) => s.text),
    pos: ctx.src.pos(node.path, "key"),
  };
  if (raw.graph?.tier !== undefined) model.graph = { tier: raw.graph.tier };
  const stackName = stackNameOf(ctx, node.name, node.kind, raw, node.path);
  const loader = stackName === undefined ? undefined : STACK_LOADERS[stackName];
  if (stackName !== undefined && !loader) throw new Error(`internal: no loader for stack ${stackName}`);
  for (const m of INTENTS) {
    if (!m.appliesTo.includes(node.kind.role)) continue;
    refuseBoth(ctx, node, m, loader);
    resolveIntent(ctx, node, m, model.intents);
  }
  if (stackName !== undefined && loader) {
    const stack: StackModel = {
      name: stackName,
      options: loader.options({
        name: node.name,
        path: node.path,
        node: raw,
        defaults: ctx.input.defaults,
        intents: model.intents,
        fail: ctx.fail,
      }),
    };
    // `config` is the stack's raw text in its own syntax, whichever the stack.
    if (typeof raw.config === "string") stack.config = raw.config;
    if (node.configFile) stack.configFile = node.configFile;
    if (node.configParts) stack.configParts = node.configParts;
    model.stack = stack;
  }
  return model;
}

/** Generic over the module's key, so its result lands in the matching field of the model. */
function resolveIntent<K extends IntentName>(
  ctx: ResolveContext,
  node: NodeDraft,
  m: IntentModule<K>,
  intents: IntentModels,
): void {
  const value = m.resolve(ctx, node);
  if (value !== undefined) intents[m.name] = value;
}

/** An intent and a raw-config section of the stack for the same thing would configure it twice. */
function refuseBoth(ctx: ResolveContext, node: NodeDraft, m: IntentModule, loader: StackLoader | undefined): void {
  const section = loader?.sections?.[m.name];
  const config = configText(node.input);
  if (!section || config === undefined || !section.pattern.test(config)) return;
  const set: Readonly<Record<string, unknown>> = node.input;
  const key = Object.keys(m.nodeSchema).find((k) => set[k] !== undefined);
  if (key !== undefined) {
    ctx.fail(
      [...node.path, key],
      `node ${q(node.name)} has both ${m.name} settings and a '${section.label}' section in its config; use one of them`,
      "key",
    );
  }
}

/**
 * `startup-config: PATH`: the file's text, read at load time. wirelab reads it as root and
 * puts it in the node's config (readable by the stack's group), so only files below the
 * topology file's own directory are read: a topology cannot make root copy /etc/shadow.
 */
function startupConfig(
  ctx: ResolveContext,
  name: string,
  kind: Kind,
  raw: NodeIn,
  path: Path,
): { text: string; file: string } | undefined {
  const written = raw["startup-config"];
  if (written === undefined) return undefined;
  const at: Path = [...path, "startup-config"];
  if (!kind.stack) {
    ctx.fail(
      at,
      `node ${q(name)} is a ${kind.name} node and runs no routing stack: 'startup-config' does not apply`,
      "key",
    );
  }
  if (raw.config !== undefined) ctx.fail(at, `node ${q(name)} has both config and startup-config; use one`, "key");
  return readConfigFile(ctx, written, at, "startup-config", name);
}

/** `bandwidth:` in kbit/s: a bare number is kbit/s (FRR's unit), or 100mbit, 10gbit, 512kbit. */
function bandwidthKbps(v: number | string): number | undefined {
  if (typeof v === "number") return v;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?bit$/i.exec(v.trim());
  if (!m) return /^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
  const scale = { k: 1, m: 1000, g: 1_000_000 }[(m[2] ?? "k").toLowerCase() as "k" | "m" | "g"];
  const kbps = Math.round(Number(m[1]) * scale);
  return kbps > 0 ? kbps : undefined;
}

function portModel(p: PortDraft): PortModel {
  const m: PortModel = { node: p.node, name: p.name, ifname: p.ifname, addresses: p.addrs.map((a) => a.cidr.text) };
  if (p.mtu !== undefined) m.mtu = p.mtu;
  if (p.description !== undefined) m.description = p.description;
  if (p.mac !== undefined) m.mac = p.mac;
  if (p.stub) m.stub = true;
  if (p.shutdown) m.shutdown = true;
  if (p.bandwidthKbps !== undefined) m.bandwidthKbps = p.bandwidthKbps;
  if (p.ra) m.ra = true;
  if (p.unnumbered) m.unnumbered = true;
  if (p.link !== undefined) m.link = p.link;
  if (p.peer) m.peer = { ...p.peer };
  return m;
}
