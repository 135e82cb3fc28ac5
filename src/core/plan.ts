// A plan: the exact host operations that build a lab, in phases, as data. Runtimes, link
// types and stacks contribute steps (core/lifecycle/plan.ts puts them together); deploy
// executes them (core/executor.ts); `deploy --dry-run` prints them as the commands a person
// would type (renderPlan).
import { netnsPath } from "./paths.js";
import type { NodeState } from "./state.js";

export type Step =
  /** iproute2 commands run by one `ip [-n NS] -batch -` process. */
  | {
      type: "ip";
      ns?: string;
      lines: string[];
      /**
       * With `ns`: also make the node's UTS namespace, bound on this file (its hostname)...
       */
      uts?: string;
      /** ...and set these sysctls inside the node (kernel.hostname, forwarding): see ipBatch. */
      sysctl?: string[];
    }
  /** A program run with an argument array (never a shell). */
  | { type: "exec"; argv: string[] }
  /**
   * A directory, root's unless `owner` says a system user (a stack's, e.g. frr) must write
   * there: then it is made fresh for that user (core/executor.ts). `group` may read it.
   * Default mode 0750 (0755 for an owner's).
   */
  | { type: "mkdir"; path: string; owner?: string; group?: string; mode?: number }
  /** A root-owned file, never written through a link; `group` may read it. Default 0640 with a group, else 0600. */
  | { type: "write"; path: string; content: string; group?: string; mode?: number }
  /**
   * Work done through an API rather than a program (the docker runtime: containers, the exec
   * API). `describe` is what `--dry-run` prints for it, one line each.
   */
  | { type: "call"; describe: string[]; run: () => Promise<void> };

/** The phases, in the order they run: every plan has these, some of them empty. */
export const PHASES = [
  { name: "namespaces", label: "namespaces" },
  { name: "containers", label: "containers" },
  { name: "hostnames", label: "node directories" },
  { name: "cables", label: "cables (veth pairs)" },
  { name: "ports", label: "ports into inner namespaces" },
  { name: "interfaces", label: "interfaces, addresses, hostnames" },
  { name: "routing", label: "routing daemons" },
] as const;

/**
 * `deploy --reconfigure` runs the same phases between two of its own: what goes away first
 * (nodes, cables), and last the config changes pushed into routers that keep running.
 */
export const RECONFIGURE_PHASES = [
  { name: "remove", label: "removed nodes and cables" },
  ...PHASES,
  { name: "reconfigure", label: "config changes on running routers" },
] as const;

export type PhaseName = (typeof RECONFIGURE_PHASES)[number]["name"];

export interface Phase {
  name: PhaseName;
  label: string;
  /** Groups run in parallel (bounded by CPU count); the steps of a group run in order. */
  groups: Step[][];
}

export interface Plan {
  lab: string;
  /** Runtimes the lab uses, for the plan's heading ("netns", "docker", …). */
  runtime?: string;
  phases: Phase[];
  nodes: NodeState[];
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** A command as a person would type it in a shell: each word quoted where it needs to be. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

/** The plan as the shell commands a person would type, phase by phase. */
export function renderPlan(plan: Plan): string {
  const out: string[] = [`# wirelab plan for lab '${plan.lab}' (${plan.runtime ?? "netns"} runtime)`];
  for (const phase of plan.phases) {
    if (!phase.groups.length) continue;
    out.push("", `# --- ${phase.label} ---`);
    for (const group of phase.groups) {
      for (const s of group) {
        switch (s.type) {
          case "ip":
            for (const l of s.lines) out.push(`ip ${s.ns ? `-n ${s.ns} ` : ""}${l}`);
            if (s.ns && s.sysctl) {
              const uts = s.uts ? ["unshare", `--uts=${s.uts}`] : [];
              out.push(
                [...uts, "nsenter", `--net=${netnsPath(s.ns)}`, "sysctl", "-qw", ...s.sysctl].map(shellQuote).join(" "),
              );
            }
            break;
          case "exec":
            out.push(s.argv.map(shellQuote).join(" "));
            break;
          case "mkdir": {
            const p = shellQuote(s.path);
            const mode = (s.mode ?? (s.owner ? 0o755 : 0o750)).toString(8).padStart(4, "0");
            const chown = s.owner ? ` && chown ${s.owner}:${s.owner} ${p}` : s.group ? ` && chgrp ${s.group} ${p}` : "";
            out.push(`mkdir ${s.owner ? "" : "-p "}-m ${mode} ${p}${chown}`);
            break;
          }
          case "write": {
            const p = shellQuote(s.path);
            const mode = (s.mode ?? (s.group ? 0o640 : 0o600)).toString(8).padStart(4, "0");
            out.push(`install -m ${mode}${s.group ? ` -g ${s.group}` : ""} /dev/null ${p}`);
            if (s.content !== "") out.push(`cat > ${p} <<'EOF'`, s.content.trimEnd(), "EOF");
            break;
          }
          case "call":
            out.push(...s.describe);
            break;
        }
      }
    }
  }
  return `${out.join("\n")}\n`;
}
