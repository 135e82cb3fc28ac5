// Maps a read containerlab topology (parse.ts) to a wirelab topology object, recording for
// each part the containerlab element it came from (source.ts), so that wirelab's own
// validation reports errors at file:line:col in the containerlab file.
//
// The rules (docs/topology.md, "containerlab topologies"):
// - kinds: the table below. containerlab's `linux` is an FRR router when it shows FRR: an
//   image whose name contains "frr", a bound frr.conf or daemons file, or a startup-config.
// - an FRR router's config: a bound /etc/frr/frr.conf (or /etc/frr directory), else its
//   startup-config (a file beside the containerlab file, or inline text); its daemons: a
//   bound /etc/frr/daemons file's `<daemon>=yes` lines (zebra and staticd always run, as FRR
//   starts them always).
// - exec lines: addresses, port MTU, static routes and forwarding (lines.ts).
import { closeSync, fstatSync, openSync, readFileSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { kindOf } from "../../kinds/index.js";
import { FRR_DAEMONS } from "../../stacks/frr/schema.js";
import { q } from "../errors.js";
import type { Path } from "../source.js";
import { type ExecAction, parseDaemons, parseExec } from "./lines.js";
import { clabLabName } from "./name.js";
import { type At, bindTarget, type ClabNode, type ClabTopology, type Report } from "./parse.js";
import type { ClabSource } from "./source.js";

/** containerlab kinds wirelab maps, and the wirelab kind each becomes. */
const KIND_TABLE: Record<string, { kind: string; frrWhenSigns?: boolean; note?: string }> = {
  linux: { kind: "linux", frrWhenSigns: true },
  frr: { kind: "frr" },
  bridge: { kind: "bridge" },
  "ovs-bridge": { kind: "bridge", note: "an Open vSwitch bridge in containerlab, a Linux bridge in wirelab" },
};

/** The wirelab kind of a containerlab `linux` node that shows FRR. */
const FRR_ROUTER_KIND = "frr";

/**
 * wirelab runtimes that run each node from its image: there the containerlab images are
 * used, and each container gets a management network as containerlab gives it.
 */
const IMAGE_RUNTIMES: ReadonlySet<string> = new Set(["docker"]);

export const MAPPED_KINDS: readonly string[] = Object.keys(KIND_TABLE);

export interface MapOptions {
  runtime?: "netns" | "docker" | "kubernetes";
  /** Most bytes a bound file or startup-config may have (the topology file limit). */
  fileBytes: number;
}

type Obj = Record<string, unknown>;

/**
 * A host file a node refers to, read whole; TopologyError (at `at`) when it cannot be. Only
 * files below the containerlab file's own directory (links resolved): wirelab reads them as
 * root and puts them in a router's config, so a topology from elsewhere cannot make it copy
 * /etc/shadow there. The same rule as wirelab's own startup-config.
 */
function readHostFile(r: Report, file: string, at: Path, what: string, limit: number, base: string): string {
  let fd: number | undefined;
  try {
    const real = realpathSync(file);
    const root = realpathSync(base);
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) {
      return r.fail(at, `${what} ${file} is outside the containerlab file's directory (${root}); copy it there`);
    }
    fd = openSync(real, "r");
    const st = fstatSync(fd);
    if (!st.isFile()) return r.fail(at, `${what} ${file} is not a regular file`);
    if (st.size > limit) return r.fail(at, `${what} ${file} is ${st.size} bytes, more than the limit of ${limit}`);
    return readFileSync(fd, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code;
    return r.fail(at, `cannot read ${what} ${file}: ${why}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface FrrFiles {
  config?: At<string>;
  daemons?: At<string>;
}

/** Reads the node's FRR files from its binds; warns about every other bind. */
function frrBinds(r: Report, node: ClabNode, dir: string, limit: number, frrPossible: boolean): FrrFiles {
  const out: FrrFiles = {};
  const where = `node ${q(node.name)} bind`;
  for (const b of node.binds) {
    const [host = "", target] = [b.value.split(":")[0], bindTarget(b.value)];
    const t = target?.replace(/\/+$/, "");
    const label = `${where} ${q(b.value)}`;
    if (!frrPossible || !t?.startsWith("/etc/frr")) {
      r.warn(b.path, `${label} is not mapped to wirelab and is ignored (only FRR's frr.conf and daemons files are)`);
      continue;
    }
    if (/__clab(Node)?Dir__/.test(host)) {
      r.warn(b.path, `${label} refers to containerlab's lab directory, which wirelab does not make: ignored`);
      continue;
    }
    const file = path.resolve(dir, host.replace(/^~(?=\/|$)/, os.homedir()));
    const read = (f: string) => ({ value: readHostFile(r, f, b.path, "bound file", limit, dir), path: b.path });
    if (t === "/etc/frr/frr.conf") out.config = read(file);
    else if (t === "/etc/frr/daemons") out.daemons = read(file);
    else if (t === "/etc/frr") {
      // A bound directory: the files FRR would read from it.
      for (const [name, key] of [
        ["frr.conf", "config"],
        ["daemons", "daemons"],
      ] as const) {
        if (exists(path.join(file, name))) out[key] = read(path.join(file, name));
      }
      if (!out.config && !out.daemons) r.warn(b.path, `${label}: the directory has no frr.conf or daemons file`);
    } else if (t === "/etc/frr/vtysh.conf") {
      r.note(b.path, `${label} is not needed: wirelab runs each node's vtysh with its own settings`);
    } else {
      r.warn(b.path, `${label} is not mapped to wirelab and is ignored (only FRR's frr.conf and daemons files are)`);
    }
  }
  return out;
}

/** Whether a file exists (a bound directory need not hold both files). */
function exists(file: string): boolean {
  try {
    closeSync(openSync(file, "r"));
    return true;
  } catch {
    return false;
  }
}

/** The startup-config as config text: inline (several lines) or a file beside the containerlab file. */
function startupConfig(r: Report, node: ClabNode, dir: string, limit: number): At<string> | undefined {
  const s = node.startupConfig;
  if (!s) return undefined;
  if (s.value.includes("\n")) return s;
  if (/^https?:\/\//.test(s.value)) {
    r.warn(s.path, `node ${q(node.name)} startup-config from a URL is not mapped: download it and give its path`);
    return undefined;
  }
  const file = path.resolve(dir, s.value.replace(/^~(?=\/|$)/, os.homedir()));
  return { value: readHostFile(r, file, s.path, "startup-config", limit, dir), path: s.path };
}

/** Maps the topology; `src` learns where each part came from. */
export function mapClab(t: ClabTopology, r: Report, src: ClabSource, opts: MapOptions): Obj {
  const dir = path.dirname(path.resolve(src.file));
  const name = clabLabName(t.name.value);
  if (name !== t.name.value) {
    r.note(
      t.name.path,
      `lab name ${q(t.name.value)} becomes ${q(name)}: wirelab lab names are letters, digits and '-' (at most 32)`,
    );
  }
  const out: Obj = { name };
  src.map(["name"], t.name.path, true);
  const images = IMAGE_RUNTIMES.has(opts.runtime ?? "");
  if (opts.runtime) out.runtime = opts.runtime;
  if (images) {
    // containerlab gives every container eth0 on a management network; so does wirelab then.
    const subnet = (t.mgmt?.value as Obj | undefined)?.["ipv4-subnet"];
    out.management = typeof subnet === "string" ? { subnet } : true;
    if (t.mgmt) {
      src.map(["management"], t.mgmt.path);
      r.note(
        t.mgmt.path,
        `mgmt becomes the lab's management network${typeof subnet === "string" ? ` (${subnet})` : ""}`,
        "key",
      );
    }
  } else if (t.mgmt) {
    r.note(
      t.mgmt.path,
      "mgmt (containerlab's management network) is ignored: nodes in namespaces have no management network (with --runtime docker each container gets one)",
      "key",
    );
  }

  const nodes: Obj = {};
  const dropped = new Set<string>();
  for (const node of t.nodes) {
    const entry = Object.hasOwn(KIND_TABLE, node.kind.value) ? KIND_TABLE[node.kind.value] : undefined;
    if (!entry) {
      r.warn(
        node.kind.path,
        `node ${q(node.name)} of kind ${q(node.kind.value)} is not mapped to wirelab (mapped kinds: ${MAPPED_KINDS.join(", ")}): the node and its links are left out`,
      );
      dropped.add(node.name);
      continue;
    }
    if (entry.note) r.note(node.kind.path, `node ${q(node.name)}: kind ${q(node.kind.value)} is ${entry.note}`);
    const wpath: Path = ["nodes", node.name];
    src.map(wpath, node.path, true);
    src.key(["nodes"], node.name);
    nodes[node.name] = mapNode(r, src, node, entry, wpath, dir, opts);
  }
  out.nodes = nodes;

  const links: unknown[] = [];
  for (const link of t.links) {
    const gone = link.ends.find((e) => dropped.has(e.node));
    if (gone) {
      r.warn(
        link.path,
        `link #${Number(link.path[2]) + 1} (${link.ends.map((e) => e.text).join(" — ")}) is left out: node ${q(gone.node)} is not mapped`,
      );
      continue;
    }
    const lpath: Path = ["links", links.length];
    src.map(lpath, link.path, true);
    const ends = link.ends.map((e) => e.text);
    const base: Path = link.mtu ? [...lpath, "endpoints"] : lpath;
    link.ends.forEach((e, j) => {
      src.map([...base, j], e.path, e.short);
    });
    if (link.mtu) {
      src.map([...lpath, "mtu"], link.mtu.path, true);
      links.push({ endpoints: ends, mtu: link.mtu.value });
    } else links.push(ends);
  }
  if (links.length) out.links = links;
  return out;
}

function mapNode(
  r: Report,
  src: ClabSource,
  node: ClabNode,
  entry: { kind: string; frrWhenSigns?: boolean },
  wpath: Path,
  dir: string,
  opts: MapOptions,
): Obj {
  const where = `node ${q(node.name)}`;
  const frrPossible = entry.frrWhenSigns === true || kindOf(entry.kind)?.role === "router";
  const files = frrBinds(r, node, dir, opts.fileBytes, frrPossible);
  const startup = frrPossible ? startupConfig(r, node, dir, opts.fileBytes) : undefined;
  if (!frrPossible && node.startupConfig) {
    r.warn(node.startupConfig.path, `${where} startup-config is not mapped: a ${entry.kind} node has no configuration`);
  }
  const signs =
    files.config !== undefined ||
    files.daemons !== undefined ||
    startup !== undefined ||
    /frr/i.test((node.image?.value ?? "").split(/[:@]/)[0] ?? "");
  const kind = entry.frrWhenSigns && signs ? FRR_ROUTER_KIND : entry.kind;
  const role = kindOf(kind)?.role;
  const out: Obj = { kind };
  src.map([...wpath, "kind"], node.kind.path, node.kind.path[1] === "nodes");

  if (role === "router") {
    const config = files.config ?? startup;
    if (files.config && startup && node.startupConfig) {
      r.warn(node.startupConfig.path, `${where} startup-config is not used: the bound frr.conf is the node's config`);
    }
    const frr: Obj = {};
    if (config) {
      out.config = config.value;
      src.map([...wpath, "config"], config.path);
      const d = /^\s*frr\s+defaults\s+(datacenter|traditional)\s*$/m.exec(config.value)?.[1];
      if (d) frr.profile = d;
    }
    if (files.daemons) {
      const parsed = parseDaemons(files.daemons.value);
      const known = new Set<string>(FRR_DAEMONS);
      for (const d of parsed.enabled) {
        if (!known.has(d.name)) {
          r.warn(
            files.daemons.path,
            `${where} daemons file line ${d.line}: ${d.name}=yes is not mapped: wirelab runs ${FRR_DAEMONS.join(", ")}`,
          );
        }
      }
      const on = new Set(["zebra", "staticd", ...parsed.enabled.map((d) => d.name)]);
      frr.daemons = FRR_DAEMONS.filter((d) => on.has(d));
      src.map([...wpath, "frr"], files.daemons.path);
      if (parsed.profile === "datacenter" || parsed.profile === "traditional") frr.profile = parsed.profile;
    }
    if (Object.keys(frr).length) out.frr = frr;
  }

  applyExec(r, src, node, out, wpath, role === "bridge");

  if (IMAGE_RUNTIMES.has(opts.runtime ?? "") && role !== "bridge" && node.image) {
    out.image = node.image.value;
    src.map([...wpath, "image"], node.image.path, node.image.path[1] === "nodes");
  }
  return out;
}

/** The node's exec lines as interface addresses, MTUs, static routes and forwarding. */
function applyExec(r: Report, src: ClabSource, node: ClabNode, out: Obj, wpath: Path, bridge: boolean): void {
  /** Per port, in the order the exec lines name them: addresses (with the line of the first) and MTU. */
  const ports = new Map<string, { ips: string[]; firstIp?: Path; mtu?: number }>();
  const routes: { to: string; via: string }[] = [];
  const port = (dev: string, at: Path) => {
    const ipath = [...wpath, "interfaces", dev];
    let p = ports.get(dev);
    if (!p) {
      p = { ips: [] };
      ports.set(dev, p);
      src.map(ipath, at);
      src.key([...wpath, "interfaces"], dev);
    }
    return { p, ipath };
  };
  const apply = (a: ExecAction, at: Path): void => {
    if (a.type === "address") {
      const { p, ipath } = port(a.dev, at);
      src.map([...ipath, "ip", p.ips.length], at);
      p.firstIp ??= at;
      p.ips.push(a.cidr);
    } else if (a.type === "mtu") {
      const { p, ipath } = port(a.dev, at);
      p.mtu = a.mtu;
      src.map([...ipath, "mtu"], at);
    } else if (a.type === "route") {
      src.map([...wpath, "routes", routes.length], at);
      routes.push({ to: a.to, via: a.via });
    } else if (a.type === "forwarding") {
      out.forwarding = a.on;
      src.map([...wpath, "forwarding"], at);
    }
    // `up`: wirelab brings every cabled port up.
  };
  for (const line of node.exec) {
    const parsed = bridge ? { why: "a bridge runs no commands" } : parseExec(line.value);
    if ("why" in parsed) {
      r.warn(
        line.path,
        `node ${q(node.name)} exec ${q(line.value)} is not mapped to wirelab and is not run: ${parsed.why}`,
      );
      continue;
    }
    for (const a of parsed.actions) apply(a, line.path);
  }
  if (ports.size) {
    const interfaces: Obj = {};
    for (const [dev, p] of ports) {
      const settings: Obj = {};
      if (p.ips.length) {
        // One address is written as text, several as a list (as a person would write them).
        settings.ip = p.ips.length === 1 ? p.ips[0] : p.ips;
        if (p.firstIp) src.map([...wpath, "interfaces", dev, "ip"], p.firstIp);
      }
      if (p.mtu !== undefined) settings.mtu = p.mtu;
      interfaces[dev] = settings;
    }
    out.interfaces = interfaces;
  }
  if (routes.length) out.routes = routes;
}
