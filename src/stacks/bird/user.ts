// Which user BIRD runs as. Debian's bird2 package makes a `bird` system user: BIRD then
// starts as root inside the node (it needs CAP_NET_ADMIN and binds port 179), drops to
// `-u bird -g bird` keeping only its network capabilities, and reads its config, opens its
// pid file and its log as that user. Without such a user BIRD stays root and its files are
// root's alone.
import { readFileSync } from "node:fs";

export const BIRD_USER = "bird";

let found: boolean | undefined;

/** Whether /etc/passwd has a `bird` user (asked once; read synchronously: plans are pure). */
function hasBirdUser(): boolean {
  if (found === undefined) {
    const passwd = (() => {
      try {
        return readFileSync("/etc/passwd", "utf8");
      } catch {
        return "";
      }
    })();
    found = passwd.split("\n").some((l) => l.startsWith(`${BIRD_USER}:`));
  }
  return found;
}

/** The user BIRD drops to, or undefined when it runs as root. */
export function birdUser(): string | undefined {
  return hasBirdUser() ? BIRD_USER : undefined;
}

/** `-u bird -g bird` when BIRD drops root, else nothing. */
export function dropArgs(): string[] {
  const user = birdUser();
  return user ? ["-u", user, "-g", user] : [];
}
