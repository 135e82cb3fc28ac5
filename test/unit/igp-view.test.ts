// What inspect and the graph page show of the IGPs and of a node's protocols: FRR 8.4's
// outputs (captured from examples/isis.yml and ospf-multiarea.yml deployed here) parsed into
// circuit types, levels, areas and roles; the running config read back into the summary's
// routing column.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  parseIsisInterfaces,
  parseIsisNeighborDetail,
  parseIsisSummary,
  parseOspf6Interfaces,
  parseOspfInterfaces,
} from "../../src/stacks/frr/igp.js";
import { parseRunningProtocols } from "../../src/stacks/frr/running.js";

describe("IS-IS as the views show it", () => {
  test("adjacencies with level, state and circuit type from `show isis neighbor detail`", () => {
    const text = `Area lab:
 r2                  
    Interface: eth1, Level: 2, State: Up, Expires in 3s
    Adjacency flaps: 1, Last: 11s ago
    Circuit type: L2, Speaks: IPv4, IPv6
    SNPA: 2020.2020.2020
    Area Address(es):
      49.0001
    IPv4 Address(es):
      10.0.12.2

 0102.5500.0004      
    Interface: eth2, Level: 1, State: Initializing, Expires in 30s
    Circuit type: L1L2, Speaks: IPv4
`;
    assert.deepEqual(parseIsisNeighborDetail(text), [
      { systemId: "r2", ifname: "eth1", level: 2, state: "Up", up: true, circuitType: "L2" },
      { systemId: "0102.5500.0004", ifname: "eth2", level: 1, state: "Initializing", up: false, circuitType: "L1L2" },
    ]);
  });

  test("circuits with their levels and metrics; the instance's NET and levels", () => {
    const i = parseIsisInterfaces({
      areas: [
        {
          area: "lab",
          circuits: [
            {
              interface: {
                name: "eth1",
                state: "Up",
                "is-passive": "active",
                type: "p2p",
                level: "L2",
                levels: [{ level: "L2", metric: 30 }],
              },
            },
          ],
        },
      ],
    });
    assert.deepEqual(i, [
      {
        ifname: "eth1",
        passive: false,
        loopback: false,
        up: true,
        circuitType: "L2",
        type: "p2p",
        metrics: { L2: 30 },
      },
    ]);
    const s = parseIsisSummary({
      "system-id": "0102.5500.0001",
      areas: [{ area: "lab", net: "49.0001.0102.5500.0001.00", levels: [{ id: 2 }, { id: 1 }] }],
    });
    assert.deepEqual(s, { systemId: "0102.5500.0001", nets: ["49.0001.0102.5500.0001.00"], levels: [1, 2] });
  });
});

describe("OSPF interfaces as the views show them", () => {
  test("area, own role, network type, cost and the segment's DR/BDR (v2 and v3 in the same words)", () => {
    const v2 = parseOspfInterfaces({
      interfaces: {
        eth1: {
          area: "0.0.0.0",
          state: "DR",
          networkType: "BROADCAST",
          drId: "10.255.0.3",
          bdrId: "10.255.0.2",
          cost: 10,
        },
        eth2: { area: "0.0.0.1", state: "Point-To-Point", networkType: "POINTOPOINT", cost: 10 },
      },
    });
    assert.deepEqual(
      v2.map((i) => [i.ifname, i.area, i.role, i.networkType, i.cost, i.dr, i.bdr]),
      [
        ["eth1", "0.0.0.0", "DR", "broadcast", 10, "10.255.0.3", "10.255.0.2"],
        ["eth2", "0.0.0.1", "Point-To-Point", "point-to-point", 10, undefined, undefined],
      ],
    );
    // ospf6d 8.4: type stays BROADCAST on a point-to-point interface; BDR is Backup.
    const v3 = parseOspf6Interfaces({
      eth1: {
        type: "BROADCAST",
        areaId: "0.0.0.0",
        ospf6InterfaceState: "BDR",
        dr: "10.255.0.3",
        bdr: "10.255.0.2",
        cost: 10,
      },
      eth2: {
        type: "BROADCAST",
        areaId: "0.0.0.1",
        ospf6InterfaceState: "PointToPoint",
        dr: "0.0.0.0",
        bdr: "0.0.0.0",
        cost: 10,
      },
    });
    assert.deepEqual(
      v3.map((i) => [i.ifname, i.area, i.role, i.networkType, i.dr, i.bdr]),
      [
        ["eth1", "0.0.0.0", "Backup", "broadcast", "10.255.0.3", "10.255.0.2"],
        ["eth2", "0.0.0.1", "Point-To-Point", "point-to-point", undefined, undefined],
      ],
    );
  });
});

describe("protocols read back from the running config", () => {
  test("BGP with its AS, OSPF with its areas (v2 and v3), IS-IS with its level, static routes, BFD", () => {
    const text = `frr version 8.4
hostname r3
ip route 10.9.0.0/16 Null0
interface eth1
 ip ospf area 0.0.0.0
 ipv6 ospf6 area 0.0.0.0
exit
interface eth2
 ip ospf area 0.0.0.1
exit
router bgp 65003
 neighbor 10.0.0.1 remote-as 65001
exit
router ospf
 network 10.5.0.0/24 area 0.0.0.2
exit
router ospf6
exit
router isis lab
 is-type level-2-only
exit
bfd
exit
`;
    assert.deepEqual(parseRunningProtocols(text), [
      { name: "bgp", detail: "AS65003" },
      { name: "ospf", detail: "area 0.0.0.0, 0.0.0.1, 0.0.0.2" },
      { name: "isis", detail: "level-2" },
      { name: "static" },
      { name: "bfd" },
    ]);
  });

  test("a daemon that runs without a section adds nothing; IS-IS without is-type runs both levels", () => {
    assert.deepEqual(parseRunningProtocols("frr version 8.4\nhostname r1\n!\n"), []);
    assert.deepEqual(parseRunningProtocols("router isis x\n net 49.0001.0000.0000.0001.00\nexit\n"), [
      { name: "isis", detail: "level-1-2" },
    ]);
  });
});
