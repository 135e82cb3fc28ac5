// BIRD's state as the stack reads it: the control-socket protocol (against a fake BIRD on a
// unix socket), and `show protocols all` / `show route all` as captured from BIRD 2.0.12 in
// a lab (test/fixtures/bird/: r1, r2 on BIRD in AS 65001 with iBGP over IPv4 and IPv6, r3 on
// FRR in AS 65003), parsed into the types checks and the web view use.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { toBfdPeer } from "../../src/stacks/bird/bfd.js";
import { birdCommand, birdShow, parseReply } from "../../src/stacks/bird/control.js";
import { toOspfInterfaces, toOspfNeighbors } from "../../src/stacks/bird/ospf.js";
import {
  parseBfdSessions,
  parseOspfInterfaces,
  parseOspfNeighbors,
  parseProtocols,
  parseRoutes,
  sinceMs,
} from "../../src/stacks/bird/parse.js";
import { formatUptime, learnedPath, localPath, toPeer } from "../../src/stacks/bird/query.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/bird/", import.meta.url));
const fixture = (name: string) => parseReply(readFileSync(path.join(FIXTURES, name), "utf8")).lines;

describe("the control-socket protocol", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wirelab-birdc-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A fake BIRD: greets, then answers each command with `reply(cmd)`, written in small pieces. */
  function fakeBird(name: string, reply: (cmd: string) => string): Promise<string> {
    const sock = path.join(dir, name);
    const server = net.createServer((c) => {
      c.write("0001 BIRD 2.0.12 ready.\n");
      c.on("data", (d) => {
        const out = reply(d.toString().trim());
        for (let i = 0; i < out.length; i += 7) c.write(out.slice(i, i + 7));
      });
    });
    after(() => server.close());
    return new Promise((resolve) => server.listen(sock, () => resolve(sock)));
  }

  test("reply lines keep their codes; continuation lines take the code before them", () => {
    const r = parseReply("1007-Table master4:\n 10.0.0.0/8 unicast\n1008-\tType: BGP\n0000 \n");
    assert.equal(r.done, true);
    assert.deepEqual(r.lines, [
      { code: 1007, text: "Table master4:" },
      { code: 1007, text: "10.0.0.0/8 unicast" },
      { code: 1008, text: "\tType: BGP" },
      { code: 0, text: "" },
    ]);
    assert.equal(parseReply("1007-Table master4:\n").done, false);
  });

  test("a command gets its whole reply, however it arrives; birdShow prints it as birdc does", async () => {
    const sock = await fakeBird("ok.ctl", (cmd) =>
      cmd === "show status"
        ? "1000-BIRD 2.0.12\n1011-Router ID is 10.0.0.1\n Current server time is x\n0013 Daemon is up and running\n"
        : "2002-Name Proto\n1002-bgp1 BGP\n0000 \n",
    );
    assert.equal(await birdShow(sock, "show protocols"), "Name Proto\nbgp1 BGP\n");
    const status = await birdCommand(sock, "show status");
    assert.deepEqual(status.at(-1), { code: 13, text: "Daemon is up and running" });
    assert.equal(status[2]?.text, "Current server time is x");
  });

  test("BIRD's refusal and a missing BIRD are errors that say so", async () => {
    const sock = await fakeBird("err.ctl", () => "9001 syntax error, unexpected CF_SYM_UNDEFINED\n");
    await assert.rejects(birdCommand(sock, "show nonsense"), /BIRD refused 'show nonsense': syntax error/);
    await assert.rejects(birdCommand(path.join(dir, "none.ctl"), "show status"), /bird is not running/);
    assert.throws(() => birdCommand(sock, "show status\nshutdown"), /one line/);
  });
});

describe("show protocols all", () => {
  const protos = parseProtocols(fixture("r2-show-protocols-all.txt"));

  test("every protocol with its state and channels", () => {
    assert.deepEqual(
      protos.map((p) => `${p.name}/${p.proto}/${p.state}`),
      [
        "device1/Device/up",
        "kernel4/Kernel/up",
        "kernel6/Kernel/up",
        "direct1/Direct/up",
        "bgp_r1/BGP/up",
        "bgp_r3/BGP/up",
        "bgp_r3_v6/BGP/up",
        "bgp_r1_v6/BGP/up",
      ],
    );
    const k4 = protos.find((p) => p.name === "kernel4");
    assert.deepEqual(
      k4?.channels.map((c) => [c.name, c.state, c.table, c.imported, c.exported]),
      [["ipv4", "UP", "master4", 0, 2]],
    );
    assert.equal(k4?.channels[0]?.updates.length, 20);
  });

  test("BGP sessions: neighbor, AS numbers, iBGP or eBGP", () => {
    const r1 = protos.find((p) => p.name === "bgp_r1");
    assert.deepEqual(r1?.bgp && { ...r1.bgp, lastError: undefined }, {
      state: "Established",
      neighborAddress: "10.0.12.1",
      neighborAs: 65001,
      localAs: 65001,
      neighborId: "10.255.0.1",
      internal: true,
      sourceAddress: "10.0.12.2",
      lastError: undefined,
    });
    assert.equal(protos.find((p) => p.name === "bgp_r3_v6")?.bgp?.internal, false);
    assert.equal(r1?.description, "r1");
  });

  test("as the seam's BgpPeer", () => {
    const p = protos.find((x) => x.name === "bgp_r3");
    assert.ok(p);
    const since = sinceMs(p.since) as number;
    const peer = toPeer(p, new Date(since + 3_723_000));
    assert.equal(peer.address, "10.0.23.3");
    assert.equal(peer.remoteAs, 65003);
    assert.equal(peer.established, true);
    assert.equal(peer.uptime, "01:02:03");
    assert.equal(peer.pfxRcd, p.channels[0]?.imported);
    assert.deepEqual(Object.keys(peer.families), ["ipv4"]);
    const down = toPeer({ ...p, state: "down", bgp: { ...(p.bgp as NonNullable<typeof p.bgp>), state: "Down" } });
    assert.equal(down.state, "Idle (Admin)");
  });
});

describe("show route all", () => {
  test("IPv4: an iBGP route with an unresolved next hop, connected and static routes", () => {
    const routes = parseRoutes(fixture("r1-show-route-all-master4.txt"));
    assert.deepEqual(
      routes.map((r) => [r.net, r.type, r.proto, r.source, r.primary, r.preference]),
      [
        ["10.3.0.0/24", "unreachable", "bgp_r2", "BGP", true, 100],
        ["10.255.0.1/32", "unicast", "direct1", "device", true, 240],
        ["10.0.12.0/24", "unicast", "direct1", "device", true, 240],
        ["10.99.0.0/16", "unicast", "static4", "static", true, 200],
      ],
    );
    assert.equal(routes[0]?.since, "01:54:37.854");
    assert.equal(routes[0]?.attrs["BGP.as_path"], "65003");
    assert.deepEqual(routes[3]?.nexthops, [{ via: "10.0.12.2", dev: "e1" }]);
    assert.deepEqual(routes[1]?.nexthops, [{ dev: "lo" }]);
  });

  test("IPv6: a second route for a net, an empty AS path, global and link-local next hops", () => {
    const routes = parseRoutes(fixture("r2-show-route-all-master6.txt"));
    const twelve = routes.filter((r) => r.net === "2001:db8:12::/64");
    assert.deepEqual(
      twelve.map((r) => [r.proto, r.primary]),
      [
        ["direct1", true],
        ["bgp_r1_v6", false],
      ],
    );
    assert.equal(twelve[1]?.attrs["BGP.as_path"], "");
    const from = { name: "bgp_r3_v6", bgp: { neighborAddress: "2001:db8:23::3", internal: false } };
    const r3 = routes.find((r) => r.net === "2001:db8:3::/64");
    assert.ok(r3);
    const p = learnedPath(r3, from as Parameters<typeof learnedPath>[1]);
    assert.equal(p.aspath, "65003");
    assert.equal(p.origin, "IGP");
    assert.equal(p.pathFrom, "external");
    assert.equal(p.peerId, "2001:db8:23::3");
    assert.equal(p.metric, 0);
    assert.deepEqual(
      p.nexthops.map((n) => [n.ip, n.scope, n.used]),
      [
        ["2001:db8:23::3", "global", true],
        ["fe80::b037:9eff:feb4:6cb9", "link-local", false],
      ],
    );
  });

  test("the node's own announced routes read as FRR's local paths", () => {
    const [direct] = parseRoutes(fixture("r2-show-route-all-master6.txt"));
    assert.ok(direct);
    assert.deepEqual(localPath(direct, "ipv6"), {
      valid: true,
      bestpath: true,
      multipath: false,
      aspath: "",
      origin: "IGP",
      peerId: "(unspec)",
      nexthops: [{ ip: "::", used: true }],
    });
  });
});

test("times: BIRD's long and short formats, uptimes as FRR prints them", () => {
  const now = new Date(2026, 11, 2, 10, 0, 0);
  assert.equal(sinceMs("2026-12-02 09:59:58.500", now), now.getTime() - 1500);
  assert.equal(sinceMs("09:00:00", now), now.getTime() - 3_600_000);
  // A time of day later than now was yesterday.
  assert.equal(sinceMs("11:00:00.000", now), now.getTime() - 23 * 3_600_000);
  assert.equal(sinceMs("2026-12-01"), undefined);
  assert.equal(formatUptime(59_000), "00:00:59");
  assert.equal(formatUptime(90_061_000), "1d01h01m");
  assert.equal(formatUptime(8 * 86_400_000 + 3_600_000), "1w1d01h");
});

// Captured from BIRD 2.0.12 on r1 of a LAN of four BIRD routers (10.9.0.0/24, r4 DR, r3 BDR,
// r1 and r2 DROthers) with a passive port s1.
describe("show ospf neighbors / interface", () => {
  const nbrs = parseOspfNeighbors(fixture("r1-show-ospf-neighbors.txt"));
  const ifaces = parseOspfInterfaces(fixture("r1-show-ospf-interface.txt"));

  test("neighbors per protocol, with state and the neighbor's role", () => {
    assert.deepEqual(
      nbrs.map((n) => `${n.protocol} ${n.routerId} ${n.state}/${n.role} ${n.ifname} ${n.address}`),
      [
        "ospf4 10.255.9.2 2-Way/Other 1 10.9.0.2",
        "ospf4 10.255.9.4 Full/DR 1 10.9.0.4",
        "ospf4 10.255.9.3 Full/BDR 1 10.9.0.3",
      ],
    );
  });

  test("interfaces: this router's role, and the passive one (stub)", () => {
    assert.deepEqual(
      ifaces.map((i) => [i.protocol, i.ifname, i.type, i.area, i.state, i.stub]),
      [
        ["ospf4", "1", "broadcast", "0.0.0.0", "DROther", false],
        ["ospf4", "s1", "broadcast", "0.0.0.0", "Waiting", true],
      ],
    );
  });

  test("as the seam's OspfNeighbor: 2-Way between two DROthers is as far as it goes", () => {
    const seen = toOspfNeighbors(nbrs, ifaces, new Map([["ospf4", 4]]));
    assert.deepEqual(
      seen.map((n) => [n.family, n.routerId, n.address, n.state, n.role, n.up]),
      [
        [4, "10.255.9.2", "10.9.0.2", "2-Way", "DROther", true],
        [4, "10.255.9.4", "10.9.0.4", "Full", "DR", true],
        [4, "10.255.9.3", "10.9.0.3", "Full", "Backup", true],
      ],
    );
    // Were r1 the DR, 2-Way with a DROther would be a neighbor still on its way to Full.
    const asDr = ifaces.map((i) => (i.ifname === "1" ? { ...i, state: "DR" } : i));
    assert.equal(toOspfNeighbors(nbrs, asDr)[0]?.up, false);
    // OSPFv3 neighbors are known by router id: no address.
    const v3 = toOspfNeighbors([{ ...(nbrs[1] as (typeof nbrs)[number]), protocol: "ospf6", address: "fe80::1" }], []);
    assert.deepEqual([v3[0]?.family, v3[0]?.address], [6, undefined]);
    assert.deepEqual(
      toOspfInterfaces(ifaces, new Map([["ospf4", 4]])).map((i) => [i.ifname, i.passive, i.role]),
      [
        ["1", false, "DROther"],
        ["s1", true, "Waiting"],
      ],
    );
  });
});

// Captured on r1 (BIRD) with BFD to r2 (FRR, single hop on e1) and r3 (BIRD, iBGP multihop).
test("show bfd sessions: single-hop and multihop sessions as the seam's BfdPeer", () => {
  const sessions = parseBfdSessions(fixture("r1-show-bfd-sessions.txt"));
  assert.deepEqual(
    sessions.map((s) => [s.protocol, s.address, s.ifname, s.state, s.intervalS, s.timeoutS]),
    [
      ["wl_bfd", "10.1.13.3", undefined, "Up", 0.1, 0.5],
      ["wl_bfd", "10.1.12.2", "e1", "Up", 0.3, 0.9],
    ],
  );
  const now = new Date(2026, 11, 2, 4, 27, 41, 45);
  assert.deepEqual(toBfdPeer(sessions[1] as (typeof sessions)[number], now), {
    peer: "10.1.12.2",
    interface: "e1",
    status: "up",
    up: true,
    multihop: false,
    uptimeS: 60,
  });
  const down = toBfdPeer({ ...(sessions[0] as (typeof sessions)[number]), state: "Down" }, now);
  assert.deepEqual([down.up, down.multihop, down.uptimeS], [false, true, undefined]);
});
