// Schema pieces of the docker runtime: where a node runs (`runtime`), its image, an inner
// port namespace, the per-kind settings (`kinds:`) and the lab's management network. Part of
// the one topology schema (schema.ts); the rules that need the whole file are in runtime.ts.
import { z } from "zod";

export const runtimeSchema = z
  .enum(["netns", "docker", "kubernetes"])
  .describe(
    "Where nodes run: netns (a network namespace per node, the default), docker (a container per node) or kubernetes (a pod per node, cabled with VXLAN)",
  );

export const imageSchema = z
  .string()
  .min(1)
  .describe("Docker image of a container node, e.g. frrouting/frr:v8.4.1 or joeneville/ops:latest");

export const portNamespaceSchema = z
  .string()
  .describe(
    "Inner network namespace the image keeps its data ports in (OpenSwitch: swns); wirelab waits for it and moves each cabled port there",
  );

export const cmdSchema = z
  .array(z.string())
  .min(1)
  .describe("Command the container runs instead of the image's, as an argument list");

export const privilegedSchema = z
  .boolean()
  .describe(
    "Run this container node with full privilege (--privileged: root on the host). Off by default: a node gets only the capabilities its kind needs",
  );

export const kindSettingsSchema = z
  .object({
    runtime: runtimeSchema.optional(),
    image: imageSchema.optional(),
    "port-namespace": portNamespaceSchema.optional(),
    cmd: cmdSchema.optional(),
  })
  .strict();

export const kindsSchema = z
  .record(z.string(), kindSettingsSchema.nullable())
  .describe("Settings per kind (frr, linux, openswitch): image, runtime, port-namespace, cmd");

export const managementSchema = z
  .union([
    z.boolean(),
    z
      .object({
        subnet: z.string().optional().describe("IPv4 subnet of the management network, e.g. 172.30.0.0/24"),
      })
      .strict(),
  ])
  .describe(
    "A Docker management network for the container nodes (like the seed's docker0): each gets eth0 with an address, shown by inspect",
  );
