// Per-neighbor options of the BGP intent (schema.ts `neighborOptions`) → BgpNeighborOptions,
// refusing at file:line:col what FRR would refuse only once running (bgpd rejects these
// for the wrong kind of session when the config is pushed, after deploy has built the lab).
import { q } from "../../topology/errors.js";
import type { ResolveContext } from "../../topology/resolve/context.js";
import type { Path } from "../../topology/source.js";
import type { BgpNeighborOptions } from "./model.js";
import type { BgpNeighborInput } from "./schema.js";

/** Options that only make sense on one kind of session, with the reason given when refused. */
const EBGP_ONLY = {
  "local-as": "local-as applies to eBGP sessions only",
  "as-override": "as-override applies to eBGP sessions only",
  "remove-private-as": "private AS numbers are removed on eBGP sessions only",
  relationship: "a relationship (customer, provider, peer) is between two ASes: eBGP sessions only",
} as const;

/**
 * The neighbor's options. `ibgp` is known once the remote AS is; `asn` is the node's own.
 * Node-wide defaults (bgp.bfd, bgp.rr, a link's bfd) are applied by the caller.
 */
export function neighborOptions(
  ctx: ResolveContext,
  obj: BgpNeighborInput,
  npath: Path,
  label: string,
  asn: number,
  ibgp: boolean,
): BgpNeighborOptions {
  const o: BgpNeighborOptions = {};
  if (ibgp) {
    for (const [key, why] of Object.entries(EBGP_ONLY)) {
      if (obj[key as keyof typeof EBGP_ONLY] !== undefined && obj[key as keyof typeof EBGP_ONLY] !== false) {
        ctx.fail([...npath, key], `BGP neighbor ${q(label)}: ${why}, and this one is iBGP (AS ${asn})`, "key");
      }
    }
  } else if (obj["route-reflector-client"] === true) {
    ctx.fail(
      [...npath, "route-reflector-client"],
      `BGP neighbor ${q(label)} is eBGP: only iBGP neighbors (same AS ${asn}) can be route-reflector clients`,
    );
  }
  if (obj["local-as"] !== undefined && obj["local-as"] === asn) {
    ctx.fail([...npath, "local-as"], `local-as ${asn} of BGP neighbor ${q(label)} is this node's own AS`);
  }
  const t = obj.timers;
  if (t && t.hold !== 0 && t.hold < 3) {
    // FRR's rule (RFC 4271: 0 or at least 3 seconds).
    ctx.fail([...npath, "timers", "hold"], `hold time ${t.hold} of BGP neighbor ${q(label)} must be 0 or at least 3`);
  }
  if (obj.password !== undefined && (obj.password === "" || /\s/.test(obj.password) || obj.password.length > 80)) {
    // One word on FRR's config line; TCP MD5 keys are at most 80 bytes (TCP_MD5SIG_MAXKEYLEN).
    ctx.fail([...npath, "password"], `password of BGP neighbor ${q(label)} must be 1-80 characters without spaces`);
  }
  const set = <K extends keyof BgpNeighborOptions>(k: K, v: BgpNeighborOptions[K] | undefined) => {
    if (v !== undefined) o[k] = v;
  };
  set("routeReflectorClient", obj["route-reflector-client"]);
  set("nextHopSelf", obj["next-hop-self"]);
  set("bfd", obj.bfd);
  set("localAs", obj["local-as"]);
  set("passive", obj.passive);
  set("password", obj.password);
  set("timers", t ? { keepalive: t.keepalive, hold: t.hold } : undefined);
  set("defaultOriginate", obj["default-originate"]);
  set("sendCommunity", obj["send-community"]);
  set("allowasIn", obj["allowas-in"]);
  set("removePrivateAs", obj["remove-private-as"]);
  set("asOverride", obj["as-override"]);
  set("weight", obj.weight);
  set("relationship", obj.relationship);
  set("evpn", obj.evpn);
  set("routeMapIn", obj["route-map"]?.in);
  set("routeMapOut", obj["route-map"]?.out);
  return o;
}
