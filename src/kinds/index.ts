// Node kinds as a user writes them. The model knows three base kinds (frr, linux, bridge);
// a preset is a named kind built on one of them with container settings of its own, such as
// `openswitch`: an frr-style router whose image runs its own routing stack and keeps its
// data ports in an inner network namespace (swns), as in the seed's OpenSwitch containers.
import { KINDS, type KindName } from "../topology/schema.js";

export type Runtime = "netns" | "docker";
export const RUNTIMES = ["netns", "docker"] as const;

/**
 * Who starts the routing daemons in a container:
 * - `wirelab`: the container runs a keep-alive command; wirelab starts FRR's daemons inside it
 *   (Docker exec API) booted empty, then pushes the node's frr.conf with `vtysh -f` (as the
 *   netns runtime does). Works with any image that has FRR (Debian-built, frrouting/frr).
 * - `image`: the image's own command/init starts its routing stack (OpenSwitch's /sbin/init);
 *   wirelab waits until its vtysh answers, then pushes the config line by line
 *   (`vtysh -c 'configure terminal' -c LINE …`), as the seed typed it.
 */
export type RoutingInit = "wirelab" | "image";

export interface KindPreset {
  name: string;
  base: KindName;
  /** Presets that only exist as containers. */
  runtime?: Runtime;
  portNamespace?: string;
  init: RoutingInit;
  description: string;
}

export const PRESETS: Record<string, KindPreset> = {
  openswitch: {
    name: "openswitch",
    base: "frr",
    runtime: "docker",
    portNamespace: "swns",
    init: "image",
    description:
      "an OpenSwitch-style switch container: the image's init runs the routing stack in the inner namespace swns; wirelab moves each cabled port there and pushes the config with vtysh",
  },
};

/** Every kind name a topology may use: the base kinds, then the presets. */
export const ALL_KINDS: readonly string[] = [...KINDS, ...Object.keys(PRESETS)];

/** The base kind of a kind name (a preset's base), or undefined for an unknown name. */
export function baseKind(name: string): KindName | undefined {
  if ((KINDS as readonly string[]).includes(name)) return name as KindName;
  return Object.hasOwn(PRESETS, name) ? PRESETS[name]?.base : undefined;
}

export function preset(name: string): KindPreset | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}

/** Names usable for an inner network namespace (`ip netns add NAME` inside the image). */
export const PORT_NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
