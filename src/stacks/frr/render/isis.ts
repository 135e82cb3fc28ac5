// The `isis` intent in FRR (isisd): per interface `ip router isis` / `ipv6 router isis` for
// its families, then the `isis …` settings (FRR refuses them before the interface is in an
// area), and one `router isis` block.
import type { NodeModel } from "../../../core/model.js";
import type { IsisLevel, IsisModel } from "../../../intents/isis/model.js";
import { frrOptions } from "../options.js";

/** The area tag of the one IS-IS instance wirelab renders (`router isis lab`). */
export const ISIS_TAG = "lab";

/**
 * Lab timers (frr.lab-timers, on unless false). Measured here with FRR 8.4: isisd builds its
 * first LSP when `net` is read, with the default 30 s generation interval, and every later
 * change (adjacencies, addresses) waits for it: routes took 31 s. `lsp-gen-interval 1`
 * written before `net` brings that to about 4 s. Hellos every second, hold time 3 s.
 */
export const ISIS_LAB_TIMERS = { lspGenInterval: 1, hello: 1, multiplier: 3 } as const;

const FRR_LEVEL: Record<IsisLevel, string> = {
  "level-1": "level-1",
  "level-2": "level-2-only",
  "level-1-2": "level-1-2",
};

export function renderIsis(node: NodeModel, m: IsisModel): string[] {
  const lab = frrOptions(node)?.labTimers !== false;
  const out: string[] = m.notes.map((n) => `! ${n}`);
  for (const i of m.interfaces) {
    out.push(`interface ${i.ifname}`);
    if (i.families.includes(4)) out.push(` ip router isis ${ISIS_TAG}`);
    if (i.families.includes(6)) out.push(` ipv6 router isis ${ISIS_TAG}`);
    if (i.port === "lo" || i.passive) out.push(" isis passive");
    if (i.port !== "lo") {
      if (i.circuitType) out.push(` isis circuit-type ${FRR_LEVEL[i.circuitType]}`);
      if (i.networkType) out.push(` isis network ${i.networkType}`);
      if (i.metric !== undefined) out.push(` isis metric ${i.metric}`);
      if (lab) {
        out.push(
          ` isis hello-interval ${ISIS_LAB_TIMERS.hello}`,
          ` isis hello-multiplier ${ISIS_LAB_TIMERS.multiplier}`,
        );
      }
    }
    out.push("!");
  }
  out.push(`router isis ${ISIS_TAG}`);
  if (lab) out.push(` lsp-gen-interval ${ISIS_LAB_TIMERS.lspGenInterval}`);
  out.push(` net ${m.net}`, ` is-type ${FRR_LEVEL[m.type]}`, ` metric-style ${m.metricStyle}`, "!");
  return out;
}
