// The topology package: load a topology file into the validated Lab model.

export * from "../core/model.js";
export { TopologyError } from "./errors.js";
export { topologyJsonSchema, topologyJsonSchemaText } from "./json-schema.js";
export { loadTopology, parseTopology } from "./load.js";
export { isValidKernelIfname, kernelIfname } from "./resolve/ifname.js";
export { buildLab } from "./resolve/index.js";
