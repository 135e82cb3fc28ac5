// Parsers of FRR's JSON and of vtysh's error lines, on output captured from FRR 8.4.4.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseVtyshErrors } from "../../src/stacks/frr/check.js";
import { parseBgpRoutes, parseBgpSummary, parseIpRoutes } from "../../src/stacks/frr/state.js";
import { cleanStderr, withJson } from "../../src/stacks/frr/vtysh.js";

// `show bgp summary json` on ops1 (datacenter profile), an IPv4 and an IPv6 neighbor to ops2.
const SUMMARY = {
  ipv4Unicast: {
    routerId: "192.168.101.1",
    as: 65001,
    vrfId: 0,
    vrfName: "default",
    peerCount: 2,
    peers: {
      "192.168.101.2": {
        hostname: "ops2",
        remoteAs: 65002,
        localAs: 65001,
        version: 4,
        msgRcvd: 7,
        msgSent: 8,
        peerUptime: "00:00:01",
        peerUptimeMsec: 1000,
        peerUptimeEstablishedEpoch: 1795817422,
        pfxRcd: 1,
        pfxSnt: 1,
        state: "Established",
        peerState: "OK",
        connectionsEstablished: 1,
        connectionsDropped: 0,
        idType: "ipv4",
      },
      "2001:db8:101::2": {
        hostname: "ops2",
        remoteAs: 65002,
        localAs: 65001,
        peerUptime: "00:00:01",
        peerUptimeMsec: 1000,
        pfxRcd: 1,
        pfxSnt: 1,
        state: "Established",
        peerState: "OK",
        idType: "ipv6",
      },
    },
    failedPeers: 0,
    displayedPeers: 2,
    totalPeers: 2,
  },
  ipv6Unicast: {
    routerId: "192.168.101.1",
    as: 65001,
    peers: {
      "2001:db8:101::2": {
        hostname: "ops2",
        remoteAs: 65002,
        localAs: 65001,
        peerUptime: "00:00:01",
        peerUptimeMsec: 1000,
        pfxRcd: 2,
        pfxSnt: 1,
        state: "Established",
        peerState: "OK",
        idType: "ipv6",
      },
    },
  },
};

describe("parseBgpSummary", () => {
  test("one peer per address, families merged", () => {
    const peers = parseBgpSummary(SUMMARY);
    assert.deepEqual(
      peers.map((p) => [p.address, p.state, p.remoteAs, p.pfxRcd, Object.keys(p.families)]),
      [
        ["192.168.101.2", "Established", 65002, 1, ["ipv4Unicast"]],
        ["2001:db8:101::2", "Established", 65002, 3, ["ipv4Unicast", "ipv6Unicast"]],
      ],
    );
    const p = peers[0];
    assert.ok(p);
    assert.equal(p.established, true);
    assert.equal(p.policyBlocked, false);
    assert.equal(p.uptime, "00:00:01");
    assert.equal(p.uptimeMsec, 1000);
    assert.equal(p.hostname, "ops2");
    assert.equal(p.localAs, 65001);
  });

  test("(Policy): Established but nothing exchanged (traditional profile, no policy)", () => {
    const [p] = parseBgpSummary({
      ipv4Unicast: {
        peers: {
          "192.168.101.2": { remoteAs: 65002, pfxRcd: 0, pfxSnt: 0, state: "Established", peerState: "Policy" },
        },
      },
    });
    assert.equal(p?.policyBlocked, true);
  });

  test("idle and admin-down peers; no BGP instance", () => {
    const [p] = parseBgpSummary({
      ipv4Unicast: {
        peers: { "10.0.0.2": { remoteAs: 2, state: "Idle (Admin)", peerState: "Admin", peerUptime: "never" } },
      },
    });
    assert.equal(p?.established, false);
    assert.equal(p?.state, "Idle (Admin)");
    assert.deepEqual(parseBgpSummary({}), []);
  });
});

describe("parseBgpRoutes", () => {
  // `show ip bgp json` on ops1 after ops2 announced the shared subnet too.
  const TABLE = {
    vrfId: 0,
    vrfName: "default",
    tableVersion: 1,
    routerId: "192.168.101.1",
    defaultLocPrf: 100,
    localAS: 65001,
    routes: {
      "192.168.101.0/24": [
        {
          valid: true,
          pathFrom: "external",
          prefix: "192.168.101.0",
          prefixLen: 24,
          network: "192.168.101.0/24",
          metric: 0,
          weight: 0,
          peerId: "192.168.101.2",
          path: "65002",
          origin: "IGP",
          nexthops: [{ ip: "192.168.101.2", hostname: "ops2", afi: "ipv4", used: true }],
        },
        {
          valid: true,
          bestpath: true,
          selectionReason: "Weight",
          pathFrom: "external",
          metric: 0,
          weight: 32768,
          peerId: "(unspec)",
          path: "",
          origin: "IGP",
          nexthops: [{ ip: "0.0.0.0", hostname: "ops1", afi: "ipv4", used: true }],
        },
      ],
      "192.168.102.0/24": [
        {
          valid: true,
          bestpath: true,
          pathFrom: "external",
          peerId: "192.168.101.2",
          path: "65002 65003",
          origin: "IGP",
          nexthops: [{ ip: "192.168.101.2", hostname: "ops2", afi: "ipv4", used: true }],
        },
      ],
    },
  };

  test("paths by prefix with best path, AS path and next hops", () => {
    const routes = parseBgpRoutes(TABLE);
    assert.deepEqual(Object.keys(routes), ["192.168.101.0/24", "192.168.102.0/24"]);
    const local = routes["192.168.101.0/24"]?.find((p) => p.bestpath);
    assert.equal(local?.aspath, "");
    assert.equal(local?.peerId, "(unspec)");
    const remote = routes["192.168.102.0/24"]?.[0];
    assert.ok(remote);
    assert.equal(remote.bestpath, true);
    assert.equal(remote.aspath, "65002 65003");
    assert.deepEqual(
      remote.nexthops.map((n) => [n.ip, n.used]),
      [["192.168.101.2", true]],
    );
    assert.equal(routes["192.168.101.0/24"]?.[0]?.bestpath, false);
  });

  test("IPv6: global and link-local next hops", () => {
    const routes = parseBgpRoutes({
      routes: {
        "2001:db8:101::/64": [
          {
            valid: true,
            bestpath: true,
            path: "65002",
            nexthops: [
              { ip: "2001:db8:101::2", hostname: "ops2", afi: "ipv6", scope: "global" },
              { ip: "fe80::3ca4:dcff:fefc:ce13", hostname: "ops2", afi: "ipv6", scope: "link-local", used: true },
            ],
          },
        ],
      },
    });
    assert.deepEqual(
      routes["2001:db8:101::/64"]?.[0]?.nexthops.map((n) => [n.scope, n.used]),
      [
        ["global", false],
        ["link-local", true],
      ],
    );
  });

  test("no BGP instance: empty", () => {
    assert.deepEqual(parseBgpRoutes({ warning: "Default BGP instance not found" }), {});
    assert.deepEqual(parseBgpRoutes({ routes: {} }), {});
  });
});

describe("parseIpRoutes", () => {
  test("zebra's RIB", () => {
    const rib = parseIpRoutes({
      "192.168.101.0/24": [
        {
          prefix: "192.168.101.0/24",
          prefixLen: 24,
          protocol: "connected",
          vrfId: 0,
          selected: true,
          destSelected: true,
          distance: 0,
          metric: 0,
          installed: true,
          table: 254,
          uptime: "00:00:08",
          nexthops: [
            { flags: 3, fib: true, directlyConnected: true, interfaceIndex: 2, interfaceName: "1", active: true },
          ],
        },
      ],
      "10.0.0.0/24": [
        {
          prefix: "10.0.0.0/24",
          protocol: "bgp",
          selected: true,
          installed: true,
          distance: 20,
          metric: 0,
          nexthops: [{ flags: 3, fib: true, ip: "192.168.101.1", afi: "ipv4", interfaceName: "1", active: true }],
        },
      ],
    });
    assert.equal(rib["192.168.101.0/24"]?.[0]?.protocol, "connected");
    assert.equal(rib["192.168.101.0/24"]?.[0]?.nexthops[0]?.directlyConnected, true);
    const bgp = rib["10.0.0.0/24"]?.[0];
    assert.deepEqual(
      [bgp?.protocol, bgp?.distance, bgp?.installed, bgp?.nexthops[0]?.ip],
      ["bgp", 20, true, "192.168.101.1"],
    );
  });
});

describe("vtysh error lines", () => {
  test("vtysh -C output, exactly as FRR 8.4 prints it", () => {
    const stderr =
      "line 2: % Command incomplete[25]:  neighbor 1.2.3.4 remote-as\n\n" +
      "line 4: % Unknown command[25]: ip route 1.2.3.4/33 1.1.1.1\n" +
      "line 6: % Unknown command[25]:  network 10.0.0.0/8 foo\n";
    assert.deepEqual(parseVtyshErrors(stderr), [
      { line: 2, text: "neighbor 1.2.3.4 remote-as", message: "% Command incomplete" },
      { line: 4, text: "ip route 1.2.3.4/33 1.1.1.1", message: "% Unknown command" },
      { line: 6, text: "network 10.0.0.0/8 foo", message: "% Unknown command" },
    ]);
  });

  test("the file's own line wins over vtysh's echo", () => {
    const errors = parseVtyshErrors("line 2: % Unknown command[4]: bogus: x\n", "hostname a\n  bogus: x  \n");
    assert.deepEqual(errors, [{ line: 2, text: "bogus: x", message: "% Unknown command" }]);
  });

  test("vtysh -f against running daemons: a daemon refused a line; warnings", () => {
    const stderr =
      "% Can't open configuration file /etc/frr/wl_x_r1/vtysh.conf due to 'No such file or directory'.\n" +
      "line 3: Failure to communicate[13] to bgpd, line:  neighbor 1.1.1.1 update-source 1.2.3.4\n\n" +
      "line 5: Warning[4]...: hostname x\n";
    assert.deepEqual(parseVtyshErrors(stderr), [
      { line: 3, text: "neighbor 1.1.1.1 update-source 1.2.3.4", message: "Failure to communicate to bgpd" },
      { line: 5, text: "hostname x", message: "Warning" },
    ]);
  });

  test("stderr noise and json suffix", () => {
    assert.equal(
      cleanStderr(
        "% Can't open configuration file /etc/frr/wl_x_r1/vtysh.conf due to 'No such file or directory'.\nbgpd is not running\n",
      ),
      "bgpd is not running",
    );
    assert.equal(withJson("show ip bgp"), "show ip bgp json");
    assert.equal(withJson("show ip bgp json"), "show ip bgp json");
    assert.equal(withJson("show bgp summary json "), "show bgp summary json");
  });
});
