// The kind registry: one file per kind, one line here to add one.
import { bird } from "./bird.js";
import { bridge } from "./bridge.js";
import { frr } from "./frr.js";
import type { Kind } from "./kind.js";
import { linux } from "./linux.js";
import { openswitch } from "./openswitch.js";

export type { Kind, RoutingInit } from "./kind.js";

export const KINDS: Record<string, Kind> = { frr, linux, bridge, openswitch, bird };

/** Every kind name a topology may use. */
export const ALL_KINDS: readonly string[] = Object.keys(KINDS);

export function kindOf(name: string): Kind | undefined {
  return Object.hasOwn(KINDS, name) ? KINDS[name] : undefined;
}

/** Names usable for an inner network namespace (`ip netns add NAME` inside the image). */
export const PORT_NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
