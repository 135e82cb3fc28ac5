// One look at a VTEP's VNI for an `evpn-vni` check, through the node's stack (evpnVnis):
// the remote VTEPs it floods to (type-3 routes) and, when asked, how many MACs it knows.
import type { CheckSpec, Lab } from "../core/model.js";
import type { EvpnVniState } from "../intents/evpn/state.js";
import { nodeHandle } from "../runtimes/index.js";
import { stackOf } from "../stacks/index.js";
import type { Observation } from "./probe.js";

type Spec = Extract<CheckSpec, { type: "evpn-vni" }>;

/** Never throws for a lab that misbehaves: a VTEP that does not answer has no VNI. */
export async function probeEvpnVni(lab: Lab, s: Spec): Promise<Observation> {
  const node = lab.nodes.find((n) => n.name === s.node);
  const want =
    s.vtepCount !== undefined
      ? `${s.vtepCount} remote VTEPs`
      : `remote VTEPs ${s.vteps?.map((v) => `${v.address} (${v.label})`).join(", ") || "none"}`;
  const expected = `VNI ${s.vni}: ${want}${s.macs !== undefined ? `, at least ${s.macs} MACs` : ""}`;
  const stack = node && stackOf(node);
  let vnis: EvpnVniState[];
  try {
    if (!node || !stack?.evpnVnis) throw new Error(`${s.node} runs no EVPN`);
    vnis = await stack.evpnVnis(nodeHandle(lab.name, node), { timeoutMs: 5000 });
  } catch (e) {
    const m = (e as Error).message.split("\n")[0] ?? "";
    return { pass: false, expected, seen: /not running|failed to connect/i.test(m) ? "zebra is not running" : m };
  }
  const v = vnis.find((x) => x.vni === s.vni);
  if (!v)
    return {
      pass: false,
      expected,
      seen: `no VNI ${s.vni} (zebra has ${vnis.map((x) => x.vni).join(", ") || "none"})`,
    };
  const vtepsOk =
    s.vtepCount !== undefined
      ? v.remoteVteps.length === s.vtepCount
      : (s.vteps ?? []).every((r) => v.remoteVteps.includes(r.address));
  const macsOk = s.macs === undefined || v.macs >= s.macs;
  const seen = `VNI ${s.vni}: remote VTEPs ${v.remoteVteps.join(", ") || "none"}, ${v.macs} MACs`;
  return { pass: vtepsOk && macsOk, expected, seen };
}
