// A kind is data: what a node of that kind is (role), what it runs by default (stack,
// runtime) and image conventions (port namespace, who starts the routing stack). Code
// outside src/kinds/, src/runtimes/ and src/stacks/ asks about roles and settings, never
// about a kind's name.
import type { Role } from "../core/model.js";

/**
 * Who starts the routing daemons in a container:
 * - `wirelab`: the container runs a keep-alive command; wirelab starts the stack's daemons
 *   inside it (booted empty) and pushes the node's config, as in a namespace.
 * - `image`: the image's own command/init starts its routing stack (OpenSwitch's /sbin/init);
 *   wirelab waits until its CLI answers, then types the config as the seed did.
 */
export type RoutingInit = "wirelab" | "image";

export interface Kind {
  name: string;
  role: Role;
  /** Routing stack of nodes of this kind (routers); hosts and bridges run none. */
  stack?: string;
  /** Runtime the kind needs (openswitch: docker); otherwise the lab's runtime applies. */
  runtime?: string;
  /** Runtimes a node of this kind may use (bridge: only netns); undefined: any. */
  runtimes?: readonly string[];
  /** Inner network namespace the image keeps its data ports in (the seed's `swns`). */
  portNamespace?: string;
  init: RoutingInit;
  /** IP forwarding by default. */
  forwarding: boolean;
  /** Keys of a node's settings that apply to this kind (others are refused by the loader). */
  description: string;
}
