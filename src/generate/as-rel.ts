// AS relationships in CAIDA's `as-rel` text format, read and written:
//   # comment lines start with '#'
//   <provider-as>|<customer-as>|-1
//   <peer-as>|<peer-as>|0
// (CAIDA's serial-2 files add a fourth field, the source of the inference: read and ignored.)
// `generate internet` writes the graph it made in this form beside the topology, and builds
// from such a file with --from-as-rel.
import { GenerateError } from "./shapes.js";

/** One AS link: `rel` -1 when `a` is the provider of `b`, 0 when they are peers. */
export interface AsLink {
  a: number;
  b: number;
  rel: -1 | 0;
}

export interface AsGraph {
  /** Every AS, in the order routers are made (generated: tier by tier; from a file: ascending). */
  ases: number[];
  links: AsLink[];
}

const MAX_ASN = 4294967295;

/** Parses as-rel text; errors name the line (`file:line: …`). */
export function parseAsRel(text: string, file: string): AsGraph {
  const links: AsLink[] = [];
  const seen = new Map<string, number>();
  const ases = new Set<number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const at = `${file}:${i + 1}`;
    if (line === "" || line.startsWith("#")) return;
    const f = line.split("|");
    if (f.length < 3 || f.length > 4) {
      throw new GenerateError(`${at}: expected <as1>|<as2>|<-1 or 0>[|source], not '${line}'`);
    }
    const [sa, sb, sr] = f as [string, string, string];
    const asn = (s: string) => {
      if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_ASN) {
        throw new GenerateError(`${at}: '${s}' is not an AS number (1-${MAX_ASN})`);
      }
      return Number(s);
    };
    const a = asn(sa);
    const b = asn(sb);
    if (sr !== "-1" && sr !== "0") {
      throw new GenerateError(`${at}: relationship '${sr}' is not -1 (provider|customer) or 0 (peer|peer)`);
    }
    if (a === b) throw new GenerateError(`${at}: AS ${a} cannot have a relationship with itself`);
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const dup = seen.get(key);
    if (dup !== undefined) throw new GenerateError(`${at}: AS ${a} and AS ${b} are already related on line ${dup}`);
    seen.set(key, i + 1);
    ases.add(a);
    ases.add(b);
    links.push({ a, b, rel: sr === "-1" ? -1 : 0 });
  });
  if (links.length === 0) throw new GenerateError(`${file}: no AS relationships in the file`);
  return { ases: [...ases].sort((x, y) => x - y), links };
}

/** The graph as as-rel text, under a comment header. */
export function formatAsRel(g: AsGraph, header: string[]): string {
  const lines = [
    ...header.map((h) => `# ${h}`.trimEnd()),
    "# <provider-as>|<customer-as>|-1",
    "# <peer-as>|<peer-as>|0",
    ...g.links.map((l) => `${l.a}|${l.b}|${l.rel}`),
  ];
  return `${lines.join("\n")}\n`;
}
