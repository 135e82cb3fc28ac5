// Pure parsers of BIRD 2.0.12's show output (it has no JSON), as reply lines with their
// codes (control.ts): `show protocols all` and `show route all`. Tested on captured output.
import type { ReplyLine } from "./control.js";

export interface BirdChannel {
  /** ipv4, ipv6, … */
  name: string;
  /** UP, START, DOWN, FLUSHING. */
  state: string;
  table?: string;
  imported: number;
  exported: number;
  preferred: number;
  /** Route change counters (received updates and withdraws, accepted exports): activity. */
  updates: number[];
}

export interface BirdProtocol {
  name: string;
  /** BGP, Kernel, Device, Direct, Static, OSPF, … */
  proto: string;
  table: string;
  /** up, start, down, stop. */
  state: string;
  /** When the state last changed, as BIRD prints it (`2026-12-02 01:42:50.827` or `01:42:50.827`). */
  since: string;
  info: string;
  description?: string;
  channels: BirdChannel[];
  /** BGP protocols only. */
  bgp?: {
    /** Idle, Connect, Active, OpenSent, OpenConfirm, Established, Close, Down. */
    state: string;
    neighborAddress: string;
    neighborAs: number;
    localAs: number;
    neighborId?: string;
    internal?: boolean;
    sourceAddress?: string;
    lastError?: string;
  };
}

const PROTO_ROW = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?|\S+)\s*(.*)$/;

/** `show protocols [all]`: one entry per protocol (1002 rows, 1006 details). */
export function parseProtocols(lines: readonly ReplyLine[]): BirdProtocol[] {
  const out: BirdProtocol[] = [];
  let p: BirdProtocol | undefined;
  let ch: BirdChannel | undefined;
  for (const { code, text } of lines) {
    if (code === 1002) {
      const m = PROTO_ROW.exec(text.trimEnd());
      if (!m) continue;
      p = {
        name: m[1] as string,
        proto: m[2] as string,
        table: m[3] as string,
        state: m[4] as string,
        since: m[5] as string,
        info: (m[6] ?? "").trim(),
        channels: [],
      };
      ch = undefined;
      out.push(p);
      continue;
    }
    if (code !== 1006 || !p) continue;
    const kv = /^\s*([^:]+?):\s*(.*)$/.exec(text);
    const channel = /^\s*Channel (\S+)$/.exec(text);
    if (channel) {
      ch = { name: channel[1] as string, state: "", imported: 0, exported: 0, preferred: 0, updates: [] };
      p.channels.push(ch);
      continue;
    }
    const counters = /^\s*(Import|Export) (updates|withdraws):\s+(.*)$/.exec(text);
    if (counters && ch) {
      ch.updates.push(...(counters[3] ?? "").split(/\s+/).map((n) => (n === "---" ? 0 : Number(n) || 0)));
      continue;
    }
    if (!kv) continue;
    const key = kv[1] as string;
    const value = (kv[2] ?? "").trim();
    if (ch) {
      if (key === "State") ch.state = value;
      else if (key === "Table") ch.table = value;
      else if (key === "Routes") {
        const n = (what: string) => Number(new RegExp(`(\\d+) ${what}`).exec(value)?.[1] ?? 0);
        ch.imported = n("imported");
        ch.exported = n("exported");
        ch.preferred = n("preferred");
      }
      continue;
    }
    if (key === "Description") p.description = value;
    else if (key === "BGP state") p.bgp = { state: value, neighborAddress: "", neighborAs: 0, localAs: 0 };
    else if (p.bgp) {
      if (key === "Neighbor address") p.bgp.neighborAddress = value.replace(/%.*$/, "");
      else if (key === "Neighbor AS") p.bgp.neighborAs = Number(value);
      else if (key === "Local AS") p.bgp.localAs = Number(value);
      else if (key === "Neighbor ID") p.bgp.neighborId = value;
      else if (key === "Session") p.bgp.internal = value.startsWith("internal");
      else if (key === "Source address") p.bgp.sourceAddress = value;
      else if (key === "Last error") p.bgp.lastError = value;
    }
  }
  return out;
}

export interface BirdRoute {
  net: string;
  /** unicast, unreachable, blackhole, prohibited. */
  type: string;
  /** The protocol that made it (`[bgp_ops2 …]`). */
  proto: string;
  /** As BIRD prints it. */
  since: string;
  /** `*`: the table's preferred route for the net. */
  primary: boolean;
  preference: number;
  /** The IGP metric BIRD shows after the preference (`(100/20)`), if any. */
  igpMetric?: number;
  /** `Type:` source: device, static, BGP, OSPF, inherit (kernel), … */
  source: string;
  nexthops: { via?: string; dev?: string }[];
  /** Route attributes by name (`BGP.as_path`, `BGP.next_hop`, …). */
  attrs: Record<string, string>;
}

const ROUTE =
  /^(\S+)?\s+(unicast|unreachable|blackhole|prohibited|multicast)\s+\[(\S+)\s+([^\]]*)\]\s*(\*)?\s*(?:\((\d+)(?:\/(\d+|-|\?))?\))?/;

/** `show route all`: every route of the table(s), nets in order, alternatives after the first. */
export function parseRoutes(lines: readonly ReplyLine[]): BirdRoute[] {
  const out: BirdRoute[] = [];
  let net: string | undefined;
  let r: BirdRoute | undefined;
  for (const { text } of lines) {
    if (/^Table \S+:$/.test(text)) continue;
    const m = ROUTE.exec(text);
    if (m && !text.startsWith("\t")) {
      net = m[1] ?? net;
      if (net === undefined) continue;
      r = {
        net,
        type: m[2] as string,
        proto: m[3] as string,
        // iBGP routes add the peer: `[bgp_r2 01:53:55.860 from 10.0.12.2]`.
        since: (m[4] ?? "").replace(/\s+from\s+\S+$/, "").trim(),
        primary: m[5] === "*",
        preference: Number(m[6] ?? 0),
        source: "",
        nexthops: [],
        attrs: {},
      };
      if (m[7] !== undefined && /^\d+$/.test(m[7])) r.igpMetric = Number(m[7]);
      out.push(r);
      continue;
    }
    if (!r) continue;
    const t = text.trim();
    const via = /^via (\S+)(?: on (\S+))?/.exec(t);
    const dev = /^dev (\S+)/.exec(t);
    const type = /^Type: (\S+)/.exec(t);
    const attr = /^([\w.]+):\s*(.*)$/.exec(t);
    if (via) r.nexthops.push(via[2] !== undefined ? { via: via[1] as string, dev: via[2] } : { via: via[1] as string });
    else if (dev) r.nexthops.push({ dev: dev[1] as string });
    else if (type) r.source = type[1] as string;
    else if (attr) r.attrs[attr[1] as string] = attr[2] as string;
  }
  return out;
}

/** Milliseconds of a fraction of a second as BIRD prints it (`.827`). */
function fracMs(frac: string | undefined): number {
  return Math.round(Number(`0.${frac ?? "0"}`) * 1000);
}

/** A `since` time as BIRD prints it, in ms since the epoch (local time, as BIRD's); undefined when unreadable. */
export function sinceMs(since: string, now = new Date()): number | undefined {
  const full = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(since);
  if (full) {
    const n = (i: number) => Number(full[i]);
    return new Date(n(1), n(2) - 1, n(3), n(4), n(5), n(6), fracMs(full[7])).getTime();
  }
  // BIRD's default short format: the time of day when within the last day.
  const time = /^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(since);
  if (!time) return undefined;
  const t = new Date(now);
  t.setHours(Number(time[1]), Number(time[2]), Number(time[3]), fracMs(time[4]));
  return t.getTime() > now.getTime() ? t.getTime() - 86_400_000 : t.getTime();
}

/** One row of `show ospf neighbors` (every OSPF protocol, each headed `name:`). */
export interface BirdOspfNeighbor {
  /** The OSPF protocol (`ospf4`). */
  protocol: string;
  routerId: string;
  priority: number;
  /** Full, 2-Way, Init, ExStart, Exchange, Loading, Down, Attempt. */
  state: string;
  /** The neighbor's role on the segment: DR, BDR, Other, PtP. */
  role: string;
  ifname: string;
  /** Its interface address: IPv4 for OSPFv2, the link-local IPv6 one for OSPFv3. */
  address: string;
}

/** `show ospf neighbors` (BIRD 2.0.12): `10.255.0.11 \t  1\tFull/PtP  \t 3.935\t1   10.0.1.1`. */
export function parseOspfNeighbors(lines: readonly ReplyLine[]): BirdOspfNeighbor[] {
  const out: BirdOspfNeighbor[] = [];
  let protocol = "";
  for (const { text } of lines) {
    const head = /^(\S+):$/.exec(text.trim());
    if (head) {
      protocol = head[1] as string;
      continue;
    }
    const f = text.trim().split(/\s+/);
    if (f.length !== 6 || !/^\d+$/.test(f[1] as string) || !(f[2] as string).includes("/")) continue;
    const [state, role] = (f[2] as string).split("/") as [string, string];
    out.push({
      protocol,
      routerId: f[0] as string,
      priority: Number(f[1]),
      state,
      role,
      ifname: f[4] as string,
      address: f[5] as string,
    });
  }
  return out;
}

/** One interface of `show ospf interface` (each protocol headed `name:`). */
export interface BirdOspfInterface {
  protocol: string;
  ifname: string;
  /** ptp, broadcast, nbma, ptmp, virtual link. */
  type: string;
  area?: string;
  /** This router's state there: PtP, DR, Backup, DROther, Waiting, Down, Loopback. */
  state: string;
  /** `stub yes`: no hellos. */
  stub: boolean;
}

/** `show ospf interface`: `Interface 1 (10.0.2.0/31)` then `\tKey: value` lines. */
export function parseOspfInterfaces(lines: readonly ReplyLine[]): BirdOspfInterface[] {
  const out: BirdOspfInterface[] = [];
  let protocol = "";
  let cur: BirdOspfInterface | undefined;
  for (const { text } of lines) {
    const head = /^(\S+):$/.exec(text.trim());
    if (head && !text.startsWith("\t")) {
      protocol = head[1] as string;
      continue;
    }
    const i = /^Interface (\S+) \(/.exec(text.trim());
    if (i) {
      cur = { protocol, ifname: i[1] as string, type: "", state: "", stub: false };
      out.push(cur);
      continue;
    }
    const kv = /^\s*([^:]+):\s*(.*)$/.exec(text);
    if (!cur || !kv) continue;
    const [key, value] = [kv[1] as string, (kv[2] ?? "").trim()];
    // BIRD marks a stub interface with " (stub)" after its type or state.
    if ((key === "Type" || key === "State") && /\(stub\)/.test(value)) cur.stub = true;
    const bare = value.replace(/\s*\(stub\)$/, "");
    if (key === "Type") cur.type = bare;
    else if (key === "Area") cur.area = value.split(" ")[0];
    else if (key === "State") cur.state = bare;
  }
  return out;
}

/** One row of `show bfd sessions` (every BFD protocol, each headed `name:`). */
export interface BirdBfdSession {
  protocol: string;
  address: string;
  /** The interface, for single-hop sessions; undefined for multihop (BIRD prints `---`). */
  ifname?: string;
  /** Up, Down, Init, AdminDown. */
  state: string;
  since: string;
  intervalS: number;
  timeoutS: number;
}

const BFD_ROW = /^(\S+)\s+(\S+)\s+(\S+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?|\S+)\s+([\d.]+)\s+([\d.]+)$/;

/** `show bfd sessions`: `10.1.12.2   e1   Up   2026-12-02 04:26:41.045   0.300   0.900`. */
export function parseBfdSessions(lines: readonly ReplyLine[]): BirdBfdSession[] {
  const out: BirdBfdSession[] = [];
  let protocol = "";
  for (const { text } of lines) {
    const t = text.trim();
    const head = /^(\S+):$/.exec(t);
    if (head) {
      protocol = head[1] as string;
      continue;
    }
    const m = BFD_ROW.exec(t);
    if (!m) continue;
    const s: BirdBfdSession = {
      protocol,
      address: m[1] as string,
      state: m[3] as string,
      since: m[4] as string,
      intervalS: Number(m[5]),
      timeoutS: Number(m[6]),
    };
    if (m[2] !== "---") s.ifname = m[2] as string;
    out.push(s);
  }
  return out;
}
