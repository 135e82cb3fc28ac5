// The `wirelab` command line: parsing and error reporting only; the work is in the commands,
// each loaded when it runs (start-up is most of a quick command's time: `destroy` needs no
// YAML parser, `inspect` no FRR renderer).
import { Command, CommanderError, Option } from "commander";

const topologyOpt = () => new Option("-t, --topology <file>", "topology file (YAML)");
const labOpt = () => new Option("-l, --lab <name>", "lab name (overrides the file's name; selects a deployed lab)");
const jsonOpt = () => new Option("--json", "machine-readable output");
const runtimeOpt = () =>
  new Option(
    "--runtime <runtime>",
    "where nodes run unless they say otherwise: netns, docker (their images) or kubernetes",
  ).choices(["netns", "docker", "kubernetes"]);
const strictOpt = () =>
  new Option(
    "--strict",
    "refuse what is otherwise a warning: config lines FRR would skip; containerlab settings that do not map",
  );

function program(setCode: (code: number) => void): Command {
  const p = new Command("wirelab")
    .description(
      "Real virtual networks on one Linux machine: namespaces, veth cables and FRR or BIRD routers from a topology file",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride();

  p.command("deploy")
    .description("build the lab: namespaces, cables, addresses, routing daemons (FRR, BIRD); wait for BGP")
    .addOption(topologyOpt().makeOptionMandatory())
    .addOption(labOpt())
    .option("--dry-run", "print the plan as the ip/vtysh commands a person would type; change nothing")
    .option("--reconfigure", "change the running lab to what the file says, touching only what differs (alias: apply)")
    .option("--no-wait", "do not wait for BGP sessions")
    .option("--timeout <seconds>", "how long to wait for BGP sessions", "60")
    .option("--keep-on-failure", "keep a half-built lab for debugging instead of rolling back")
    .option("--verify", "run the topology's checks after deploy; exit 1 when one fails (the lab stays)")
    .addOption(runtimeOpt())
    .addOption(strictOpt())
    .option("--context <name>", "kubernetes: the kubeconfig context to deploy to (default: the current one)")
    .option("--namespace <name>", "kubernetes: the namespace to create for the lab (default wl-<lab>)")
    .option("-o, --output <file>", "with --dry-run: also write the runtime's manifests there (kubernetes: YAML)")
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await (await import("./commands/deploy.js")).deployCommand(flags)));

  p.command("apply")
    .description(
      "change a running lab to what its file now says: only what differs (deploy --reconfigure); untouched nodes keep running",
    )
    .addOption(topologyOpt().makeOptionMandatory())
    .addOption(labOpt())
    .option("--dry-run", "print the changes as the commands they take; change nothing")
    .option("--no-wait", "do not wait for the changed routers' protocols")
    .option("--timeout <seconds>", "how long to wait for the changed routers' protocols", "60")
    .option("--verify", "run the topology's checks afterwards; exit 1 when one fails")
    .addOption(runtimeOpt())
    .addOption(strictOpt())
    .addOption(jsonOpt())
    .action(async (flags) =>
      setCode(await (await import("./commands/reconfigure.js")).reconfigureCommand({ ...flags, reconfigure: true })),
    );

  p.command("destroy")
    .description("remove everything a lab made (works after a crash, and when the file changed or is gone)")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("--all", "destroy every wirelab lab on this machine")
    .option("--force", "with -t: destroy the lab even when it was deployed from another file")
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await (await import("./commands/destroy.js")).destroyCommand(flags)));

  p.command("inspect")
    .description("show a lab's nodes and ports as the kernel sees them; without -t/--lab, list labs")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await (await import("./commands/inspect.js")).inspectCommand(flags)));

  p.command("exec")
    .description('run a command inside a node, e.g. exec -t lab.yml ops1 -- vtysh -c "show ip bgp"')
    .argument("<node>", "node name")
    .argument("<command...>", "command and arguments (after --)")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .passThroughOptions()
    .action(async (node: string, cmd: string[], flags) =>
      setCode(await (await import("./commands/exec.js")).execCommand(node, cmd, flags)),
    );

  p.command("cli")
    .description("interactive CLI of a node's routing stack (FRR: vtysh, BIRD: birdc)")
    .argument("<node>", "node name")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .action(async (node: string, flags) => setCode(await (await import("./commands/exec.js")).cliCommand(node, flags)));

  p.command("save")
    .description("write each router's running config (FRR's, BIRD's) to files beside the topology")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("-o, --output <dir>", "directory for the files (default: <lab>-configs beside the topology)")
    .option("--force", "write into a directory that is not root's or that group/others can write")
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await (await import("./commands/save.js")).saveCommand(flags)));

  p.command("config")
    .description("push a configuration snippet (vtysh syntax for FRR) into a running node")
    .argument("<node>", "the node")
    .argument("<file>", "the snippet file")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .action(async (node: string, file: string, flags) =>
      setCode(await (await import("./commands/config.js")).configCommand(node, file, flags)),
    );

  p.command("graph")
    .description("live web view of a lab (cabling and routing); or --export/--format a static view")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("--port <n>", "port to serve on (default 7480, or a free port when it is taken)")
    .option("--host <addr>", "address to bind (default 127.0.0.1; another address only when asked)")
    .option("--interval <ms>", "how often the lab is read while a page is open", "1000")
    .option("--read-only", "no actions at all (otherwise cable down/up need the printed token)")
    .option("--export <file>", "write a static view instead of serving (format from --format or the extension)")
    .addOption(
      new Option("--format <format>", "html (self-contained page), mermaid or dot").choices(["html", "mermaid", "dot"]),
    )
    .addOption(
      new Option("--view <view>", "mermaid/dot: which view").choices(["cabling", "routing"]).default("cabling"),
    )
    .addOption(
      new Option(
        "--layout <layout>",
        "cabling layout: tiers (rows from the nodes' graph.tier, spines on top; generated Clos labs have them) or force (default: tiers when the lab marks tiers)",
      ).choices(["tiers", "force"]),
    )
    .action(async (flags) => setCode(await (await import("./commands/graph.js")).graphCommand(flags)));

  const gen = p
    .command("generate")
    .description(
      "write a topology file for a standard shape: chain, ring, clos or internet (eBGP, automatic addresses)",
    );
  const genOpts = (c: Command) =>
    c
      .addOption(
        new Option("--kind <kind>", "frr (eBGP routers) or linux (addresses and forwarding only)").default("frr"),
      )
      .option("--name <lab>", "lab name (default from the shape, e.g. chain50)")
      .addOption(
        new Option(
          "--stack <stack>",
          "routing stack of the routers: frr, or bird (BGP, static, --igp ospf; no IS-IS or EVPN)",
        ).choices(["frr", "bird"]),
      )
      .addOption(
        new Option(
          "--igp <igp>",
          "an IGP underlay (OSPF area 0 or IS-IS level 2) and one AS of iBGP between loopbacks through route reflectors",
        ).choices(["ospf", "isis"]),
      )
      .option("-o, --output <file>", "write to this file instead of stdout");
  genOpts(
    gen.command("chain").description("routers r0 — r1 — … in a line, one AS each").argument("<n>", "number of routers"),
  ).action(async (n: string, flags) =>
    setCode(await (await import("./commands/generate.js")).generateLineCommand("chain", n, flags)),
  );
  genOpts(
    gen
      .command("ring")
      .description("routers r0 — r1 — … — r0 in a ring, one AS each")
      .argument("<n>", "number of routers"),
  ).action(async (n: string, flags) =>
    setCode(await (await import("./commands/generate.js")).generateLineCommand("ring", n, flags)),
  );
  genOpts(
    gen
      .command("clos")
      .description("leaf-spine fabric: every leaf cabled to every spine, one AS per leaf, optional hosts")
      .requiredOption("--spines <n>", "number of spines")
      .requiredOption("--leaves <n>", "number of leaves")
      .option("--hosts-per-leaf <n>", "Linux hosts on each leaf, with a default route to it", "0")
      .addOption(
        new Option("--spine-as <mode>", "spines share one AS, or have one each").choices(["shared", "per-spine"]),
      )
      .option(
        "--evpn",
        "EVPN over VXLAN: hosts are layer 2, host h of every leaf in VNI 10000+h (one subnet across the fabric)",
      ),
  ).action(async (flags) => setCode(await (await import("./commands/generate.js")).generateClosCommand(flags)));

  gen
    .command("internet")
    .description(
      "an AS-level internet, one router per AS (or small transit ASes): tier-1 clique, multi-homed transit tiers, stubs; Gao-Rexford policies; valley-free checks",
    )
    .option("--ases <n>", "number of ASes (routers)")
    .option("--tier1 <k>", "tier-1 ASes in the clique (default: 3-10, from the size)")
    .option("--seed <s>", "seed of the generated graph (same seed, same lab)", "1")
    .addOption(new Option("--stack <stack>", "routing stack of every router").choices(["bird", "frr"]).default("bird"))
    .option("--prefixes-per-as <p>", "prefixes each AS announces (100.64.0.0/10)", "1")
    .option(
      "--routers-per-as <k>",
      "routers of each transit AS (1-4): a full mesh with OSPF and iBGP inside; stubs keep one",
      "1",
    )
    .option("--from-as-rel <file>", "build from a CAIDA as-rel file (<provider>|<customer>|-1, <peer>|<peer>|0)")
    .option("--name <lab>", "lab name (default internet<N>)")
    .option("-o, --output <file>", "write to this file instead of stdout; the as-rel file goes beside it (.as-rel)")
    .action(async (flags) => setCode(await (await import("./commands/generate.js")).generateInternetCommand(flags)));

  p.command("convert")
    .description("write the wirelab topology of a containerlab file (what does not map: warnings on stderr)")
    .argument("<file>", "containerlab topology file (*.clab.yml)")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .addOption(runtimeOpt())
    .addOption(strictOpt())
    .action(async (file: string, flags) =>
      setCode(await (await import("./commands/convert.js")).convertCommand(file, flags)),
    );

  p.command("verify")
    .description("run the topology's checks against the deployed lab; --scenario breaks it on purpose first")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("--scenario <name>", "baseline checks, apply the scenario's faults, its checks, repair, checks again")
    .option("--junit <file>", "also write the results as JUnit XML (for CI)")
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await (await import("./commands/verify.js")).verifyCommand(flags)));

  p.command("link")
    .description("cut or restore a cable, or set its conditions: link A:PORT [B:PORT] down|up|set|clear|show")
    .argument("<args...>", "one or both ends of the cable (node:port), then down, up, set, clear or show")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("--delay <time>", "set: one-way delay, each direction (e.g. 20ms)")
    .option("--jitter <time>", "set: delay variation (e.g. 5ms)")
    .option("--loss <percent>", "set: packet loss, each direction (e.g. 1%)")
    .option("--duplicate <percent>", "set: duplicated packets (e.g. 1%)")
    .option("--corrupt <percent>", "set: corrupted packets (e.g. 0.1%)")
    .option("--rate <rate>", "set: bandwidth limit (e.g. 10mbit)")
    .addOption(jsonOpt())
    .action(async (args: string[], flags) =>
      setCode(await (await import("./commands/link.js")).linkCommand(args, flags)),
    );

  p.command("node")
    .description("a router failure and its return: stop, start or restart a node's routing daemons (FRR, BIRD)")
    .argument("<node>", "node name")
    .argument("<action>", "stop, start or restart")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("--kill", "stop with SIGKILL, like a crash (peers notice at hold-timer expiry)")
    .addOption(jsonOpt())
    .action(async (node: string, action: string, flags) =>
      setCode(await (await import("./commands/node.js")).nodeCommand(node, action, flags)),
    );

  p.command("capture")
    .description("tcpdump on a node's port: live, or to a pcap file for Wireshark (-w)")
    .argument("<endpoint>", "node:port (your port name)")
    .argument("[filter...]", "tcpdump filter, e.g. tcp port 179")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("-w, --write <file>", "write packets to a pcap file instead of printing them")
    .option("-c, --count <n>", "stop after this many packets")
    .option("--duration <seconds>", "stop after this many seconds")
    .action(async (endpoint: string, filter: string[], flags) =>
      setCode(await (await import("./commands/capture.js")).captureCommand(endpoint, filter, flags)),
    );

  return p;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad input or usage, 3 BGP did not converge). */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => {
      code = c;
    }).parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // By name, not instanceof: importing the error classes would load the modules we defer.
    const err = e as Error;
    const name = err?.name;
    if (name === "TopologyError" || name === "UsageError" || name === "ConfigError") {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    if (name === "DeployError") {
      process.stderr.write(`deploy failed: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${(e as Error).message ?? e}\n`);
    if (process.env.WIRELAB_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
