import assert from "node:assert/strict";
import { test } from "node:test";
import { buildLabPlan } from "../../src/core/lifecycle/plan.js";
import type { Lab } from "../../src/core/model.js";
import { renderPlan } from "../../src/core/plan.js";

/** Prepared configs as the FRR stack hands them over (rendering is tested elsewhere). */
const configs = (text: string) => new Map([["r1", { node: "r1", text, warnings: [] }]]);

const lab: Lab = {
  name: "p",
  nodes: [
    {
      name: "r1",
      kind: "frr",
      role: "router",
      ports: [
        {
          node: "r1",
          name: "Ethernet1/1",
          ifname: "Ethernet1_1",
          addresses: ["10.0.0.1/31", "2001:db8::1/64"],
          link: 0,
          peer: { node: "h1", port: "eth0" },
        },
      ],
      loopback: ["10.255.0.1/32"],
      forwarding: true,
      intents: {},
      stack: {
        name: "frr",
        options: { profile: "datacenter", ebgpRequiresPolicy: false, daemons: ["zebra", "staticd", "bgpd"] },
      },
      runtime: { name: "netns" },
      subnets: [],
    },
    {
      name: "h1",
      kind: "linux",
      role: "host",
      ports: [
        {
          node: "h1",
          name: "eth0",
          ifname: "eth0",
          addresses: ["10.0.0.0/31"],
          link: 0,
          peer: { node: "r1", port: "Ethernet1/1" },
        },
      ],
      loopback: [],
      forwarding: false,
      intents: { static: [{ to: "0.0.0.0/0", via: "10.0.0.1" }] },
      runtime: { name: "netns" },
      subnets: [],
    },
  ],
  links: [{ index: 0, a: { node: "r1", port: "Ethernet1/1" }, b: { node: "h1", port: "eth0" } }],
};

test("plan creates each veth directly in both namespaces, named after the ports", () => {
  const plan = buildLabPlan(lab, configs("hostname r1\n"));
  const cables = plan.phases.find((p) => p.name === "cables");
  assert.deepEqual(cables?.groups, [
    [{ type: "ip", lines: ["link add name Ethernet1_1 netns wl_p_r1 type veth peer name eth0 netns wl_p_h1"] }],
  ]);
});

test("plan phases run namespaces, hostnames, cables, interfaces, routing in that order", () => {
  const plan = buildLabPlan(lab, configs("hostname r1\n"));
  assert.deepEqual(
    plan.phases.filter((p) => p.groups.length).map((p) => p.name),
    ["namespaces", "hostnames", "cables", "interfaces", "routing"],
  );
  assert.deepEqual(
    plan.nodes.map((n) => [n.netns, n.daemons.join(",")]),
    [
      ["wl_p_r1", "zebra,staticd,bgpd"],
      ["wl_p_h1", ""],
    ],
  );
});

test("interfaces keep the user's port name as alias, IPv6 skips DAD, hosts get routes", () => {
  const text = renderPlan(buildLabPlan(lab, configs("hostname r1\n")));
  assert.match(text, /ip -n wl_p_r1 link set dev Ethernet1_1 alias Ethernet1\/1/);
  assert.match(text, /ip -n wl_p_r1 addr add 2001:db8::1\/64 dev Ethernet1_1 nodad/);
  assert.match(text, /ip -n wl_p_r1 addr add 10\.255\.0\.1\/32 dev lo/);
  assert.match(text, /ip -n wl_p_h1 route add 0\.0\.0\.0\/0 via 10\.0\.0\.1/);
  assert.match(text, /sysctl -qw net\.ipv4\.ip_forward=1/);
  // zebra starts before bgpd, each in the node's namespace with its own pathspace.
  const zebra = text.indexOf("/usr/lib/frr/zebra -d -N wl_p_r1");
  const bgpd = text.indexOf("/usr/lib/frr/bgpd -d -N wl_p_r1");
  assert.ok(zebra > 0 && bgpd > zebra);
  assert.doesNotMatch(text, /wl_p_h1.*zebra/);
});

test("a port name the batch parser would split goes through argv", () => {
  const odd: Lab = structuredClone(lab);
  const port = odd.nodes[0]?.ports[0];
  assert.ok(port);
  port.name = "Gi 0/1";
  port.ifname = "Gi_0_1";
  const link = odd.links[0];
  assert.ok(link);
  link.a.port = "Gi 0/1";
  const plan = buildLabPlan(odd, configs(""));
  const steps = plan.phases.find((p) => p.name === "interfaces")?.groups[0] ?? [];
  assert.ok(
    steps.some((s) => s.type === "exec" && s.argv.join(" ") === "ip -n wl_p_r1 link set dev Gi_0_1 alias Gi 0/1"),
  );
});
