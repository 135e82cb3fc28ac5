// A generated topology as YAML text: one line per node and per link (flow style), so that a
// 100-router fabric is a file a person can still read and edit.
import { Document, isMap, isSeq, YAMLMap, YAMLSeq } from "yaml";
import type { TopologyInput } from "../topology/schema.js";

export function toYaml(topology: TopologyInput, comment?: string): string {
  const doc = new Document(topology, { aliasDuplicateObjects: false });
  if (comment) doc.commentBefore = comment.replace(/^/gm, " ");
  const top = doc.contents as YAMLMap;
  const flow = (key: string) => {
    const v = top.get(key, true);
    if (isMap(v)) for (const pair of v.items) if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
    if (isMap(v) && key === "defaults") {
      const a = v.get("addressing", true);
      if (a instanceof YAMLMap) a.flow = true;
    }
    if (isSeq(v)) for (const item of v.items) if (item instanceof YAMLSeq || item instanceof YAMLMap) item.flow = true;
  };
  flow("defaults");
  flow("nodes");
  flow("links");
  flow("checks");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
