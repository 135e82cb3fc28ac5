// Where each node runs: a network namespace (netns runtime) or a Docker container (docker
// runtime), and with which image. Settings are looked up node first, then `kinds.<kind>`,
// then `defaults`, then the lab's top-level `runtime`; a preset kind (openswitch) brings its
// own. Called by resolve/index.ts once the nodes are built; errors point at file:line:col.

import type { ContainerModel, Lab } from "../../core/model.js";
import { ALL_KINDS, kindOf, PORT_NAMESPACE } from "../../kinds/index.js";
import { kubernetesLoader } from "../../runtimes/kubernetes/options.js";
import { parsePrefix } from "../address.js";
import { q, TopologyError } from "../errors.js";
import { didYouMean } from "../issues.js";
import type { NodeInput, TopologyInput } from "../schema.js";
import type { Path, PosPart, SourceInfo } from "../source.js";

type KindSettings = NonNullable<NonNullable<TopologyInput["kinds"]>[string]>;

/** Where a container node of each image-based runtime runs, for messages. */
const WHERE: Readonly<Record<string, string>> = { docker: "in Docker", kubernetes: "in a Kubernetes pod" };

/** Each runtime's own settings, loaded once every node's runtime is known (one line per runtime). */
const RUNTIME_LOADERS = [kubernetesLoader];

/** Sets `container` on the lab's docker nodes and `management` on the lab; throws TopologyError. */
export function applyRuntime(input: TopologyInput, src: SourceInfo, lab: Lab): void {
  const fail: (path: Path, message: string, part?: PosPart) => never = (path, message, part = "value") => {
    throw new TopologyError(message, src.pos(path, part));
  };

  const top = input.runtime;
  const dflt = input.defaults?.runtime;
  if (top !== undefined && dflt !== undefined && top !== dflt) {
    fail(["defaults", "runtime"], `runtime is given twice, as ${q(top)} at the top level and ${q(dflt)} in defaults`);
  }
  const labRuntime: string = dflt ?? top ?? "netns";

  const kinds = input.kinds ?? {};
  for (const [name, settings] of Object.entries(kinds)) {
    const kind = kindOf(name);
    if (!kind) {
      fail(
        ["kinds", name],
        `unknown kind ${q(name)} in kinds${didYouMean(name, ALL_KINDS)} (known kinds: ${ALL_KINDS.join(", ")})`,
        "key",
      );
    }
    if (kind.role === "bridge") {
      for (const field of ["runtime", "image", "port-namespace", "cmd"] as const) {
        if (settings?.[field] !== undefined && !(field === "runtime" && settings.runtime === "netns")) {
          fail(["kinds", name, field], `bridge nodes are always namespaces: '${field}' does not apply to them`, "key");
        }
      }
    }
  }

  let anyContainer = false;
  /** Nodes whose data ports share the container's own namespace with the management eth0. */
  const eth0Shared: typeof lab.nodes = [];
  for (const node of lab.nodes) {
    const path: Path = ["nodes", node.name];
    const raw: NonNullable<NodeInput> = input.nodes[node.name] ?? {};
    const written = raw.kind ?? input.defaults?.kind ?? "frr";
    const kind = kindOf(written);
    if (!kind) throw new Error(`internal: kind ${written} passed validation`);
    const ks: KindSettings = kinds[written] ?? {};

    let runtime: string;
    let runtimePath: Path | undefined;
    if (raw.runtime !== undefined) {
      runtime = raw.runtime;
      runtimePath = [...path, "runtime"];
    } else if (ks.runtime !== undefined) {
      runtime = ks.runtime;
      runtimePath = ["kinds", written, "runtime"];
    } else if (kind.runtime) {
      runtime = kind.runtime;
    } else {
      runtime = kind.runtimes?.[0] && !kind.runtimes.includes(labRuntime) ? kind.runtimes[0] : labRuntime;
    }
    node.runtime = { name: runtime };

    if (kind.role === "bridge") {
      if (kind.runtimes && !kind.runtimes.includes(runtime)) {
        fail(
          runtimePath ?? path,
          `bridge ${q(node.name)} is a Linux bridge in a namespace: runtime ${runtime} does not apply to bridges`,
        );
      }
      for (const field of ["image", "port-namespace", "cmd", "privileged"] as const) {
        if (raw[field] !== undefined)
          fail([...path, field], `bridge ${q(node.name)}: '${field}' applies only to container nodes`, "key");
      }
      continue;
    }
    if (kind.runtime !== undefined && runtime !== kind.runtime) {
      fail(
        runtimePath ?? path,
        `${written} nodes run only as containers: ${q(node.name)} cannot use runtime ${runtime}`,
      );
    }

    if (runtime === "netns") {
      for (const field of ["image", "port-namespace", "cmd", "privileged"] as const) {
        if (raw[field] !== undefined) {
          fail(
            [...path, field],
            `node ${q(node.name)} runs in a namespace (runtime netns): '${field}' applies only to container nodes (runtime: docker or kubernetes)`,
            "key",
          );
        }
      }
      continue;
    }

    anyContainer = true;
    const image = raw.image ?? ks.image ?? input.defaults?.image;
    if (image === undefined) {
      fail(
        path,
        `node ${q(node.name)} runs ${WHERE[runtime] ?? "in a container"} (runtime ${runtime}) but has no image: set image: on the node, under kinds.${written}, or in defaults`,
        "key",
      );
    }
    if (/\s/.test(image) || image.startsWith("-")) {
      const at: Path =
        raw.image !== undefined
          ? [...path, "image"]
          : ks.image !== undefined
            ? ["kinds", written, "image"]
            : ["defaults", "image"];
      fail(at, `invalid image name ${q(image)} for node ${q(node.name)}`);
    }
    const pns = raw["port-namespace"] ?? ks["port-namespace"] ?? kind.portNamespace;
    if (pns !== undefined && !PORT_NAMESPACE.test(pns)) {
      const at: Path =
        raw["port-namespace"] !== undefined ? [...path, "port-namespace"] : ["kinds", written, "port-namespace"];
      fail(
        at,
        `invalid port-namespace ${q(pns)} for node ${q(node.name)}: use letters, digits, '-' and '_' (at most 32)`,
      );
    }
    const container: ContainerModel = { image, init: kind.init };
    if (pns !== undefined) container.portNamespace = pns;
    const cmd = raw.cmd ?? ks.cmd;
    if (cmd !== undefined) container.cmd = [...cmd];
    if (raw.privileged) container.privileged = true;
    node.runtime = { name: runtime, container };
    if (pns === undefined) eth0Shared.push(node);
  }

  const mgmt = input.management;
  if (mgmt !== undefined && mgmt !== false && anyContainer) {
    const m: { subnet?: string } = {};
    if (typeof mgmt === "object" && mgmt.subnet !== undefined) {
      const c = parsePrefix(mgmt.subnet);
      if (typeof c === "string") fail(["management", "subnet"], `invalid management subnet ${q(mgmt.subnet)}: ${c}`);
      if (c.family !== 4) fail(["management", "subnet"], `the management subnet must be IPv4: ${q(mgmt.subnet)}`);
      m.subnet = c.text;
    }
    lab.management = m;
    // The management interface takes eth0 in each container's own namespace.
    for (const node of eth0Shared) {
      const clash = node.ports.find((p) => p.ifname === "eth0" && p.link !== undefined);
      if (clash) {
        fail(
          ["nodes", node.name],
          `port eth0 of container node ${q(node.name)} clashes with its management interface eth0 (management: is on); rename the port`,
          "key",
        );
      }
    }
  }
  for (const load of RUNTIME_LOADERS) load(input, lab, fail);
}
