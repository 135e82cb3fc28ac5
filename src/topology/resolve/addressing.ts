// Automatic addressing (`defaults.addressing`): links written without addresses get a
// point-to-point subnet from a pool, routers without a loopback address get one from
// another pool. Opt-in (only with the block), deterministic (link order, node order) and
// never on top of an address or subnet written in the file. The schema part is imported by
// schema.ts; addresses.ts calls allocateAddresses and turns the result into real addresses
// of the model, so inspect, dry-run and BGP neighbor resolution see them like any other.
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { type Cidr, type Family, parsePrefix } from "../address.js";

export const addressingSchema = z
  .object({
    p2p: z
      .string()
      .optional()
      .describe("IPv4 pool for links written without IPv4 addresses, e.g. 10.0.0.0/16 (one /31 per link)"),
    "p2p-length": z
      .union([z.literal(31), z.literal(30)])
      .optional()
      .describe("Prefix length of each IPv4 link subnet: 31 (default, RFC 3021) or 30"),
    loopback: z
      .string()
      .optional()
      .describe("IPv4 pool for router loopbacks (one /32 each), e.g. 10.255.0.0/24; also the BGP router-id"),
    p2p6: z.string().optional().describe("IPv6 pool for links without IPv6 addresses, e.g. fd00::/48"),
    "p2p6-length": z
      .union([z.literal(127), z.literal(126), z.literal(64)])
      .optional()
      .describe("Prefix length of each IPv6 link subnet: 127 (default), 126 or 64"),
    loopback6: z.string().optional().describe("IPv6 pool for router loopbacks (one /128 each), e.g. fd00:ff::/64"),
  })
  .strict()
  .describe(
    "Automatic addresses: links without addresses get a subnet from p2p/p2p6, routers without a loopback address one from loopback/loopback6",
  );

export type AddressingInput = z.infer<typeof addressingSchema>;

export type PoolField = "p2p" | "loopback" | "p2p6" | "loopback6";

/** A problem with a pool, reported by the caller at the pool's place in the file. */
export class PoolError extends Error {
  constructor(
    readonly field: PoolField,
    message: string,
  ) {
    super(message);
  }
}

function toBig(ip: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  let v = 0n;
  for (const b of ip.toByteArray()) v = (v << 8n) | BigInt(b);
  return v;
}

function fromBig(v: bigint, family: Family): string {
  const n = family === 4 ? 4 : 16;
  const bytes: number[] = new Array(n);
  let x = v;
  for (let i = n - 1; i >= 0; i--) {
    bytes[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  const ip = ipaddr.fromByteArray(bytes);
  return ip.kind() === "ipv6" ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
}

/** A range of addresses [lo, hi] of one family. */
interface Range {
  lo: bigint;
  hi: bigint;
}

function rangeOf(c: Cidr): Range {
  const bits = BigInt(c.family === 4 ? 32 : 128);
  const size = 1n << (bits - BigInt(c.len));
  const lo = (toBig(c.ip) / size) * size;
  return { lo, hi: lo + size - 1n };
}

/** Hands out consecutive blocks of `blockLen` from a prefix, skipping blocks that overlap `taken`. */
export class AddressPool {
  readonly family: Family;
  private readonly range: Range;
  private readonly size: bigint;
  private next: bigint;
  private readonly taken: Range[];

  constructor(
    readonly prefix: Cidr,
    readonly blockLen: number,
    taken: readonly Cidr[],
    /** Skip the pool's first block (its network address), as loopback pools do. */
    skipFirst = false,
  ) {
    this.family = prefix.family;
    this.range = rangeOf(prefix);
    this.size = 1n << BigInt((this.family === 4 ? 32 : 128) - blockLen);
    this.next = this.range.lo + (skipFirst ? this.size : 0n);
    this.taken = taken.filter((c) => c.family === this.family).map(rangeOf);
  }

  /** How many blocks the pool holds in all. */
  get capacity(): bigint {
    return (this.range.hi - this.range.lo + 1n) / this.size;
  }

  /** The first address of the next free block, or undefined when the pool is used up. */
  take(): bigint | undefined {
    while (this.next + this.size - 1n <= this.range.hi) {
      const lo = this.next;
      const hi = lo + this.size - 1n;
      this.next += this.size;
      if (!this.taken.some((t) => t.lo <= hi && lo <= t.hi)) return lo;
    }
    return undefined;
  }

  /** The address `offset` into a block, as "address/len" with `len`. */
  address(block: bigint, offset: number, len: number): string {
    return `${fromBig(block + BigInt(offset), this.family)}/${len}`;
  }
}

/** What needs addresses, in the order they are handed out. */
export interface AddressingRequest {
  /** Point-to-point links in link order: which families each still needs (neither end has one). */
  links: { needs4: boolean; needs6: boolean }[];
  /** Routers in node order: which loopback families each still needs. */
  routers: { needs4: boolean; needs6: boolean }[];
  /** Every address and subnet written in the file: pools never hand out blocks overlapping them. */
  taken: Cidr[];
}

export interface AddressingResult {
  /** Per entry of request.links: the addresses of end a and end b. */
  links: { a: string[]; b: string[] }[];
  /** Per entry of request.routers: loopback addresses. */
  loopbacks: string[][];
}

function parsePool(field: PoolField, text: string, family: Family, blockLen: number): Cidr {
  const c = parsePrefix(text);
  if (typeof c === "string") throw new PoolError(field, `invalid address pool ${text} (addressing.${field}): ${c}`);
  if (c.family !== family) {
    throw new PoolError(field, `addressing.${field} must be an IPv${family} prefix, not ${c.text}`);
  }
  if (c.len > blockLen) {
    throw new PoolError(field, `address pool ${c.text} (addressing.${field}) is smaller than one /${blockLen}`);
  }
  return c;
}

function exhausted(field: PoolField, pool: AddressPool, what: string, need: number): PoolError {
  return new PoolError(
    field,
    `address pool ${pool.prefix.text} (addressing.${field}) is exhausted: ${need} ${what} need a /${pool.blockLen} each and it holds ${pool.capacity} (blocks overlapping addresses written in the file are skipped); use a larger pool`,
  );
}

/** Hands out every address the request needs; throws PoolError naming the pool that ran out. */
export function allocateAddresses(settings: AddressingInput, req: AddressingRequest): AddressingResult {
  const len4 = settings["p2p-length"] ?? 31;
  const len6 = settings["p2p6-length"] ?? 127;
  const pools = {
    p2p: settings.p2p === undefined ? undefined : parsePool("p2p", settings.p2p, 4, len4),
    p2p6: settings.p2p6 === undefined ? undefined : parsePool("p2p6", settings.p2p6, 6, len6),
    loopback: settings.loopback === undefined ? undefined : parsePool("loopback", settings.loopback, 4, 32),
    loopback6: settings.loopback6 === undefined ? undefined : parsePool("loopback6", settings.loopback6, 6, 128),
  };
  // Two pools of one family must not overlap: a link subnet would swallow a loopback.
  for (const [x, y] of [
    ["p2p", "loopback"],
    ["p2p6", "loopback6"],
  ] as const) {
    const px = pools[x];
    const py = pools[y];
    if (px && py) {
      const [rx, ry] = [rangeOf(px), rangeOf(py)];
      if (rx.lo <= ry.hi && ry.lo <= rx.hi) {
        throw new PoolError(y, `address pools ${px.text} (addressing.${x}) and ${py.text} (addressing.${y}) overlap`);
      }
    }
  }
  const result: AddressingResult = { links: req.links.map(() => ({ a: [], b: [] })), loopbacks: [] };

  // The two ends of a link: /31 and /127 use both addresses of the block (RFC 3021, RFC
  // 6164); /30, /126 and /64 skip the block's first address (its network or subnet-router
  // anycast address).
  const linkFamily = (field: "p2p" | "p2p6", prefix: Cidr | undefined, len: number, fam: Family) => {
    if (!prefix) return;
    const pool = new AddressPool(prefix, len, req.taken);
    const first = len === 31 || len === 127 ? 0 : 1;
    const wanted = req.links.filter((l) => (fam === 4 ? l.needs4 : l.needs6)).length;
    req.links.forEach((l, i) => {
      if (!(fam === 4 ? l.needs4 : l.needs6)) return;
      const block = pool.take();
      if (block === undefined) throw exhausted(field, pool, "links", wanted);
      const r = result.links[i] as { a: string[]; b: string[] };
      r.a.push(pool.address(block, first, len));
      r.b.push(pool.address(block, first + 1, len));
    });
  };
  linkFamily("p2p", pools.p2p, len4, 4);
  linkFamily("p2p6", pools.p2p6, len6, 6);

  const loops: string[][] = req.routers.map(() => []);
  const loopFamily = (field: "loopback" | "loopback6", prefix: Cidr | undefined, fam: Family) => {
    if (!prefix) return;
    const len = fam === 4 ? 32 : 128;
    // The pool's first address is skipped: 10.255.0.0/24 gives 10.255.0.1, .2, ...
    const pool = new AddressPool(prefix, len, req.taken, prefix.len < len);
    const wanted = req.routers.filter((r) => (fam === 4 ? r.needs4 : r.needs6)).length;
    req.routers.forEach((r, i) => {
      if (!(fam === 4 ? r.needs4 : r.needs6)) return;
      const block = pool.take();
      if (block === undefined) throw exhausted(field, pool, "routers", wanted);
      loops[i]?.push(pool.address(block, 0, len));
    });
  };
  loopFamily("loopback", pools.loopback, 4);
  loopFamily("loopback6", pools.loopback6, 6);
  result.loopbacks = loops;
  return result;
}
