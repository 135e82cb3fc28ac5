// The FRR stack behind the RoutingStack seam: its start steps are exactly the routing phase
// `deploy --dry-run` printed before the seam existed (test/golden/dry-run/*.txt), config
// checking names the topology file, and the node-facing helpers (exec, cli) point vtysh at
// the node's own FRR.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Lab, NodeModel } from "../../src/core/model.js";
import { renderPlan, type Step } from "../../src/core/plan.js";
import { nodeHandle } from "../../src/runtimes/index.js";
import { frr } from "../../src/stacks/frr/index.js";
import { confPath, logPath } from "../../src/stacks/frr/paths.js";
import { renderFrrConfigDetailed } from "../../src/stacks/frr/render.js";
import { cleanRunningConfig } from "../../src/stacks/frr/save.js";
import { STACKS, stackOf } from "../../src/stacks/index.js";
import { type PreparedConfig, StackError } from "../../src/stacks/stack.js";
import { loadTopology, parseTopology } from "../../src/topology/load.js";

const skipNoFrr = existsSync("/usr/bin/vtysh") ? false : "FRR's vtysh is not installed";
const root = fileURLToPath(new URL("../../", import.meta.url));
const example = (name: string) => path.join(root, "examples", name);
const golden = (name: string) => readFile(path.join(root, "test/golden/dry-run", name), "utf8");

/** The lines of one `# --- LABEL ---` section of a dry run, without its trailing blank line. */
function section(text: string, label: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(`# --- ${label} ---`);
  assert.ok(start >= 0, `no section '${label}'`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("# --- "));
  const body = lines.slice(start + 1, end < 0 ? undefined : end);
  while (body.length && body[body.length - 1] === "") body.pop();
  return body;
}

/** One group of steps as `deploy --dry-run` prints it. */
function printed(steps: Step[]): string[] {
  const text = renderPlan({ lab: "x", nodes: [], phases: [{ name: "routing", label: "g", groups: [steps] }] });
  return section(text, "g");
}

function routers(lab: Lab): NodeModel[] {
  return lab.nodes.filter((n) => stackOf(n) === frr);
}

/** Each router's config as deploy prepares it, without the vtysh check. */
function configOf(lab: Lab, n: NodeModel): PreparedConfig {
  const r = renderFrrConfigDetailed(n, { logFile: logPath(lab.name, n.name) });
  return { node: n.name, text: r.text, warnings: r.warnings, file: confPath(lab.name, n.name) };
}

describe("start steps reproduce the routing phase of the golden dry runs", () => {
  for (const name of [
    "seed-ebgp",
    "seed-ebgp-raw",
    "square-ebgp",
    "seed-bridges",
    "seed-ebgp-docker",
    "mixed-docker",
    "seed-openswitch",
  ]) {
    test(name, async () => {
      const lab = await loadTopology(example(`${name}.yml`));
      const want = section(await golden(`${name}.txt`), "FRR daemons");
      const groups = routers(lab).map((n) =>
        printed(frr.startSteps(lab, n, configOf(lab, n), nodeHandle(lab.name, n))).join("\n"),
      );
      // Every router's group is one block of the golden section, and nothing else is there
      // (the order of the groups is the plan's: start order, runtime by runtime).
      const text = want.join("\n");
      for (const g of groups) assert.ok(text.includes(g), `not in the golden dry run:\n${g}`);
      assert.equal(groups.join("\n").split("\n").length, want.length);
    });
  }

  test("seed-ebgp, ops1 line by line: argv and paths as deploy ran them", async () => {
    const lab = await loadTopology(example("seed-ebgp.yml"));
    const ops1 = lab.nodes.find((n) => n.name === "ops1") as NodeModel;
    const handle = nodeHandle(lab.name, ops1);
    assert.equal(handle.hostFs, true);
    const steps = frr.startSteps(lab, ops1, configOf(lab, ops1), handle);
    assert.deepEqual(
      steps.map((s) => (s.type === "exec" ? s.argv.join(" ") : `${s.type} ${"path" in s ? s.path : ""}`)),
      [
        "mkdir /var/run/frr/wl_seed-ebgp_ops1",
        "mkdir /run/wirelab/labs/seed-ebgp/nodes/ops1/log",
        "mkdir /run/wirelab/labs/seed-ebgp/vtysh/wl_seed-ebgp_ops1",
        "write /run/wirelab/labs/seed-ebgp/vtysh/wl_seed-ebgp_ops1/vtysh.conf",
        "write /run/wirelab/labs/seed-ebgp/nodes/ops1/frr.conf",
        "mkdir /run/wirelab/labs/seed-ebgp/nodes/ops1/bin",
        "write /run/wirelab/labs/seed-ebgp/nodes/ops1/bin/vtysh",
        "write /run/wirelab/labs/seed-ebgp/nodes/ops1/zebra.conf",
        "write /run/wirelab/labs/seed-ebgp/nodes/ops1/staticd.conf",
        "write /run/wirelab/labs/seed-ebgp/nodes/ops1/bgpd.conf",
        "nsenter --net=/run/netns/wl_seed-ebgp_ops1 --uts=/run/wirelab/labs/seed-ebgp/nodes/ops1/uts -- /usr/lib/frr/zebra -d -N wl_seed-ebgp_ops1 -f /run/wirelab/labs/seed-ebgp/nodes/ops1/zebra.conf -P 0 --limit-fds 1024",
        "nsenter --net=/run/netns/wl_seed-ebgp_ops1 --uts=/run/wirelab/labs/seed-ebgp/nodes/ops1/uts -- /usr/lib/frr/staticd -d -N wl_seed-ebgp_ops1 -f /run/wirelab/labs/seed-ebgp/nodes/ops1/staticd.conf -P 0 --limit-fds 1024",
        "nsenter --net=/run/netns/wl_seed-ebgp_ops1 --uts=/run/wirelab/labs/seed-ebgp/nodes/ops1/uts -- /usr/lib/frr/bgpd -d -N wl_seed-ebgp_ops1 -f /run/wirelab/labs/seed-ebgp/nodes/ops1/bgpd.conf -P 0 --limit-fds 1024",
      ],
    );
    // Only the pathspace and the log directory are frr's; the configs are root's, readable
    // by group frr (secrets: never world-readable); the vtysh directory stays root's.
    assert.deepEqual(
      steps
        .filter((s) => s.type === "mkdir" || s.type === "write")
        .map((s) =>
          "owner" in s && s.owner ? `owner ${s.owner}` : "group" in s && s.group ? `group ${s.group}` : "root",
        ),
      ["owner frr", "owner frr", "root", "root", "group frr", "root", "root", "group frr", "group frr", "group frr"],
    );
  });
});

describe("the FRR stack", () => {
  test("is registered, renders bgp, static, policy, ospf, isis and evpn, and records the loader's daemons", () => {
    assert.equal(STACKS.frr, frr);
    assert.deepEqual([...frr.intents].sort(), ["bgp", "evpn", "isis", "ospf", "policy", "static"]);
    const lab = parseTopology(
      `name: t
nodes:
  r1: { interfaces: { lo: { ip: 10.0.0.1/32 } }, bgp: { asn: 65001, neighbors: [r2] } }
  r2: { interfaces: { lo: { ip: 10.0.0.2/32 } }, bgp: { asn: 65002, neighbors: [r1] } }
  h1: { kind: linux }
links:
  - [{ endpoint: r1:1, ip: 10.1.0.1/30 }, { endpoint: r2:1, ip: 10.1.0.2/30 }]
  - [{ endpoint: r1:2, ip: 10.2.0.1/30 }, { endpoint: h1:eth0, ip: 10.2.0.2/30 }]
`,
      "t.yml",
    );
    const [r1, , h1] = lab.nodes as [NodeModel, NodeModel, NodeModel];
    assert.deepEqual(frr.daemons(r1), ["zebra", "staticd", "bgpd"]);
    assert.deepEqual(frr.protocols(r1), ["bgp"]);
    assert.equal(stackOf(h1), undefined);
  });

  test("exec and cli: vtysh is pointed at the node's pathspace on the host, left alone in a container", async () => {
    const lab = await loadTopology(example("mixed-docker.yml"));
    const [r1, r2] = lab.nodes as [NodeModel, NodeModel];
    const h1 = nodeHandle(lab.name, r1);
    const h2 = nodeHandle(lab.name, r2);
    const cmd = ["vtysh", "-c", "show ip bgp"];
    assert.deepEqual(frr.execCommand?.(h1, cmd), [
      "vtysh",
      "-N",
      "wl_mixed_r1",
      "--config_dir",
      "/run/wirelab/labs/mixed/vtysh",
      "-c",
      "show ip bgp",
    ]);
    assert.deepEqual(frr.execCommand?.(h1, ["vtysh", "-N", "other"]), ["vtysh", "-N", "other"]);
    // Anything else finds the node's vtysh wrapper first on PATH (sh -c "vtysh …" works).
    const other = frr.execCommand?.(h1, ["sh", "-c", "vtysh -c 'show ip bgp'"]) ?? [];
    assert.equal(other[0], "env");
    assert.match(other[1] ?? "", /^PATH=\/run\/wirelab\/labs\/mixed\/nodes\/r1\/bin:/);
    assert.deepEqual(other.slice(2), ["sh", "-c", "vtysh -c 'show ip bgp'"]);
    assert.deepEqual(frr.execCommand?.(h2, cmd), cmd);
    assert.deepEqual(frr.cliArgv(h1), ["vtysh", "-N", "wl_mixed_r1", "--config_dir", "/run/wirelab/labs/mixed/vtysh"]);
    assert.deepEqual(frr.cliArgv(h2), ["vtysh"]);
  });

  test("a node that is not running has no processes and no live daemons", async () => {
    const lab = parseTopology("name: gone\nnodes: { r1: {} }\n", "g.yml");
    const h = nodeHandle(lab.name, lab.nodes[0] as NodeModel);
    assert.deepEqual(await frr.processes(h, ["zebra"]), { pids: [], leftovers: [] });
    assert.deepEqual(await frr.daemonStatus(h, ["zebra", "bgpd"]), [
      { name: "zebra", alive: false },
      { name: "bgpd", alive: false },
    ]);
    await assert.rejects(frr.waitReady("rip", [h], { timeoutMs: 1 }), /no readiness check for protocol 'rip'/);
  });

  test("a container node's stop/start is refused as before", async () => {
    const lab = await loadTopology(example("mixed-docker.yml"));
    const h = nodeHandle(lab.name, lab.nodes[1] as NodeModel);
    await assert.rejects(
      frr.stop(h, ["zebra"]),
      (e: Error) =>
        e instanceof StackError &&
        e.message ===
          "r2 is a container node (wirelab-test/frr:latest): node stop/start is not supported on the docker runtime yet",
    );
  });

  test("save: the running config without vtysh's banner, wirelab's log line or a second hostname", () => {
    const text = [
      "Building configuration...",
      "",
      "Current configuration:",
      "!",
      "frr version 8.4",
      "hostname r1",
      "log file /run/wirelab/labs/t/nodes/r1/frr.log informational",
      "hostname r1",
      "router bgp 65001",
      "!",
      "end",
      "",
    ].join("\n");
    assert.equal(cleanRunningConfig(text), "!\nfrr version 8.4\nhostname r1\nrouter bgp 65001\n!\nend\n");
  });
});

describe("prepare", { skip: skipNoFrr }, () => {
  test("renders every router, checks it with vtysh -C, keeps the render's warnings", async () => {
    const lab = await loadTopology(example("seed-ebgp.yml"));
    const nodes = routers(lab);
    const configs = await frr.prepare(
      lab,
      nodes,
      nodes.map((n) => nodeHandle(lab.name, n)),
    );
    assert.deepEqual([...configs.keys()], ["ops1", "ops2", "ops3"]);
    for (const n of nodes) assert.deepEqual(configs.get(n.name), configOf(lab, n));
  });

  test("a bad raw line is an input StackError at its line and column in the topology file", async () => {
    const lab = parseTopology(
      "name: t\nnodes:\n  r1:\n    config: |\n      router bgp 65001\n       bogus line here\n",
      "/labs/t.yml",
    );
    const nodes = routers(lab);
    await assert.rejects(
      frr.prepare(
        lab,
        nodes,
        nodes.map((n) => nodeHandle(lab.name, n)),
      ),
      (e: Error) =>
        e instanceof StackError &&
        e.input &&
        /^\/labs\/t\.yml:6:7: r1: % Unknown command: bogus line here \(frr\.conf line \d+\)$/.test(e.message),
    );
  });
});

describe("layering", () => {
  // The seams only work if nobody reaches around them (and no import cycle forms).
  const rules: [string, RegExp][] = [
    ["src/stacks", /from "[./]*(core\/lifecycle|runtimes)\//],
    ["src/stacks", /from "[./]*runtimes\/index\.js"/],
    ["src/verify", /from "[./]*(stacks\/frr|runtimes\/netns|runtimes\/docker)\//],
    ["src/web", /from "[./]*(stacks\/frr|runtimes\/netns|runtimes\/docker)\//],
    ["src/cli/commands/save.ts", /from "[./]*(stacks\/frr|runtimes\/netns|runtimes\/docker)\//],
    ["src/cli/commands/exec.ts", /from "[./]*(stacks\/frr|runtimes\/netns|runtimes\/docker)\//],
  ];

  async function files(p: string): Promise<string[]> {
    const full = path.join(root, p);
    if (p.endsWith(".ts")) return [full];
    const entries = await readdir(full, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => path.join(e.parentPath, e.name));
  }

  test("stacks import neither lifecycle nor runtimes; checks, the web view, save and exec no stack or runtime internals", async () => {
    const bad: string[] = [];
    for (const [where, re] of rules) {
      for (const f of await files(where)) {
        // runtimes/runtime.ts is the seam itself (types only): allowed everywhere.
        const text = (await readFile(f, "utf8")).replaceAll('/runtimes/runtime.js"', "");
        for (const line of text.split("\n")) if (re.test(line)) bad.push(`${path.relative(root, f)}: ${line.trim()}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
