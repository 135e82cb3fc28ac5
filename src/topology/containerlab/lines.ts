// The two kinds of text a containerlab lab configures its nodes with besides FRR configs:
// `exec` lines (commands containerlab runs in a node after it starts) and FRR's `daemons`
// file. Only what has a place in the wirelab model is understood; the rest is reported.

/** What an exec line does, in wirelab's terms. */
export type ExecAction =
  | { type: "address"; dev: string; cidr: string }
  | { type: "up"; dev: string }
  | { type: "mtu"; dev: string; mtu: number }
  | { type: "route"; to: string; via: string }
  | { type: "forwarding"; on: boolean };

/** The actions of one exec line, or why it does not map (the line is then reported whole). */
export type ExecResult = { actions: ExecAction[] } | { why: string };

const SHELL = /[;|&<>`$()\\]/;

/** Words of a command line; simple quotes are allowed, shell syntax is not mapped. */
function words(line: string): string[] | undefined {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const bare = m[3];
    if (bare !== undefined && SHELL.test(bare)) return undefined;
    out.push(m[1] ?? m[2] ?? bare ?? "");
  }
  return out;
}

/** iproute2 accepts any prefix of an object or command name (`ip a`, `ip ro add`). */
const abbrev = (word: string | undefined, full: string): boolean =>
  word !== undefined && word.length > 0 && full.startsWith(word);

/** An address without a prefix length is a host address, as iproute2 takes it. */
const withLength = (a: string): string => (a.includes("/") ? a : `${a}/${a.includes(":") ? 128 : 32}`);

/**
 * Parses an exec line: `ip [-4|-6] addr add A/L dev IF`, `ip link set [dev] IF up|mtu N`,
 * `ip [-6] route add|replace P|default via A [dev IF]`, `sysctl [-w] <forwarding key>=0|1`.
 */
export function parseExec(line: string): ExecResult {
  const w = words(line.trim());
  if (!w || w.length === 0) return { why: "shell syntax is not mapped" };
  if (w[0] === "sysctl") return sysctl(w.slice(1));
  if (w[0] !== "ip") return { why: `'${w[0]}' commands are not mapped` };
  let i = 1;
  let family: 4 | 6 | undefined;
  while (w[i]?.startsWith("-")) {
    if (w[i] === "-4") family = 4;
    else if (w[i] === "-6") family = 6;
    else return { why: `ip option '${w[i]}' is not mapped` };
    i++;
  }
  const object = w[i];
  const command = w[i + 1];
  const args = w.slice(i + 2);
  if (abbrev(object, "address") && (abbrev(command, "add") || command === "replace")) return address(args);
  if (abbrev(object, "link") && abbrev(command, "set")) return link(args);
  if (abbrev(object, "route") && (abbrev(command, "add") || command === "replace")) return route(args, family);
  return { why: `'ip ${object ?? ""} ${command ?? ""}'`.trimEnd().concat(" is not mapped") };
}

function address(args: string[]): ExecResult {
  let dev: string | undefined;
  let cidr: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a === "dev") dev = args[++k];
    else if (a === "local") cidr = args[++k];
    else if (a === "brd" || a === "broadcast")
      k++; // the kernel derives it the same way
    else if (cidr === undefined && /^[0-9a-fA-F:.]+(\/\d+)?$/.test(a)) cidr = a;
    else return { why: `'${a}' in ip addr add is not mapped` };
  }
  if (!dev || !cidr) return { why: "ip addr add needs an address and dev" };
  return { actions: [{ type: "address", dev, cidr: withLength(cidr) }] };
}

function link(args: string[]): ExecResult {
  let dev: string | undefined;
  const actions: ExecAction[] = [];
  const pending: ((d: string) => ExecAction)[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a === "dev") dev = args[++k];
    else if (a === "up") pending.push((d) => ({ type: "up", dev: d }));
    else if (a === "mtu") {
      const mtu = Number(args[++k]);
      if (!Number.isInteger(mtu)) return { why: "ip link set mtu needs a whole number" };
      pending.push((d) => ({ type: "mtu", dev: d, mtu }));
    } else if (dev === undefined) dev = a;
    else return { why: `'${a}' in ip link set is not mapped (only up and mtu are)` };
  }
  if (!dev || pending.length === 0) return { why: "ip link set needs a device and up or mtu" };
  for (const p of pending) actions.push(p(dev));
  return { actions };
}

function route(args: string[], family: 4 | 6 | undefined): ExecResult {
  let to: string | undefined;
  let via: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a === "via") via = args[++k];
    else if (a === "dev")
      k++; // the next hop's subnet names the port already
    else if (a === "to") to = args[++k];
    else if (to === undefined) to = a;
    else return { why: `'${a}' in ip route add is not mapped` };
  }
  if (!to) return { why: "ip route add needs a destination" };
  if (!via) return { why: "a route without 'via' (a device route) is not mapped: wirelab routes need a next hop" };
  const v6 = family === 6 || (family === undefined && via.includes(":"));
  const dest = to === "default" ? (v6 ? "::/0" : "0.0.0.0/0") : withLength(to);
  return { actions: [{ type: "route", to: dest, via }] };
}

const FORWARDING = new Set(["net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding", "net.ipv6.conf.all.forwarding"]);

function sysctl(args: string[]): ExecResult {
  const actions: ExecAction[] = [];
  for (const a of args) {
    if (a === "-w" || a === "-q") continue;
    const m = /^([^=]+)=\s*([01])$/.exec(a);
    const key = m?.[1]?.replaceAll("/", ".");
    if (!m || !key || !FORWARDING.has(key)) return { why: `sysctl '${a}' is not mapped (only IP forwarding is)` };
    actions.push({ type: "forwarding", on: m[2] === "1" });
  }
  return actions.length ? { actions } : { why: "sysctl without a setting" };
}

export interface DaemonsFile {
  /** Daemons set to yes, in the file's order. */
  enabled: { name: string; line: number }[];
  /** `frr_profile="traditional"` */
  profile?: string;
}

/** FRR's /etc/frr/daemons: `bgpd=yes`, `ospfd=no`, `frr_profile="datacenter"`, options ignored. */
export function parseDaemons(text: string): DaemonsFile {
  const out: DaemonsFile = { enabled: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*"?([^"#\s]*)"?\s*(#.*)?$/.exec(raw);
    if (!m) return;
    const [, name = "", value = ""] = m;
    if (name === "frr_profile") out.profile = value;
    else if (value === "yes" && (/^[a-z0-9]+d$/.test(name) || name === "zebra"))
      out.enabled.push({ name, line: i + 1 });
  });
  return out;
}
