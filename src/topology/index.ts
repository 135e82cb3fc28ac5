// The topology package: load a topology file into the validated Lab model.
export { TopologyError } from "./errors.js";
export { isValidKernelIfname, kernelIfname } from "./resolve/ifname.js";
export { topologyJsonSchema, topologyJsonSchemaText } from "./json-schema.js";
export { loadTopology, parseTopology } from "./load.js";
export * from "../core/model.js";
export { buildLab } from "./resolve/index.js";
