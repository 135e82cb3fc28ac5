// Our small frr-reload: the difference between a node's running FRR config and the config
// it should run, as the vtysh lines that turn one into the other. Like FRR's frr-reload.py:
// both configs become trees of contexts (`router bgp 65001` > `address-family ipv4 unicast`
// > lines), a line only in the running config becomes its `no` form inside its context, a
// line only in the new one is added; a context gone entirely is removed with `no <context>`
// (an interface, which FRR cannot delete, loses its lines instead). Removals come first.
// Lines FRR writes about itself (version, defaults, hostname, log) are never touched: they
// cannot change at run time and the node's identity stays as deployed.

export interface ConfigNode {
  /** The line, whitespace-normalised. */
  line: string;
  children: ConfigNode[];
}

/** Lines that open a context at the top level. */
const TOP_CONTEXT =
  /^(router |interface |vrf |route-map |key chain |line vty|segment-routing|mpls ldp|bfd$|pseudowire |nexthop-group |affinity-map |fpm |pbr-map |srv6)/;
/** Lines that open a context inside another (address families, BFD peers, VNIs, …). */
const NESTED_CONTEXT =
  /^(address-family |vni |peer |profile |key \d|segment-routing|srv6|locators|locator |traffic-eng)/;
/** Lines that close the innermost context. */
const EXIT = /^(exit|exit-address-family|exit-vrf|exit-vni|quit|end)$/;
/**
 * Commands that only exist at the top level: seen unindented after a context that had no
 * `exit`, they close it (raw configs do not always indent or exit their blocks).
 */
const TOP_ONLY =
  /^(ip route |ipv6 route |ip prefix-list |ipv6 prefix-list |bgp as-path |bgp community-list |bgp large-community-list |bgp extcommunity-list |access-list |ipv6 access-list |hostname |log |frr |service |password |enable password |ip protocol |ipv6 protocol |ip nht |ipv6 nht |ip forwarding|ipv6 forwarding|no ip forwarding|no ipv6 forwarding|debug |agentx|mpls label )/;
/** FRR's own lines about itself and the node: never diffed. */
const IGNORED_TOP =
  /^(frr version |frr defaults |hostname |log |service |end$|line vty|Building configuration|Current configuration)/;

function normalise(line: string): string {
  return line.trim().replace(/\s+/g, " ");
}

/** A config's context tree (comments and `!` separators dropped). */
export function parseFrrConfig(text: string): ConfigNode[] {
  const root: ConfigNode = { line: "", children: [] };
  // The open contexts, innermost last; root is always there.
  const stack: ConfigNode[] = [root];
  for (const raw of text.split("\n")) {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("!") || trimmed.startsWith("#")) continue;
    const line = normalise(raw);
    const indented = /^\s/.test(raw);
    if (EXIT.test(line)) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    if (!indented && stack.length > 1 && (TOP_CONTEXT.test(line) || TOP_ONLY.test(line))) stack.length = 1;
    const parent = stack[stack.length - 1] as ConfigNode;
    const node: ConfigNode = { line, children: [] };
    if (stack.length === 1 && TOP_CONTEXT.test(line)) {
      root.children.push(node);
      stack.push(node);
      continue;
    }
    if (stack.length > 1 && NESTED_CONTEXT.test(line)) {
      // A nested context: a new one at the same depth closes the one before (an address
      // family after another without exit-address-family).
      if (stack.length > 2 && NESTED_CONTEXT.test(parent.line)) stack.pop();
      const outer = stack[stack.length - 1] as ConfigNode;
      outer.children.push(node);
      stack.push(node);
      continue;
    }
    parent.children.push(node);
  }
  return root.children;
}

/**
 * Lines FRR keeps in `address-family ipv4 unicast` though a config may write them directly
 * under `router bgp` (the old, single-family style): FRR prints them inside the family.
 */
const IPV4_FAMILY_LINE =
  /^(network \d|redistribute |aggregate-address \d|maximum-paths |distance |table-map |neighbor \S+ (activate|route-map|next-hop-self|route-reflector-client|soft-reconfiguration|prefix-list|filter-list|default-originate|send-community|remove-private-AS|allowas-in|weight|as-override|maximum-prefix|addpath|unsuppress-map|attribute-unchanged|distribute-list|capability orf))/;

/**
 * Puts both configs in the form FRR prints: IPv4 family lines written under `router bgp`
 * move into its `address-family ipv4 unicast` (a raw config in the old style is then not
 * read as "remove from the family, add at the top", which would withdraw and re-announce).
 */
function normaliseBgp(tree: ConfigNode[]): ConfigNode[] {
  for (const router of tree) {
    if (!router.line.startsWith("router bgp ")) continue;
    const moving = router.children.filter((c) => !c.children.length && IPV4_FAMILY_LINE.test(c.line));
    if (!moving.length) continue;
    router.children = router.children.filter((c) => !moving.includes(c));
    let family = router.children.find((c) => c.line === "address-family ipv4 unicast");
    if (!family) {
      family = { line: "address-family ipv4 unicast", children: [] };
      router.children.push(family);
    }
    family.children.unshift(...moving);
  }
  return tree;
}

/**
 * Other lines FRR 8.4 prints in another form than they are written: `lsp-gen-interval N`
 * (IS-IS) is printed as `lsp-timers` with the default refresh and lifetime.
 */
function normaliseForms(tree: ConfigNode[]): ConfigNode[] {
  for (const router of tree) {
    if (!router.line.startsWith("router isis ")) continue;
    for (const c of router.children) {
      const m = /^lsp-timers gen-interval (\d+) refresh-interval 900 max-lifetime 1200$/.exec(c.line);
      if (m) c.line = `lsp-gen-interval ${m[1]}`;
    }
  }
  return tree;
}

/** A line's removal: `no X` for X, X for `no X`. */
export function negate(line: string): string {
  return line.startsWith("no ") ? line.slice(3) : `no ${line}`;
}

function byLine(nodes: ConfigNode[]): Map<string, ConfigNode> {
  const m = new Map<string, ConfigNode>();
  for (const n of nodes) {
    const seen = m.get(n.line);
    // The same context written twice (two `interface 1` blocks): one context, lines merged.
    if (seen) seen.children.push(...n.children);
    else m.set(n.line, { line: n.line, children: [...n.children] });
  }
  return m;
}

/** Contexts FRR cannot delete: removing one removes its lines instead. */
function undeletable(line: string): boolean {
  return /^(interface |address-family )/.test(line);
}

/** `neighbor X remote-as …` / `neighbor X interface …`: the line that makes a BGP neighbor. */
function neighborDefinition(line: string): string | undefined {
  return /^neighbor (\S+) (remote-as|interface)\b/.exec(line)?.[1];
}

interface Edit {
  /** The contexts to enter, outermost first. */
  path: string[];
  line: string;
}

function flatten(nodes: ConfigNode[], path: string[], out: Edit[]): void {
  for (const n of nodes) {
    out.push({ path, line: n.line });
    flatten(n.children, [...path, n.line], out);
  }
}

function diffLevel(running: ConfigNode[], wanted: ConfigNode[], path: string[], remove: Edit[], add: Edit[]): void {
  const have = byLine(running);
  const want = byLine(wanted);
  // BGP neighbors that go away: their other lines go with them (FRR refuses `no` for them then).
  const goneNeighbors = new Set<string>();
  const newDefinitions = new Set([...want.keys()].map(neighborDefinition).filter((x) => x !== undefined));
  for (const line of have.keys()) {
    const peer = neighborDefinition(line);
    if (peer && !want.has(line) && !newDefinitions.has(peer)) goneNeighbors.add(peer);
  }
  for (const [line, node] of have) {
    if (path.length === 0 && IGNORED_TOP.test(line)) continue;
    const w = want.get(line);
    if (w) {
      diffLevel(node.children, w.children, [...path, line], remove, add);
      continue;
    }
    const peer = /^neighbor (\S+) /.exec(line)?.[1];
    if (peer && goneNeighbors.has(peer) && !neighborDefinition(line)) continue;
    // A neighbor whose remote-as changes is redefined by the new line alone (its session resets).
    if (neighborDefinition(line) && newDefinitions.has(neighborDefinition(line) as string)) continue;
    if (node.children.length && undeletable(line)) {
      // Its lines go one by one; the context itself stays.
      diffLevel(node.children, [], [...path, line], remove, add);
      continue;
    }
    remove.push({ path, line: negate(line) });
  }
  for (const [line, node] of want) {
    if (path.length === 0 && IGNORED_TOP.test(line)) continue;
    if (have.has(line)) continue;
    add.push({ path, line });
    flatten(node.children, [...path, line], add);
  }
  // Lines of neighbors that go away, inside nested contexts (address families): dropped too.
  if (goneNeighbors.size) {
    for (let i = remove.length - 1; i >= 0; i--) {
      const e = remove[i] as Edit;
      const peer = /^no neighbor (\S+) /.exec(e.line)?.[1];
      const nested = e.path.length > path.length && e.path.slice(0, path.length).every((p, k) => p === path[k]);
      if (nested && peer && goneNeighbors.has(peer)) remove.splice(i, 1);
    }
  }
}

/** vtysh input for a list of edits: each line inside its contexts, contexts closed with `exit`. */
function render(edits: Edit[]): string[] {
  const out: string[] = [];
  let open: string[] = [];
  const close = (depth: number) => {
    while (open.length > depth) {
      open.pop();
      out.push(`${" ".repeat(open.length)}exit`);
    }
  };
  for (const e of edits) {
    let common = 0;
    while (common < open.length && common < e.path.length && open[common] === e.path[common]) common++;
    close(common);
    for (let k = common; k < e.path.length; k++) {
      out.push(`${" ".repeat(k)}${e.path[k]}`);
    }
    open = [...e.path];
    out.push(`${" ".repeat(e.path.length)}${e.line}`);
    // A line that opens a context is entered; the next edit decides whether to stay.
    if (opensContext(e)) open = [...e.path, e.line];
  }
  close(0);
  return out;
}

function opensContext(e: Edit): boolean {
  if (e.line.startsWith("no ")) return false;
  return e.path.length === 0 ? TOP_CONTEXT.test(e.line) : NESTED_CONTEXT.test(e.line);
}

export interface FrrConfigDiff {
  /** Lines removed, in their `no` form, with their contexts. */
  removed: string[];
  /** Lines added, with their contexts. */
  added: string[];
  /** What to give `vtysh -f`: removals first; "" when nothing differs. */
  text: string;
  /** A routing policy changed (a route-map, a list, or a neighbor's use of one). */
  policyChanged: boolean;
}

/** Top-level objects that BGP neighbors and redistribution refer to by name. */
const POLICY_OBJECT =
  /^(route-map |ip prefix-list |ipv6 prefix-list |bgp community-list |bgp large-community-list |bgp extcommunity-list |bgp as-path access-list )/;
/** A line that binds a policy object (under router bgp and its address families). */
const POLICY_USE = /\b(route-map|prefix-list|filter-list|distribute-list|unsuppress-map)\b/;

/** The vtysh input that turns the running config into the wanted one. */
export function frrConfigDiff(running: string, wanted: string): FrrConfigDiff {
  const remove: Edit[] = [];
  const add: Edit[] = [];
  const read = (text: string) => normaliseForms(normaliseBgp(parseFrrConfig(text)));
  diffLevel(read(running), read(wanted), [], remove, add);
  const top = (e: Edit) => e.path[0] ?? e.line;
  // New policy objects before the lines that use them: FRR takes a neighbor's route-map that
  // does not exist yet as deny-all, and sees the map defined later only when its route-map
  // delay timer fires (5 s): the neighbor's routes would be gone until then.
  const ordered = [...add.filter((e) => POLICY_OBJECT.test(top(e))), ...add.filter((e) => !POLICY_OBJECT.test(top(e)))];
  const removed = render(remove);
  const added = render(ordered);
  const lines = [...removed, ...added];
  const policyChanged = [...remove, ...add].some((e) => POLICY_OBJECT.test(top(e)) || POLICY_USE.test(e.line));
  return { removed, added, text: lines.length ? `${lines.join("\n")}\n` : "", policyChanged };
}
