import { inspectLab, type LabInspect } from "../../core/inspect.js";
import { listLabs, readState } from "../../core/state.js";
import { describeImpairment } from "../../topology/impairment.js";
import { table } from "../output.js";
import { labState } from "../resolve.js";

export interface InspectFlags {
  topology?: string;
  lab?: string;
  json?: boolean;
}

function renderLab(info: LabInspect): string {
  const out: string[] = [`Lab '${info.name}' (${info.phase})${info.file ? ` from ${info.file}` : ""}`];
  out.push(
    table(
      ["node", "kind", "status", "namespace", "daemons", "loopback"],
      info.nodes.map((n) => [
        n.name,
        n.kind,
        n.status,
        n.netns,
        n.daemons.map((d) => `${d.name}${d.alive ? `(${d.pid})` : "(down)"}`).join(" "),
        n.loopback.join(" "),
      ]),
    ),
  );
  // IGP interfaces: each with its area (OSPF) or circuit type (IS-IS), own role and cost.
  const ifaces = info.nodes.flatMap((n) => [
    ...(n.igpState?.ospf?.interfaces ?? []).map((i) => [
      n.name,
      `OSPFv${i.version}`,
      i.port,
      i.area ? `area ${i.area}` : "",
      [i.role, i.passive ? "passive" : ""].filter(Boolean).join(", "),
      [i.networkType, i.dr ? `DR ${i.dr}` : "", i.bdr ? `BDR ${i.bdr}` : ""].filter(Boolean).join(", "),
      i.cost ?? "",
    ]),
    ...(n.igpState?.isis?.interfaces ?? []).map((i) => [
      n.name,
      "IS-IS",
      i.port,
      i.circuitType ?? "",
      i.passive ? "passive" : "",
      i.type ?? "",
      i.metric ?? "",
    ]),
  ]);
  if (ifaces.length) {
    out.push(table(["node", "igp", "port", "area / level", "role", "network", "cost / metric"], ifaces));
  }
  const igp = info.nodes.flatMap((n) => (n.igp ?? []).map((a) => ({ node: n.name, ...a })));
  if (igp.length) {
    out.push(
      table(
        ["node", "igp", "neighbor", "port", "area / level", "state", "circuit"],
        igp.map((a) => [
          a.node,
          a.protocol,
          a.neighbor,
          a.port,
          a.area ? `area ${a.area}` : a.level ? `L${a.level}` : "",
          a.state,
          a.circuitType ?? "",
        ]),
      ),
    );
  }
  const containers = info.nodes.filter((n) => n.container);
  if (containers.length) {
    const mgmt = containers.some((n) => n.container?.mgmt);
    out.push(
      table(
        ["node", "container", "image", "state", "pid", "port namespace", ...(mgmt ? ["management"] : [])],
        containers.map((n) => [
          n.name,
          n.container?.name,
          n.container?.image,
          n.container?.state,
          n.container?.pid,
          n.container?.portNamespace ?? "",
          ...(mgmt ? [n.container?.mgmt ?? ""] : []),
        ]),
      ),
    );
  }
  const ports = info.nodes.flatMap((n) => n.ports);
  if (ports.length) {
    // The impairment column only when a cable has one (tc netem/tbf).
    const impaired = ports.some((p) => p.impairment);
    out.push(
      table(
        [
          "port",
          "ifname",
          "ifindex",
          "peer ifindex",
          "peer",
          "mac",
          "state",
          "addresses",
          ...(impaired ? ["impairment"] : []),
        ],
        ports.map((p) => [
          `${p.node}:${p.port}`,
          p.ifname,
          p.ifindex,
          p.peerIfindex === undefined ? "" : `${p.peerIfindex}${p.peerOk === false ? " (mismatch!)" : ""}`,
          p.peer ?? "",
          p.mac,
          p.state,
          p.addresses.join(" "),
          ...(impaired ? [p.impairment ? describeImpairment(p.impairment) : ""] : []),
        ]),
      ),
    );
  }
  return out.join("\n");
}

export async function inspectCommand(flags: InspectFlags): Promise<number> {
  if (!flags.topology && !flags.lab) {
    const labs = [];
    for (const name of await listLabs()) {
      const s = await readState(name);
      if (s) labs.push({ name, phase: s.phase, nodes: s.nodes.length, file: s.file, createdAt: s.createdAt });
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(labs, null, 2)}\n`);
    else if (!labs.length) process.stdout.write("No labs deployed.\n");
    else {
      process.stdout.write(
        `${table(
          ["lab", "state", "nodes", "topology", "since"],
          labs.map((l) => [l.name, l.phase, l.nodes, l.file, l.createdAt]),
        )}\n`,
      );
    }
    return 0;
  }
  const info = await inspectLab(await labState(flags));
  process.stdout.write(flags.json ? `${JSON.stringify(info, null, 2)}\n` : `${renderLab(info)}\n`);
  return info.nodes.every((n) => n.status === "running") ? 0 : 1;
}
