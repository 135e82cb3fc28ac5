// Faults and conditions on one cable of a running lab: cut it (both ends down, as a pulled
// cable looks to both routers), restore it, and set or clear its tc impairment.
import type { Impairment, LinkModel } from "../core/model.js";
import { nsName } from "../core/paths.js";
import type { LabState } from "../core/state.js";
import { runOk } from "../util/exec.js";
import { ipJson, listNetns } from "../util/ip.js";
import { applyImpairment, readImpairments } from "./impair.js";

export interface LinkEnd {
  node: string;
  /** The user's port name. */
  port: string;
  ifname: string;
  netns: string;
  mtu?: number;
}

export interface LinkEndStatus extends LinkEnd {
  /** The kernel's operstate: UP, DOWN, LOWERLAYERDOWN, … (MISSING when the device is gone). */
  state: string;
  adminUp: boolean;
  impairment?: Impairment;
}

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LinkError";
  }
}

export function linkEnds(state: LabState, link: LinkModel): [LinkEnd, LinkEnd] {
  const end = (node: string, port: string): LinkEnd => {
    const p = state.model.nodes.find((n) => n.name === node)?.ports.find((x) => x.name === port);
    if (!p) throw new LinkError(`internal: port ${node}:${port} is not in lab '${state.name}'`);
    const e: LinkEnd = { node, port, ifname: p.ifname, netns: nsName(state.name, node) };
    if (p.mtu !== undefined) e.mtu = p.mtu;
    return e;
  };
  return [end(link.a.node, link.a.port), end(link.b.node, link.b.port)];
}

async function requireRunning(ends: readonly LinkEnd[]): Promise<void> {
  const present = new Set(await listNetns());
  const gone = ends.find((e) => !present.has(e.netns));
  if (gone) throw new LinkError(`node ${gone.node} is not running (namespace ${gone.netns} is missing)`);
}

/** Cuts (`up = false`) or restores a cable: both ends administratively down or up. */
export async function setLinkUp(state: LabState, link: LinkModel, up: boolean): Promise<void> {
  const ends = linkEnds(state, link);
  await requireRunning(ends);
  await Promise.all(ends.map((e) => runOk("ip", ["-n", e.netns, "link", "set", "dev", e.ifname, up ? "up" : "down"])));
}

/** Puts an impairment on both ends (each direction), or clears it (undefined). */
export async function setLinkImpairment(state: LabState, link: LinkModel, imp: Impairment | undefined): Promise<void> {
  const ends = linkEnds(state, link);
  await requireRunning(ends);
  await Promise.all(ends.map((e) => applyImpairment(e.netns, e.ifname, imp, e.mtu)));
}

interface IpLinkJson {
  ifname: string;
  operstate?: string;
  flags?: string[];
}

/** Both ends as the kernel sees them: state and impairment. */
export async function linkStatus(state: LabState, link: LinkModel): Promise<[LinkEndStatus, LinkEndStatus]> {
  const ends = linkEnds(state, link);
  await requireRunning(ends);
  const status = await Promise.all(
    ends.map(async (e): Promise<LinkEndStatus> => {
      const [dev] = await ipJson<IpLinkJson[]>(["link", "show", "dev", e.ifname], e.netns).catch(() => []);
      const imp = (await readImpairments(e.netns)).get(e.ifname);
      const s: LinkEndStatus = {
        ...e,
        state: dev ? (dev.operstate ?? "UNKNOWN") : "MISSING",
        adminUp: dev?.flags?.includes("UP") ?? false,
      };
      if (imp) s.impairment = imp;
      return s;
    }),
  );
  return status as [LinkEndStatus, LinkEndStatus];
}
