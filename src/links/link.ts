// The link seam: how cables and segments are made. A link type contributes plan steps
// (veth pairs in the cables phase, a bridge device inside a bridge node, tc impairments on
// cabled ports) and is torn down with the namespaces that hold it. A new link type (VXLAN)
// is a file here plus one line in src/links/index.ts.
import type { Lab, LinkModel, NodeModel } from "../core/model.js";
import type { Step } from "../core/plan.js";

export interface LinkType {
  name: string;
  /** Namespaces of the lab's own beyond the nodes' (made first, deleted at destroy). */
  namespaces?(lab: Lab): string[];
  /** What its cables are, for the plan's heading ("veth pairs"). */
  cableNoun?: string;
  /** Steps of the cables phase for the whole lab (run once every namespace exists). */
  cables?(lab: Lab): Step[][];
  /**
   * `deploy --reconfigure`: the cables phase for some of the lab's links only (those added
   * to a running lab); links that are not this type's are skipped.
   */
  cablesFor?(lab: Lab, links: readonly LinkModel[]): Step[][];
  /** `deploy --reconfigure`: steps that remove one of this type's cables from a running lab. */
  uncable?(lab: Lab, link: LinkModel): Step[];
  /** ip-batch lines for a node's own interface setup, before its ports are configured. */
  nodeLines?(lab: Lab, node: NodeModel): string[];
  /** ip-batch lines for one of the node's cabled ports (after mtu, before addresses). */
  portLines?(lab: Lab, node: NodeModel, ifname: string): string[];
  /** Steps after the node's interfaces are up (tc). */
  afterInterfaces?(lab: Lab, node: NodeModel): Step[];
}
