// Every port's MAC address: the user's (`mac:` on the interface or the link end) or one
// derived from lab, node and port, so a port has the same MAC on every deploy. IPv6
// link-local addresses and next hops, captures and ARP tables then read the same each time.
import { createHash } from "node:crypto";
import { q } from "../errors.js";
import type { ResolveContext } from "./context.js";

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A locally administered unicast MAC from a name: 02-bit set, multicast bit clear. */
export function derivedMac(text: string): string {
  const h = createHash("sha256").update(text).digest();
  const bytes = [((h[0] as number) & 0xfc) | 0x02, ...h.subarray(1, 6)];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

export function assignMacs(ctx: ResolveContext): void {
  const owner = new Map<string, string>();
  const take = (mac: string, who: string, fail: (m: string) => never) => {
    const prev = owner.get(mac);
    if (prev) fail(`MAC ${mac} of ${who} is already ${prev}'s`);
    owner.set(mac, who);
  };
  // Written ones first: a derived MAC never takes a written one's place.
  for (const node of ctx.nodes.values()) {
    for (const p of node.ports) {
      if (p.mac === undefined) continue;
      const at = p.macAt ?? p.at;
      const mac = p.mac.toLowerCase();
      const fail = (m: string): never => ctx.fail(at, m);
      if (!MAC.test(mac))
        fail(`invalid MAC ${q(p.mac)} for ${node.name}:${p.name}: six hex pairs, e.g. 02:00:00:00:00:01`);
      if (Number.parseInt(mac.slice(0, 2), 16) & 1)
        fail(`MAC ${mac} for ${node.name}:${p.name} is a multicast address`);
      if (mac === "00:00:00:00:00:00") fail(`MAC ${mac} for ${node.name}:${p.name} is not usable`);
      p.mac = mac;
      take(mac, `${node.name}:${p.name}`, fail);
    }
  }
  for (const node of ctx.nodes.values()) {
    for (const p of node.ports) {
      if (p.mac !== undefined) continue;
      let mac = derivedMac(`${ctx.input.name}/${node.name}/${p.name}`);
      // A clash of 46 hashed bits: salt and try again (deterministic all the same).
      for (let i = 1; owner.has(mac); i++) mac = derivedMac(`${ctx.input.name}/${node.name}/${p.name}/${i}`);
      p.mac = mac;
      owner.set(mac, `${node.name}:${p.name}`);
    }
  }
}
