// Removing a lab's Docker objects: found by the lab's label only (wirelab.lab=<lab>), so
// nothing that is not the lab's is touched, whatever its name. Runs first in the lab's
// teardown (netns/destroy.ts), which then deletes the namespace names (an attached name is
// just unmounted), the lab's files and anything left in its namespaces.
import { readFile } from "node:fs/promises";
import { mntNsFile, pidNsFile, utsFile } from "../../core/paths.js";
import type { LabState } from "../../core/state.js";
import { run } from "../../util/exec.js";
import { docker, dockerAvailable, statusCode } from "./client.js";
import { labContainers, labNetworks } from "./containers.js";

export interface DockerTeardown {
  containers: number;
  networks: number;
  /** Set when the daemon could not be reached: the lab's containers may remain (stopped). */
  warning?: string;
}

async function mounted(): Promise<Set<string>> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return new Set(text.split("\n").map((l) => (l.split(" ")[4] ?? "").replace(/\\040/g, " ")));
}

/** Unmounts the container nodes' namespace binds: nothing of a container outlives it. */
export async function unbindNamespaces(state: LabState): Promise<void> {
  const m = await mounted();
  const files = state.nodes
    .filter((n) => n.container)
    .flatMap((n) => [mntNsFile(state.name, n.name), pidNsFile(state.name, n.name), utsFile(state.name, n.name)])
    .filter((f) => m.has(f));
  if (files.length) await run("umount", files);
}

/** Removes every container and network labelled with the lab's name. */
export async function removeLabObjects(lab: string): Promise<DockerTeardown> {
  if (!(await dockerAvailable())) {
    return {
      containers: 0,
      networks: 0,
      warning: `no Docker daemon answers: lab '${lab}''s containers (label wirelab.lab=${lab}) could not be removed; their processes were ended`,
    };
  }
  const containers = await labContainers(lab);
  await Promise.all(
    containers.map(async (c) => {
      try {
        // force: SIGKILL and remove; v: its anonymous volumes too.
        await docker().getContainer(c.Id).remove({ force: true, v: true });
      } catch (e) {
        if (statusCode(e) !== 404 && statusCode(e) !== 409) throw e;
        // 409: removal already in progress (a concurrent destroy); wait for it below.
      }
    }),
  );
  // Wait on real state: every one of them gone from the daemon.
  for (let i = 0; i < 300; i++) {
    if ((await labContainers(lab)).length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const networks = await labNetworks(lab);
  for (const n of networks) {
    await docker()
      .getNetwork(n.Id)
      .remove()
      .catch((e) => {
        if (statusCode(e) !== 404) throw e;
      });
  }
  return { containers: containers.length, networks: networks.length };
}

/** The docker part of a lab's teardown. */
export async function teardownDocker(state: LabState): Promise<DockerTeardown> {
  await unbindNamespaces(state);
  return removeLabObjects(state.name);
}
