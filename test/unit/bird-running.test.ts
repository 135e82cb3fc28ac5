// BIRD's routing column and IGP roles in the words FRR nodes use (deploy's summary, inspect,
// the routing pane), from parsed `show protocols all` and `show ospf` output.
import assert from "node:assert/strict";
import { test } from "node:test";
import { summarizeProtocols } from "../../src/stacks/bird/igp.js";
import { toOspfInterfaces, toOspfNeighbors } from "../../src/stacks/bird/ospf.js";
import type { BirdProtocol } from "../../src/stacks/bird/parse.js";

const proto = (name: string, p: string, localAs?: number): BirdProtocol => ({
  name,
  proto: p,
  table: "---",
  state: "up",
  since: "01:00:00.000",
  info: "",
  channels: [],
  ...(localAs === undefined
    ? {}
    : { bgp: { state: "Established", neighborAddress: "10.0.0.1", neighborAs: 65001, localAs } }),
});

test("BGP with its AS, OSPF with its areas, statics and BFD; device and kernel protocols left out", () => {
  const protos = [
    proto("device1", "Device"),
    proto("kernel4", "Kernel"),
    proto("bgp_r1", "BGP", 65002),
    proto("bgp_r3", "BGP", 65002),
    proto("wl_ospf4", "OSPF"),
    proto("wl_originate4", "Static"),
    proto("wl_bfd", "BFD"),
  ];
  assert.deepEqual(summarizeProtocols(protos, ["0.0.0.1", "0.0.0.0", "0.0.0.1"]), [
    { name: "bgp", detail: "AS65002" },
    { name: "ospf", detail: "area 0.0.0.0, 0.0.0.1" },
    { name: "static" },
    { name: "bfd" },
  ]);
  assert.deepEqual(summarizeProtocols([proto("device1", "Device")], []), []);
});

test("point-to-point: FRR's Point-To-Point for this router's state, no role for the neighbor", () => {
  const ifaces = [{ protocol: "wl_ospf4", ifname: "1", type: "ptp", area: "0.0.0.0", state: "PtP", stub: false }];
  const families = new Map([["wl_ospf4", 4 as const]]);
  assert.equal(toOspfInterfaces(ifaces, families)[0]?.role, "Point-To-Point");
  const nbrs = toOspfNeighbors(
    [
      {
        protocol: "wl_ospf4",
        routerId: "10.255.0.1",
        ifname: "1",
        state: "Full",
        role: "PtP",
        address: "10.0.1.0",
        priority: 1,
      },
    ],
    ifaces,
    families,
  );
  assert.equal(nbrs[0]?.role, undefined);
  assert.equal(nbrs[0]?.up, true);
});
