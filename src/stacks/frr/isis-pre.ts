// Raw configs reach FRR through `vtysh -f`, which hands each daemon the whole file as one
// transaction (FRR 8.4: XFRR_start/end_configuration): isisd then applies an instance's
// settings in its YANG model's order, not the file's, and `net` (area-address) comes before
// the LSP timers. The first LSP is built the moment the NET is set, with the default
// lifetime (1200 s) and generation interval (30 s), before the interfaces are in; measured
// here, the routers' prefixes reached the others about 30 s after the adjacencies came up,
// whatever the file said. So the LSP timers of each `router isis` block are pushed first,
// in a transaction of their own, before the area has a NET: the first LSP is then built
// with them, and the next follows within the generation interval (1 s with lab timers).

/** Timer lines of a `router isis` block that must be in place before its `net`. */
const TIMER = /^\s*(lsp-gen-interval|max-lsp-lifetime|lsp-refresh-interval)\b/;
const ROUTER_ISIS = /^router\s+isis(\s|$)/;

/** The pre-config for a rendered frr.conf, or undefined when it sets no IS-IS LSP timer. */
export function isisPreConfig(conf: string): string | undefined {
  const out: string[] = [];
  let block: string | undefined;
  let timers: string[] = [];
  const flush = () => {
    if (block !== undefined && timers.length) out.push(block, ...timers.map((t) => ` ${t.trim()}`), "!");
    block = undefined;
    timers = [];
  };
  for (const line of conf.split("\n")) {
    if (/^\s*[!#]/.test(line) || line.trim() === "") continue;
    if (/^\S/.test(line)) {
      flush();
      if (ROUTER_ISIS.test(line)) block = line.trimEnd();
      continue;
    }
    if (block !== undefined && TIMER.test(line)) timers.push(line);
  }
  flush();
  return out.length ? `${out.join("\n")}\n` : undefined;
}
