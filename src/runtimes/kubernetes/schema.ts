// The kubernetes runtime's keys in the topology file: `node-selector` on a node and the
// lab-wide `kubernetes:` block. Spread into the one schema by src/topology/schema.ts;
// options.ts turns them into the model (model.ts).
import { z } from "zod";

/** A Kubernetes object name that is also a DNS label (namespaces, pods, hostnames). */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const nodeSelectorSchema = z
  .record(z.string().min(1), z.string())
  .describe(
    "kubernetes nodes: labels a cluster machine must have to run this node's pod (the pod's nodeSelector), e.g. { kubernetes.io/hostname: worker1 }",
  );

/** Node-level keys (a const object, so the inferred node type stays exact). */
export const kubernetesNodeSchema = {
  "node-selector": nodeSelectorSchema.optional(),
};

export const kubernetesLabSchema = z
  .object({
    namespace: z
      .string()
      .regex(DNS_LABEL)
      .optional()
      .describe("Kubernetes namespace the lab's pods go in, made by deploy and deleted by destroy (default wl-<lab>)"),
    context: z
      .string()
      .min(1)
      .optional()
      .describe("kubeconfig context to deploy to (default: the kubeconfig's current context)"),
    "vxlan-port": z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe("UDP port of the VXLAN tunnels that cable the pods (default 14789)"),
    "vni-base": z
      .number()
      .int()
      .min(1)
      .max(16_000_000)
      .optional()
      .describe("VXLAN network identifier of the first link; link N gets vni-base + N (default 10000)"),
    "underlay-mtu": z
      .number()
      .int()
      .min(1330)
      .max(65535)
      .optional()
      .describe(
        "MTU of the pod network the tunnels ride on; cabled ports get 50 bytes less (default: measured on the pods' eth0)",
      ),
  })
  .strict()
  .describe("Settings of the kubernetes runtime (runtime: kubernetes): namespace, context and the VXLAN cables");
