// A rendered frr.conf split into one file per daemon, for nodes whose whole config comes
// from the topology's intent (no raw `config:` text). Each daemon then reads its own file
// at start (`-f`), which saves a `vtysh -f` process per router (about 40 ms of CPU each,
// the second-largest cost of bringing up a big lab) and hands every daemon only lines it
// knows, so its log stays free of "Unknown command" noise.
//
// Raw configs keep going through `vtysh -f`: only FRR's own vtysh knows which daemon owns
// each of the hundreds of commands a person may write. Here the renderer's output has a
// small, known set of top-level blocks; anything else makes the split give up (undefined)
// and the caller falls back to vtysh.

/** Top-level commands every daemon takes: they come first in every per-daemon file. */
const COMMON = /^(frr defaults|hostname|log) /;

/** Which daemon owns a top-level block, by its first line; undefined: not known here. */
function ownerOf(line: string): string | undefined {
  if (/^interface \S+$/.test(line)) return "zebra";
  if (/^(ip|ipv6) route /.test(line)) return "staticd";
  if (/^router bgp \d+$/.test(line)) return "bgpd";
  if (/^router ospf$/.test(line)) return "ospfd";
  if (/^router ospf6$/.test(line)) return "ospf6d";
  if (/^router isis \S+$/.test(line)) return "isisd";
  if (/^ip(v6)? forwarding$/.test(line)) return "zebra";
  return undefined;
}

/**
 * Inside an `interface` block, which daemon owns a line: each routing daemon has its own
 * interface commands (zebra rejects `ip ospf area`, ospfd `ipv6 ospf6 area`); the rest
 * (description) is zebra's.
 */
function interfaceLineOwner(line: string): string {
  const l = line.trim();
  if (/^ip ospf /.test(l)) return "ospfd";
  if (/^ipv6 ospf6 /.test(l)) return "ospf6d";
  if (/^(ip router isis|ipv6 router isis|isis) /.test(l)) return "isisd";
  return "zebra";
}

/**
 * Per-daemon config texts, keyed by daemon (every daemon in `daemons` gets a file, possibly
 * with the common lines only), or undefined when the text has a block this split does not
 * know or a block for a daemon that is not started.
 */
export function splitByDaemon(text: string, daemons: readonly string[]): Map<string, string> | undefined {
  const common: string[] = [];
  const own = new Map<string, string[]>(daemons.map((d) => [d, []]));
  let current: string[] | undefined;
  // The `interface NAME` line of the interface block being read: each daemon with lines in
  // it gets the header once, before its first line.
  let iface: { header: string; given: Set<string> } | undefined;
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (line.trim() === "" || /^\s*!/.test(line)) {
      if (current && line.startsWith(" ")) current.push(line);
      continue;
    }
    if (/^\s/.test(line)) {
      // A line inside the current block; outside any block it would be ambiguous.
      if (iface) {
        const owner = interfaceLineOwner(line);
        const list = own.get(owner);
        if (!list) return undefined;
        if (!iface.given.has(owner)) {
          iface.given.add(owner);
          list.push(iface.header);
        }
        list.push(line);
        continue;
      }
      if (!current) return undefined;
      current.push(line);
      continue;
    }
    iface = undefined;
    if (COMMON.test(line)) {
      common.push(line);
      current = undefined;
      continue;
    }
    if (/^interface \S+$/.test(line)) {
      // zebra gets every interface, even one whose lines all belong to other daemons.
      iface = { header: line, given: new Set(["zebra"]) };
    }
    const owner = ownerOf(line);
    const list = owner === undefined ? undefined : own.get(owner);
    if (!list) return undefined;
    list.push(line);
    current = list;
  }
  const out = new Map<string, string>();
  for (const [daemon, lines] of own) out.set(daemon, `${[...common, ...lines].join("\n")}\n`);
  return out;
}
