// The `wirelab` command line: parsing and error reporting only; the work is in the commands.
import { Command, CommanderError, Option } from "commander";
import { DeployError } from "../runtime/netns/deploy.js";
import { TopologyError } from "../topology/errors.js";
import { deployCommand } from "./commands/deploy.js";
import { destroyCommand } from "./commands/destroy.js";
import { cliCommand, execCommand } from "./commands/exec.js";
import { inspectCommand } from "./commands/inspect.js";
import { saveCommand } from "./commands/save.js";
import { UsageError } from "./resolve.js";

const topologyOpt = () => new Option("-t, --topology <file>", "topology file (YAML)");
const labOpt = () => new Option("-l, --lab <name>", "lab name (overrides the file's name; selects a deployed lab)");
const jsonOpt = () => new Option("--json", "machine-readable output");

function program(setCode: (code: number) => void): Command {
  const p = new Command("wirelab")
    .description(
      "Real virtual networks on one Linux machine: namespaces, veth cables and FRR routers from a topology file",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride();

  p.command("deploy")
    .description("build the lab: namespaces, cables, addresses, FRR daemons; wait for BGP")
    .addOption(topologyOpt().makeOptionMandatory())
    .addOption(labOpt())
    .option("--dry-run", "print the plan as the ip/vtysh commands a person would type; change nothing")
    .option("--no-wait", "do not wait for BGP sessions")
    .option("--timeout <seconds>", "how long to wait for BGP sessions", "60")
    .option("--keep-on-failure", "keep a half-built lab for debugging instead of rolling back")
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await deployCommand(flags)));

  p.command("destroy")
    .description("remove everything a lab made (works after a crash, and when the file changed or is gone)")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("--all", "destroy every wirelab lab on this machine")
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await destroyCommand(flags)));

  p.command("inspect")
    .description("show a lab's nodes and ports as the kernel sees them; without -t/--lab, list labs")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await inspectCommand(flags)));

  p.command("exec")
    .description('run a command inside a node, e.g. exec -t lab.yml ops1 -- vtysh -c "show ip bgp"')
    .argument("<node>", "node name")
    .argument("<command...>", "command and arguments (after --)")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .passThroughOptions()
    .action(async (node: string, cmd: string[], flags) => setCode(await execCommand(node, cmd, flags)));

  p.command("cli")
    .description("interactive vtysh on a node")
    .argument("<node>", "node name")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .action(async (node: string, flags) => setCode(await cliCommand(node, flags)));

  p.command("save")
    .description("write each router's running FRR config to files beside the topology")
    .addOption(topologyOpt())
    .addOption(labOpt())
    .option("-o, --output <dir>", "directory for the files (default: <lab>-configs beside the topology)")
    .addOption(jsonOpt())
    .action(async (flags) => setCode(await saveCommand(flags)));

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
    if (e instanceof TopologyError || e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof DeployError) {
      process.stderr.write(`deploy failed: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${(e as Error).message ?? e}\n`);
    if (process.env.WIRELAB_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
