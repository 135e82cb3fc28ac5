// Strict parsing of addresses and prefixes with ipaddr.js. ipaddr.js alone also accepts
// classful and octal IPv4 forms ("10.1", "010.0.0.1"); the topology format does not.
import ipaddr from "ipaddr.js";

export type IP = ipaddr.IPv4 | ipaddr.IPv6;
export type Family = 4 | 6;

export interface Cidr {
  ip: IP;
  family: Family;
  len: number;
  /** Canonical address without the length ("192.168.101.1", "2001:db8::1"). */
  addr: string;
  /** Canonical "address/len". */
  text: string;
}

/** Parses a plain IPv4 (dotted quad) or IPv6 address; returns a reason string when invalid. */
export function parseIp(s: string): IP | string {
  const t = s.trim();
  if (t.includes("/")) return "expected a plain address without a prefix length";
  if (t.includes(":")) {
    if (!ipaddr.IPv6.isValid(t)) return "not a valid IPv6 address";
    const ip = ipaddr.IPv6.parse(t);
    if (ip.zoneId) return "zone ids (%...) are not supported";
    return ip;
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(t))
    return "not a valid IPv4 address (expected four decimal numbers, e.g. 192.168.101.1)";
  return ipaddr.IPv4.parse(t);
}

export function ipString(ip: IP): string {
  return ip.kind() === "ipv6" ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
}

export function familyOf(ip: IP): Family {
  return ip.kind() === "ipv6" ? 6 : 4;
}

/** Parses "address/len"; returns a reason string when invalid. */
export function parseCidr(s: string): Cidr | string {
  const t = s.trim();
  const slash = t.indexOf("/");
  if (slash < 0) return "missing prefix length (write it as address/length, e.g. 192.168.101.1/24)";
  const ip = parseIp(t.slice(0, slash));
  if (typeof ip === "string") return ip;
  const lenText = t.slice(slash + 1);
  const family = familyOf(ip);
  const max = family === 4 ? 32 : 128;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max) {
    return `prefix length must be a number from 0 to ${max}`;
  }
  const len = Number(lenText);
  const addr = ipString(ip);
  return { ip, family, len, addr, text: `${addr}/${len}` };
}

/** The network address of a prefix. */
export function networkOf(c: Cidr): IP {
  const bytes = c.ip.toByteArray();
  let bits = c.len;
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits));
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
    bits -= 8;
  }
  return ipaddr.fromByteArray(bytes);
}

/** The IPv4 broadcast address of a prefix. */
function broadcastOf(c: Cidr): IP {
  const bytes = c.ip.toByteArray();
  let bits = c.len;
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits));
    bytes[i] = (bytes[i] ?? 0) | (0xff >> keep);
    bits -= 8;
  }
  return ipaddr.fromByteArray(bytes);
}

function sameIp(a: IP, b: IP): boolean {
  return a.kind() === b.kind() && ipString(a) === ipString(b);
}

/** Parses an interface address: host part may be anything but the IPv4 network or broadcast address. */
export function parseInterfaceAddress(s: string): Cidr | string {
  const c = parseCidr(s);
  if (typeof c === "string") return c;
  if (c.family === 4 && c.len <= 30) {
    if (sameIp(c.ip, networkOf(c))) {
      return `${c.addr} is the network address of ${c.text}; an interface needs a host address, e.g. ${ipString(nextHost(c))}/${c.len}`;
    }
    if (sameIp(c.ip, broadcastOf(c))) return `${c.addr} is the broadcast address of ${ipString(networkOf(c))}/${c.len}`;
  }
  return c;
}

function nextHost(c: Cidr): IP {
  const bytes = networkOf(c).toByteArray();
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) + 1;
  return ipaddr.fromByteArray(bytes);
}

/** Parses a prefix (subnet, route destination, BGP network): the host part must be zero. */
export function parsePrefix(s: string): Cidr | string {
  const c = parseCidr(s);
  if (typeof c === "string") return c;
  const net = networkOf(c);
  if (!sameIp(c.ip, net)) return `host bits are set; the prefix is ${ipString(net)}/${c.len}`;
  return c;
}

/** True when `ip` lies inside the prefix `net`. */
export function contains(net: Cidr, ip: IP): boolean {
  return net.ip.kind() === ip.kind() && ip.match(net.ip, net.len);
}

/** True when two interface addresses are on the same subnet (each inside the other's prefix). */
export function sameSubnet(a: Cidr, b: Cidr): boolean {
  return contains(a, b.ip) && contains(b, a.ip);
}

/** Numeric comparison of two addresses of the same family. */
export function compareIp(a: IP, b: IP): number {
  const x = a.toByteArray();
  const y = b.toByteArray();
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function isLinkLocal(ip: IP): boolean {
  return ip.range() === "linkLocal";
}
