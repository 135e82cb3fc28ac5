// Our frr-reload (stacks/frr/reload.ts): the running config against the wanted one, as the
// vtysh lines that change only what differs, in the right contexts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { frrConfigDiff, negate, parseFrrConfig } from "../../src/stacks/frr/reload.js";

// As `show running-config` prints it (FRR 8.4), header included.
const RUNNING = `Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults datacenter
hostname r1
log file /run/wirelab/labs/x/nodes/r1/log/frr.log informational
hostname vm
!
ip route 10.99.0.0/24 Null0
!
interface 1
 description to r2
exit
!
router bgp 65001
 bgp router-id 10.0.0.1
 coalesce-time 100
 neighbor 10.0.0.2 remote-as 65002
 neighbor 10.0.0.2 description r2
 neighbor 10.0.0.2 timers connect 1
 neighbor 10.0.1.2 remote-as 65003
 neighbor 10.0.1.2 description r3
 !
 address-family ipv4 unicast
  network 192.168.1.0/24
  neighbor 10.0.1.2 route-map IN in
 exit-address-family
 !
 address-family ipv6 unicast
  neighbor 10.0.0.2 activate
 exit-address-family
exit
!
route-map IN permit 10
exit
!
end
`;

describe("FRR config diff", () => {
  test("the same config, as FRR prints it and as wirelab renders it, has no difference", () => {
    const rendered = `frr defaults datacenter
hostname r1
!
! written by wirelab
ip route 10.99.0.0/24 Null0
interface 1
 description to r2
!
router bgp 65001
 bgp router-id 10.0.0.1
 coalesce-time 100
 neighbor 10.0.0.2 remote-as 65002
 neighbor 10.0.0.2   description r2
 neighbor 10.0.0.2 timers connect 1
 neighbor 10.0.1.2 remote-as 65003
 neighbor 10.0.1.2 description r3
 address-family ipv4 unicast
  network 192.168.1.0/24
  neighbor 10.0.1.2 route-map IN in
 exit-address-family
 address-family ipv6 unicast
  neighbor 10.0.0.2 activate
 exit-address-family
!
route-map IN permit 10
!
`;
    const d = frrConfigDiff(RUNNING, rendered);
    assert.equal(d.text, "");
  });

  test("parses nested contexts, with or without indentation and exits", () => {
    const tree = parseFrrConfig(
      "router bgp 1\nneighbor 1.1.1.1 remote-as 2\naddress-family ipv4 unicast\nnetwork 1.0.0.0/8\naddress-family ipv6 unicast\nnetwork ::/0\nip route 1.2.3.0/24 Null0\n",
    );
    assert.deepEqual(
      tree.map((n) => n.line),
      ["router bgp 1", "ip route 1.2.3.0/24 Null0"],
    );
    const bgp = tree[0];
    assert.deepEqual(
      bgp?.children.map((n) => [n.line, n.children.map((c) => c.line)]),
      [
        ["neighbor 1.1.1.1 remote-as 2", []],
        ["address-family ipv4 unicast", ["network 1.0.0.0/8"]],
        ["address-family ipv6 unicast", ["network ::/0"]],
      ],
    );
  });

  test("a line added inside an address family is entered through router bgp and the family", () => {
    const wanted = RUNNING.replace(
      "  network 192.168.1.0/24\n",
      "  network 192.168.1.0/24\n  network 192.168.2.0/24\n",
    );
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.added, [
      "router bgp 65001",
      " address-family ipv4 unicast",
      "  network 192.168.2.0/24",
      " exit",
      "exit",
    ]);
  });

  test("a new route-map is defined before the neighbor line that uses it; policy changes are flagged", () => {
    // FRR reads `neighbor X route-map OUT out` before OUT exists as deny-all, and sees OUT
    // defined later only when its route-map delay timer fires.
    const wanted = RUNNING.replace(
      "  neighbor 10.0.1.2 route-map IN in\n",
      "  neighbor 10.0.1.2 route-map IN in\n  neighbor 10.0.0.2 route-map OUT out\n",
    ).replace(
      "route-map IN permit 10\nexit\n",
      "route-map IN permit 10\nexit\n!\nroute-map OUT permit 10\n set metric 5\nexit\n",
    );
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.added, [
      "route-map OUT permit 10",
      " set metric 5",
      "exit",
      "router bgp 65001",
      " address-family ipv4 unicast",
      "  neighbor 10.0.0.2 route-map OUT out",
      " exit",
      "exit",
    ]);
    assert.equal(d.policyChanged, true);
    // A network added changes no policy.
    assert.equal(
      frrConfigDiff(RUNNING, RUNNING.replace("network 192.168.1.0/24", "network 192.168.9.0/24")).policyChanged,
      false,
    );
    // A route-map's entry changed is a policy change too.
    assert.equal(
      frrConfigDiff(
        RUNNING,
        RUNNING.replace("route-map IN permit 10\n", "route-map IN permit 10\n set local-preference 90\n"),
      ).policyChanged,
      true,
    );
  });

  test("a removed line becomes its no form in its context; a changed line is removed then added", () => {
    const wanted = RUNNING.replace("  network 192.168.1.0/24\n", "").replace(
      " bgp router-id 10.0.0.1\n",
      " bgp router-id 10.0.0.9\n",
    );
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, [
      "router bgp 65001",
      " no bgp router-id 10.0.0.1",
      " address-family ipv4 unicast",
      "  no network 192.168.1.0/24",
      " exit",
      "exit",
    ]);
    assert.deepEqual(d.added, ["router bgp 65001", " bgp router-id 10.0.0.9", "exit"]);
    // Removals first: vtysh sees the old router-id go before the new one comes.
    assert.ok(d.text.indexOf("no bgp router-id") < d.text.indexOf("bgp router-id 10.0.0.9"));
  });

  test("a neighbor removed: one `no neighbor X remote-as`, none of its other lines (FRR would refuse them)", () => {
    const wanted = RUNNING.replace(/ neighbor 10\.0\.1\.2 .*\n/g, "").replace(
      "  neighbor 10.0.1.2 route-map IN in\n",
      "",
    );
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, ["router bgp 65001", " no neighbor 10.0.1.2 remote-as 65003", "exit"]);
    assert.deepEqual(d.added, []);
  });

  test("a neighbor's remote-as changed: the new line alone redefines it", () => {
    const wanted = RUNNING.replace("neighbor 10.0.1.2 remote-as 65003", "neighbor 10.0.1.2 remote-as 65009");
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.added, ["router bgp 65001", " neighbor 10.0.1.2 remote-as 65009", "exit"]);
  });

  test("a whole context removed is `no <context>`; an interface loses its lines instead", () => {
    const wanted = RUNNING.replace("route-map IN permit 10\nexit\n", "").replace(
      "interface 1\n description to r2\nexit\n",
      "",
    );
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, ["interface 1", " no description to r2", "exit", "no route-map IN permit 10"]);
  });

  test("a new router bgp with its families is added whole; the old AS removed", () => {
    const wanted = RUNNING.replace(
      /router bgp 65001[\s\S]*?\nexit\n/,
      "router bgp 65009\n neighbor 10.0.0.2 remote-as 65002\n address-family ipv4 unicast\n  network 10.9.0.0/16\n exit-address-family\nexit\n",
    );
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, ["no router bgp 65001"]);
    assert.deepEqual(d.added, [
      "router bgp 65009",
      " neighbor 10.0.0.2 remote-as 65002",
      " address-family ipv4 unicast",
      "  network 10.9.0.0/16",
      " exit",
      "exit",
    ]);
  });

  test("an address family removed loses its lines (FRR has no `no address-family`)", () => {
    const wanted = RUNNING.replace(/ address-family ipv6 unicast\n[^!]*?exit-address-family\n/, "");
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, [
      "router bgp 65001",
      " address-family ipv6 unicast",
      "  no neighbor 10.0.0.2 activate",
      " exit",
      "exit",
    ]);
  });

  test("top-level lines: a static route changed; FRR's own lines (version, hostname, log) never touched", () => {
    const wanted = RUNNING.replace("ip route 10.99.0.0/24 Null0", "ip route 10.98.0.0/24 Null0")
      .replace("frr version 8.4.4\n", "")
      .replace(/hostname .*\n/g, "")
      .replace(/log file .*\n/, "");
    const d = frrConfigDiff(RUNNING, wanted);
    assert.deepEqual(d.removed, ["no ip route 10.99.0.0/24 Null0"]);
    assert.deepEqual(d.added, ["ip route 10.98.0.0/24 Null0"]);
  });

  test("negate", () => {
    assert.equal(negate("bgp bestpath as-path multipath-relax"), "no bgp bestpath as-path multipath-relax");
    assert.equal(negate("no bgp ebgp-requires-policy"), "bgp ebgp-requires-policy");
  });

  test("IPv4 lines written under router bgp (old style) match FRR's address family: no withdraw and re-announce", () => {
    const running =
      "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n !\n address-family ipv4 unicast\n  network 192.168.1.0/24\n  neighbor 10.0.0.2 route-map IN in\n exit-address-family\nexit\n";
    const same =
      "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n network 192.168.1.0/24\n neighbor 10.0.0.2 route-map IN in\n!\n";
    assert.equal(frrConfigDiff(running, same).text, "");
    const more = same.replace(" network 192.168.1.0/24\n", " network 192.168.1.0/24\n network 192.168.2.0/24\n");
    assert.deepEqual(frrConfigDiff(running, more).added, [
      "router bgp 65001",
      " address-family ipv4 unicast",
      "  network 192.168.2.0/24",
      " exit",
      "exit",
    ]);
    assert.deepEqual(frrConfigDiff(running, more).removed, []);
  });

  test("IS-IS: lsp-gen-interval as FRR prints it (lsp-timers with the defaults) is the same line", () => {
    const running =
      "router isis lab\n lsp-timers gen-interval 1 refresh-interval 900 max-lifetime 1200\n net 49.0001.0000.0000.0001.00\nexit\n";
    const wanted = "router isis lab\n lsp-gen-interval 1\n net 49.0001.0000.0000.0001.00\n!\n";
    assert.deepEqual(frrConfigDiff(running, wanted).removed, []);
    assert.deepEqual(frrConfigDiff(running, wanted.replace("gen-interval 1", "gen-interval 2")).removed, [
      "router isis lab",
      " no lsp-gen-interval 1",
      "exit",
    ]);
  });
});
