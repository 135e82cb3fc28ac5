import { withLabLock } from "../../core/lock.js";
import type { LinkModel } from "../../core/model.js";
import type { LabState } from "../../core/state.js";
import { linkStatus, setLinkImpairment, setLinkUp } from "../../links/ops.js";
import { linkLabel, linkOrError } from "../../topology/endpoints.js";
import { describeImpairment, isImpairmentProblem, parseImpairment } from "../../topology/impairment.js";
import { table } from "../output.js";
import { labState, UsageError } from "../resolve.js";

export interface LinkFlags {
  topology?: string;
  lab?: string;
  json?: boolean;
  delay?: string;
  jitter?: string;
  loss?: string;
  duplicate?: string;
  corrupt?: string;
  rate?: string;
}

const ACTIONS = ["down", "up", "set", "clear", "show"] as const;
type Action = (typeof ACTIONS)[number];

/** `A:PORT [B:PORT] ACTION`: the cable by one or both ends, then what to do with it. */
function parseArgs(args: string[]): { ends: string[]; action: Action } {
  const action = args[args.length - 1];
  if (!action || !(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`what to do with the link? end with one of: ${ACTIONS.join(", ")} (e.g. link r1:1 r2:1 down)`);
  }
  const ends = args.slice(0, -1);
  if (ends.length < 1 || ends.length > 2) {
    throw new UsageError(`name the cable by one or both of its ends: link A:PORT [B:PORT] ${action}`);
  }
  return { ends, action: action as Action };
}

export async function linkCommand(args: string[], flags: LinkFlags): Promise<number> {
  const { ends, action } = parseArgs(args);
  const state = await labState(flags);
  const link = linkOrError(state.model, ends);
  if (typeof link === "string") throw new UsageError(link);
  const label = linkLabel(link);
  const given = {
    delay: flags.delay,
    jitter: flags.jitter,
    loss: flags.loss,
    duplicate: flags.duplicate,
    corrupt: flags.corrupt,
    rate: flags.rate,
  };
  const anyGiven = Object.values(given).some((v) => v !== undefined);
  if (anyGiven && action !== "set") throw new UsageError(`--delay, --loss, … go with 'set', not '${action}'`);

  // Run-time changes hold the lab's lock: they never interleave with a deploy or destroy.
  const message = await withLabLock(state.name, { op: `link ${action}` }, () => applyLink(state, link, action, given));
  const status = await linkStatus(state, link);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ link: label, action, ends: status }, null, 2)}\n`);
    return 0;
  }
  if (message) process.stdout.write(`${message}\n`);
  process.stdout.write(
    `${table(
      ["end", "ifname", "state", "impairment"],
      status.map((e) => [
        `${e.node}:${e.port}`,
        e.ifname,
        e.state,
        e.impairment ? describeImpairment(e.impairment) : "",
      ]),
    )}\n`,
  );
  return 0;
}

async function applyLink(
  state: LabState,
  link: LinkModel,
  action: Action,
  given: Record<string, string | undefined>,
): Promise<string> {
  const label = linkLabel(link);
  const anyGiven = Object.values(given).some((v) => v !== undefined);
  let message: string;
  switch (action) {
    case "down":
    case "up":
      await setLinkUp(state, link, action === "up");
      message = `link ${label} ${action === "down" ? "cut: both ends down" : "restored: both ends up"}`;
      break;
    case "set": {
      if (!anyGiven) throw new UsageError("set what? give --delay, --jitter, --loss, --duplicate, --corrupt or --rate");
      const input = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
      const imp = parseImpairment(input);
      if (isImpairmentProblem(imp)) throw new UsageError(`--${imp.field}: ${imp.message}`);
      await setLinkImpairment(state, link, imp);
      message = `link ${label}: ${describeImpairment(imp)} (each direction)`;
      break;
    }
    case "clear":
      await setLinkImpairment(state, link, undefined);
      message = `link ${label}: impairment cleared`;
      break;
    case "show":
      message = "";
      break;
  }
  return message;
}
