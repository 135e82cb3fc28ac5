// Port names are the user's (`1`, `swp1`, `Ethernet1/1`); kernel interface names are
// limited (IFNAMSIZ: at most 15 bytes, no '/', ':' or whitespace, not '.' or '..').
// This maps the first onto the second, deterministically and without any state.
import { createHash } from "node:crypto";

/** Longest kernel interface name in bytes (IFNAMSIZ - 1). */
export const IFNAME_MAX_BYTES = 15;

/** Characters the kernel refuses in interface names, plus '%' (a printf-like template for the kernel). */
const BAD_CHAR = /[/:%\s]/u;
const BAD_CHARS = /[/:%\s]/gu;

/** True when the kernel accepts `name` as an interface name unchanged. */
export function isValidKernelIfname(name: string): boolean {
  if (name === "" || name === "." || name === "..") return false;
  if (Buffer.byteLength(name, "utf8") > IFNAME_MAX_BYTES) return false;
  if (BAD_CHAR.test(name)) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
  return !/[\u0000-\u001f\u007f]/u.test(name);
}

/** The longest prefix of `s`, in whole characters, that fits in `maxBytes` UTF-8 bytes. */
function bytePrefix(s: string, maxBytes: number): string {
  let out = "";
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * The kernel interface name for a port: the port name itself when the kernel accepts it;
 * otherwise '/', ':', '%', whitespace and control characters become '_', and a name still
 * longer than 15 bytes becomes its first 10 bytes + '-' + 4 hex digits of sha1(port name).
 *
 *   kernelIfname("1")                    === "1"
 *   kernelIfname("Ethernet1/1")          === "Ethernet1_1"
 *   kernelIfname("GigabitEthernet0/0/1") === "GigabitEth-" + sha1("GigabitEthernet0/0/1").slice(0, 4)
 */
export function kernelIfname(port: string): string {
  if (isValidKernelIfname(port)) return port;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are replaced too
  let name = port.replace(BAD_CHARS, "_").replace(/[\u0000-\u001f\u007f]/gu, "_");
  if (name === "" || name === "." || name === "..") name = name.replace(/\./g, "_") || "_";
  if (Buffer.byteLength(name, "utf8") > IFNAME_MAX_BYTES) {
    const hash = createHash("sha1").update(port, "utf8").digest("hex").slice(0, 4);
    name = `${bytePrefix(name, 10)}-${hash}`;
  }
  return name;
}
