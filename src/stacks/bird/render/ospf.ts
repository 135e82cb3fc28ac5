// The `ospf` intent in BIRD: `protocol ospf v2 ospf4` (IPv4) and `protocol ospf v3 ospf6`
// (IPv6) for the families in use, each with its areas and their interfaces, as FRR's ospfd
// and ospf6d run them (render/../../frr/render/ospf.ts):
// - the loopback's prefixes are stub networks of the area (`stubnet`), not an interface:
//   BIRD would also announce lo's 127.0.0.0/8, and OSPFv3 runs only on interfaces with a
//   link-local address, which lo lacks; FRR announces them the same way (intra-area prefixes,
//   cost 0, as FRR's passive loopback);
// - passive ports are `stub yes` (their subnet announced, no hellos);
// - network type, cost, hello and dead as the intent says; lab timers as FRR's (hello 1 s,
//   dead 4 s; BIRD's retransmit interval must be over 1 s: 2 s);
// - redistribute connected / static / bgp and default-originate: the protocol's export
//   filter (external type 2, metric 20 as FRR's), BIRD's routes of that source in the
//   routing table. The default: BIRD has no `default-information originate always`; an
//   unreachable default at preference 1 (static protocol wl_ospfdef4) stands in, never
//   installed in the kernel (its kernel protocol drops unreachable routes) and behind any
//   real default, which is then exported instead.
import type { NodeModel } from "../../../core/model.js";
import type { OspfInterface, OspfModel } from "../../../intents/ospf/model.js";
import { birdOptions } from "../options.js";
import { birdString } from "./common.js";

/** FRR's lab timers (render/ospf.ts of FRR), within BIRD's limits. */
export const OSPF_LAB_TIMERS = { hello: 1, dead: 4, retransmit: 2 } as const;

/** Names of the OSPF protocols (`show protocols` lists them; checks and readiness ask them). */
export const OSPF_PROTOCOLS = { 4: "ospf4", 6: "ospf6" } as const;
export const OSPF_DEFAULT = { 4: "wl_ospfdef4", 6: "wl_ospfdef6" } as const;

type Fam = 4 | 6;
const DEFAULT_NET = { 4: "0.0.0.0/0", 6: "::/0" } as const;
const CHANNEL = { 4: "ipv4", 6: "ipv6" } as const;
/** Connected prefixes never redistributed (FRR has no connected route for them). */
const MARTIANS = { 4: "[ 127.0.0.0/8+ ]", 6: "[ ::1/128, fe80::/10+ ]" } as const;

function exportFilter(o: OspfModel, f: Fam): string {
  const ext = "{ ospf_metric2 = 20; accept; }";
  const rules: string[] = [];
  if (o.defaultOriginate) rules.push(`if net = ${DEFAULT_NET[f]} then ${ext}`);
  for (const r of o.redistribute) {
    if (r === "connected") rules.push(`if source = RTS_DEVICE && net !~ ${MARTIANS[f]} then ${ext}`);
    else if (r === "static") rules.push(`if source = RTS_STATIC && proto != "${OSPF_DEFAULT[f]}" then ${ext}`);
    else if (r === "bgp") rules.push(`if source = RTS_BGP then ${ext}`);
  }
  return rules.length ? `export filter { ${rules.join(" ")} reject; };` : "export none;";
}

function interfaceLines(o: OspfModel, i: OspfInterface, lab: boolean): string[] {
  const opts: string[] = [];
  if (i.networkType) opts.push(`type ${i.networkType === "point-to-point" ? "ptp" : "broadcast"};`);
  if (i.cost !== undefined) opts.push(`cost ${i.cost};`);
  if (i.passive) opts.push("stub yes;");
  const t = o.timers ?? (lab ? OSPF_LAB_TIMERS : undefined);
  if (t) opts.push(`hello ${t.hello};`, `dead ${t.dead};`);
  if (lab) opts.push(`retransmit ${OSPF_LAB_TIMERS.retransmit};`);
  return [`    interface ${birdString(i.ifname)} {${opts.length ? ` ${opts.join(" ")}` : ""} };`];
}

function protocolLines(o: OspfModel, f: Fam, lab: boolean): string[] {
  const ifaces = o.interfaces.filter((i) => i.families.includes(f));
  const areas = [...new Set(ifaces.map((i) => i.area))];
  const out = [
    `protocol ospf v${f === 4 ? 2 : 3} ${OSPF_PROTOCOLS[f]} {`,
    `  router id ${o.routerId};`,
    `  ${CHANNEL[f]} { import all; ${exportFilter(o, f)} };`,
  ];
  for (const area of areas) {
    out.push(`  area ${area} {`);
    for (const i of ifaces.filter((x) => x.area === area)) {
      if (i.port === "lo") {
        for (const p of i.prefixes.filter((x) => x.includes(":") === (f === 6)))
          out.push(`    stubnet ${p} { cost 0; };`);
      } else out.push(...interfaceLines(o, i, lab));
    }
    out.push("  };");
  }
  out.push("}");
  return out;
}

export function renderOspf(node: NodeModel, o: OspfModel): string[] {
  const lab = birdOptions(node)?.labTimers !== false;
  const out: string[] = o.notes.map((n) => `# ${n}`);
  for (const f of [4, 6] as const) {
    if (!o.interfaces.some((i) => i.families.includes(f))) continue;
    if (o.defaultOriginate) {
      out.push(
        `protocol static ${OSPF_DEFAULT[f]} {`,
        `  ${CHANNEL[f]} { preference 1; };`,
        `  route ${DEFAULT_NET[f]} unreachable;`,
        "}",
      );
    }
    out.push(...protocolLines(o, f, lab));
  }
  return out;
}
