// Network-level validation and model building: everything the schema alone cannot say
// (unknown nodes, ports cabled twice, subnets, BGP peers), each error pointing at the
// place in the file that causes it. The result is the resolved Lab model.
//
// The steps run in a fixed order on a shared context (context.ts): nodes, links, cabling,
// bridge segments, addresses, then each node's model with its intents and stack options.
import type { Lab } from "../../core/model.js";
import { INTENTS } from "../../intents/index.js";
import { ALL_KINDS, kindOf } from "../../kinds/index.js";
import { resolveChecks } from "../checks.js";
import { q } from "../errors.js";
import { resolveImpairments } from "../impairment.js";
import { didYouMean } from "../issues.js";
import { LAB_NAME, type TopologyInput } from "../schema.js";
import { orderedKeys, type SourceInfo } from "../source.js";
import { autoAddress, checkAddresses, checkLabAddresses, findOwners } from "./addresses.js";
import { buildSegments, nameBridgePorts } from "./bridges.js";
import { createContext } from "./context.js";
import { cable, checkKernelNames, linkModel, readLink } from "./links.js";
import { assignMacs } from "./mac.js";
import { nodeModel, readNode } from "./nodes.js";
import { applyRuntime } from "./runtime.js";
import { resolveUnnumbered } from "./unnumbered.js";

export type {
  Addr,
  Facing,
  LinkDraft,
  NodeDraft,
  Owner,
  PortDraft,
  ResolveContext,
  StackArgs,
  StackLoader,
} from "./context.js";

/** Validates a schema-checked topology and builds the Lab model; throws TopologyError. */
export function buildLab(input: TopologyInput, source: SourceInfo): Lab {
  const ctx = createContext(input, source);
  if (!LAB_NAME.test(input.name)) {
    ctx.fail(
      ["name"],
      `invalid lab name ${q(input.name)}: use letters, digits and '-' (at most 32, starting with a letter or digit); it becomes part of namespace names wl_<lab>_<node>`,
    );
  }
  const defaultKind = input.defaults?.kind;
  if (defaultKind !== undefined && !kindOf(defaultKind)) {
    ctx.fail(
      ["defaults", "kind"],
      `unknown kind ${q(defaultKind)} in defaults${didYouMean(defaultKind, ALL_KINDS)} (known kinds: ${ALL_KINDS.join(", ")})`,
    );
  }
  for (const name of orderedKeys(input.nodes, source.keys(["nodes"]))) readNode(ctx, name);
  (input.links ?? []).forEach((link, i) => {
    readLink(ctx, link, i);
  });
  nameBridgePorts(ctx);
  cable(ctx);
  checkKernelNames(ctx);
  assignMacs(ctx);
  buildSegments(ctx);
  autoAddress(ctx);
  resolveUnnumbered(ctx);
  checkAddresses(ctx);
  checkLabAddresses(ctx);
  findOwners(ctx);

  const nodes = [...ctx.nodes.values()].map((node) => nodeModel(ctx, node));
  for (const m of INTENTS) m.checkLab?.(ctx, nodes);
  const links = ctx.links.map((l) => linkModel(ctx, l));
  const lab: Lab = { name: input.name, file: source.file, nodes, links };
  resolveImpairments(lab, input, source);
  resolveChecks(lab, input, source);
  applyRuntime(input, source, lab);
  return lab;
}
