// Port names are the user's (`1`, `swp1`, `Ethernet1/1`); kernel interface names are
// limited (IFNAMSIZ: at most 15 bytes, no '/', ':' or whitespace, not '.' or '..'), and
// wirelab puts them on `ip -batch` lines, where `#`, quotes and backslashes mean something.
// This maps the first onto the second, deterministically and without any state.
import { createHash } from "node:crypto";

/** Longest kernel interface name in bytes (IFNAMSIZ - 1). */
export const IFNAME_MAX_BYTES = 15;

/** The only characters a kernel name made by wirelab holds (all are safe ip-batch tokens). */
const SAFE_NAME = /^[A-Za-z0-9_.-]+$/;
const UNSAFE_CHARS = /[^A-Za-z0-9_.-]/gu;
/**
 * '/', ':', '%' (a printf-like template for the kernel), whitespace and control characters:
 * mapped to '_' without a hash since the first version (`Ethernet1/1` → `Ethernet1_1`);
 * kept so that labs keep their interface names. validate.ts reports the collisions this
 * can make (`Ethernet1/1` and `Ethernet1_1` on one node).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are replaced too
const HISTORICAL = /[/:%\s\u0000-\u001f\u007f]/gu;

/** True when `name` is used as the kernel name unchanged: safe characters, no leading '-', ≤ 15 bytes. */
export function isValidKernelIfname(name: string): boolean {
  if (name === "." || name === "..") return false;
  if (name.length > IFNAME_MAX_BYTES) return false; // all safe characters are one byte
  return SAFE_NAME.test(name) && !name.startsWith("-");
}

function sha4(s: string): string {
  return createHash("sha1").update(s, "utf8").digest("hex").slice(0, 4);
}

/**
 * The kernel interface name for a port: the port name itself when it is a valid name as
 * above. Otherwise '/', ':', '%', whitespace and control characters become '_' (as always);
 * any other character outside [A-Za-z0-9_.-] (`#`, quotes, backslash, non-ASCII…) and a
 * leading '-' become '_' too, and then, since two names could now meet, the name ends in
 * '-' + 4 hex digits of sha1(port name). A name still longer than 15 bytes becomes its
 * first 10 + '-' + those 4 digits. validate.ts refuses the rare collision that remains.
 *
 *   kernelIfname("1")                    === "1"
 *   kernelIfname("Ethernet1/1")          === "Ethernet1_1"
 *   kernelIfname("leak#")                === "leak_-" + sha1("leak#").slice(0, 4)
 *   kernelIfname("GigabitEthernet0/0/1") === "GigabitEth-" + sha1("GigabitEthernet0/0/1").slice(0, 4)
 */
export function kernelIfname(port: string): string {
  if (isValidKernelIfname(port)) return port;
  let name = port.replace(HISTORICAL, "_");
  const lossy = UNSAFE_CHARS.test(name) || name.startsWith("-");
  UNSAFE_CHARS.lastIndex = 0; // a global regex remembers where test() stopped
  name = name.replace(UNSAFE_CHARS, "_").replace(/^-/, "_");
  if (name === "" || name === "." || name === "..") name = name.replace(/\./g, "_") || "_";
  if (lossy || name.length > IFNAME_MAX_BYTES) name = `${name.slice(0, 10)}-${sha4(port)}`;
  return name;
}
