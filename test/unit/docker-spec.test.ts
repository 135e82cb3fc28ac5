// Container nodes get what a router needs, not root on the host: no --privileged, Docker's
// masked and read-only paths and AppArmor profile kept, capabilities by kind, mounts blocked
// by seccomp where no AppArmor profile blocks them; full privilege only with `privileged: true`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Lab, NodeModel } from "../../src/core/model.js";
import { type CapPlan, planCaps } from "../../src/runtimes/docker/caps.js";
import { containerSpec } from "../../src/runtimes/docker/containers.js";
import { TopologyError } from "../../src/topology/errors.js";
import { parseTopology } from "../../src/topology/load.js";

const FULL: CapPlan = planCaps("000001ffffffffff", 40);
const NO_SYS_RESOURCE: CapPlan = planCaps("000001fffeffffff", 40);
const ROUTER_CAPS = [
  "NET_ADMIN",
  "NET_RAW",
  "SYS_ADMIN",
  "NET_BIND_SERVICE",
  "SETUID",
  "SETGID",
  "CHOWN",
  "DAC_OVERRIDE",
];

const lab: Lab = parseTopology(
  `name: sec
runtime: docker
defaults: { image: wirelab-test/frr:latest }
kinds:
  openswitch: { image: wirelab-test/frr-swns:latest }
nodes:
  r1: {}
  h1: { kind: linux, cmd: [sleep, infinity] }
  sw: { kind: openswitch }
  rp: { privileged: true }
links: [[r1:1, h1:eth0], [r1:2, sw:1], [r1:3, rp:1]]
`,
  "sec.yml",
);
const node = (name: string) => lab.nodes.find((n) => n.name === name) as NodeModel;

describe("container spec", () => {
  for (const apparmor of [true, false]) {
    test(`an frr router (AppArmor ${apparmor ? "on" : "off"}): the capabilities FRR needs, Docker's confinement kept`, async () => {
      const spec = await containerSpec(lab, node("r1"), { caps: FULL, apparmor });
      const h = spec.HostConfig ?? {};
      assert.notEqual(h.Privileged, true);
      assert.deepEqual(h.CapDrop, ["ALL"]);
      assert.deepEqual([...(h.CapAdd ?? [])].sort(), [...ROUTER_CAPS].sort());
      // Docker's defaults: /proc/sys, /proc/sysrq-trigger… read-only, /proc/kcore… masked.
      assert.equal(h.MaskedPaths, undefined);
      assert.equal(h.ReadonlyPaths, undefined);
      const opts: string[] = h.SecurityOpt ?? [];
      assert.ok(!opts.some((o) => o.startsWith("apparmor=")), `AppArmor's default profile stays: ${opts}`);
      assert.ok(opts.includes("no-new-privileges:true"));
      const seccomp = opts.find((o) => o.startsWith("seccomp="));
      if (apparmor) {
        assert.equal(seccomp, undefined, "Docker's default seccomp profile stays");
      } else {
        // Without AppArmor, CAP_SYS_ADMIN could umount the read-only /proc/sys: mounts are refused.
        const profile = JSON.parse((seccomp ?? "seccomp={}").slice("seccomp=".length));
        assert.equal(profile.defaultAction, "SCMP_ACT_ALLOW");
        const denied = profile.syscalls.flatMap((r: { names: string[]; args?: unknown[] }) => (r.args ? [] : r.names));
        for (const s of ["mount", "umount2", "fsopen", "move_mount", "open_tree", "unshare", "keyctl", "bpf"]) {
          assert.ok(denied.includes(s), s);
        }
      }
    });
  }

  test("a linux host container: network capabilities only, Docker's seccomp profile", async () => {
    for (const apparmor of [true, false]) {
      const h = (await containerSpec(lab, node("h1"), { caps: FULL, apparmor })).HostConfig ?? {};
      assert.deepEqual(h.CapDrop, ["ALL"]);
      assert.deepEqual(h.CapAdd, ["NET_ADMIN", "NET_RAW"]);
      assert.ok(
        !(h.SecurityOpt ?? ([] as string[])).some((o: string) => o.startsWith("seccomp=") || o.startsWith("apparmor=")),
      );
    }
  });

  test("a port-namespace image keeps CAP_SYS_ADMIN and mounts (ip netns add inside the image)", async () => {
    const h = (await containerSpec(lab, node("sw"), { caps: FULL, apparmor: false })).HostConfig ?? {};
    assert.ok(h.CapAdd?.includes("SYS_ADMIN"));
    assert.notEqual(h.Privileged, true);
    assert.ok(!(h.SecurityOpt ?? ([] as string[])).some((o: string) => o.startsWith("seccomp=")));
    assert.equal(h.MaskedPaths, undefined);
  });

  test("privileged: true is the only way to --privileged (or every capability the host allows)", async () => {
    const full = (await containerSpec(lab, node("rp"), { caps: FULL, apparmor: true })).HostConfig ?? {};
    assert.equal(full.Privileged, true);
    const some = (await containerSpec(lab, node("rp"), { caps: NO_SYS_RESOURCE, apparmor: true })).HostConfig ?? {};
    assert.notEqual(some.Privileged, true);
    assert.equal(some.CapAdd?.length, 40);
    for (const n of ["r1", "h1", "sw"]) {
      const h = (await containerSpec(lab, node(n), { caps: FULL, apparmor: true })).HostConfig ?? {};
      assert.notEqual(h.Privileged, true, n);
    }
  });

  test("a host whose bounding set lacks a capability the node needs is refused, naming it", async () => {
    const noDac = planCaps("000001fffffffffd", 40); // bit 1: DAC_OVERRIDE
    await assert.rejects(containerSpec(lab, node("r1"), { caps: noDac, apparmor: true }), /CAP_DAC_OVERRIDE/);
    // A linux host does not need it.
    await containerSpec(lab, node("h1"), { caps: noDac, apparmor: true });
  });
});

describe("privileged in the topology", () => {
  test("parsed onto the container model; absent means false", () => {
    assert.equal(node("rp").runtime.container?.privileged, true);
    assert.equal(node("r1").runtime.container?.privileged, undefined);
  });

  test("a namespace node cannot be privileged; it must be a boolean", () => {
    assert.throws(
      () => parseTopology("name: t\nnodes:\n  a: { privileged: true }\n", "t.yml"),
      (e: unknown) =>
        e instanceof TopologyError &&
        /^t\.yml:3:8: node 'a' runs in a namespace .* 'privileged' applies only to container nodes/.test(e.message),
    );
    assert.throws(
      () =>
        parseTopology("name: t\nruntime: docker\ndefaults: {image: i}\nnodes:\n  a: { privileged: yes }\n", "t.yml"),
      TopologyError,
    );
  });
});
