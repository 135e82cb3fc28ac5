// The `ospf` intent in FRR: per interface `ip ospf …` (ospfd, IPv4) and `ipv6 ospf6 …`
// (ospf6d, IPv6; FRR 8.4 puts OSPFv3 interfaces in an area with `ipv6 ospf6 area`), then one
// `router ospf` and one `router ospf6` block for the families in use.
import type { NodeModel } from "../../../core/model.js";
import type { OspfInterface, OspfModel } from "../../../intents/ospf/model.js";
import { frrOptions } from "../options.js";

/**
 * Lab timers (frr.lab-timers, on unless false), measured here on a 5-router lab with FRR
 * 8.4: with FRR's defaults (hello 10 s, dead 40 s) a broadcast segment waits 40 s for its DR
 * election and routes took 40-50 s; with hello 1 s / dead 4 s and the LSA and SPF throttles
 * below, 5 s (the 4 s wait timer of a broadcast segment is most of it; point-to-point links
 * take about 2 s). A 5 s LS retransmit interval also cost a lost LS request 5 s; 1 s here.
 * `ospf.timers` replaces hello and dead.
 */
export const OSPF_LAB_TIMERS = { hello: 1, dead: 4, retransmit: 1 } as const;

const ROUTER_LAB_LINES = [" timers throttle spf 0 50 500", " timers lsa min-arrival 0"];

function interfaceLines(o: OspfModel, i: OspfInterface, lab: boolean, v6: boolean): string[] {
  const p = v6 ? "ipv6 ospf6" : "ip ospf";
  const out = [` ${p} area ${i.area}`];
  if (i.port === "lo") return [...out, ` ${p} passive`];
  if (i.networkType) out.push(` ${p} network ${i.networkType}`);
  if (i.cost !== undefined) out.push(` ${p} cost ${i.cost}`);
  if (i.passive) out.push(` ${p} passive`);
  const t = o.timers ?? (lab ? OSPF_LAB_TIMERS : undefined);
  if (t) out.push(` ${p} hello-interval ${t.hello}`, ` ${p} dead-interval ${t.dead}`);
  if (lab) out.push(` ${p} retransmit-interval ${OSPF_LAB_TIMERS.retransmit}`);
  return out;
}

function routerLines(o: OspfModel, lab: boolean, v6: boolean): string[] {
  const out = [v6 ? "router ospf6" : "router ospf", ` ${v6 ? "ospf6" : "ospf"} router-id ${o.routerId}`];
  if (o.referenceBandwidth !== undefined) out.push(` auto-cost reference-bandwidth ${o.referenceBandwidth}`);
  for (const r of o.redistribute) out.push(` redistribute ${r}`);
  // `always`: the router announces the default whether or not it has one itself, as a lab's
  // "this router is the way out" usually means.
  if (o.defaultOriginate) out.push(" default-information originate always");
  if (lab) out.push(...ROUTER_LAB_LINES, ...(v6 ? [] : [" timers throttle lsa all 0"]));
  out.push("!");
  return out;
}

export function renderOspf(node: NodeModel, o: OspfModel): string[] {
  const lab = frrOptions(node)?.labTimers !== false;
  const out: string[] = o.notes.map((n) => `! ${n}`);
  for (const i of o.interfaces) {
    out.push(`interface ${i.ifname}`);
    if (i.families.includes(4)) out.push(...interfaceLines(o, i, lab, false));
    if (i.families.includes(6)) out.push(...interfaceLines(o, i, lab, true));
    out.push("!");
  }
  if (o.interfaces.some((i) => i.families.includes(4))) out.push(...routerLines(o, lab, false));
  if (o.interfaces.some((i) => i.families.includes(6))) out.push(...routerLines(o, lab, true));
  return out;
}
