// Builds the Docker images wirelab's tests use, from Debian packages only (no registry is
// needed): debootstrap a minimal Debian with FRR, iproute2 and ping into a folder, pack it
// as a tar (cached in /var/cache/wirelab/ between runs), then import it through the Engine
// API. Run by scripts/docker-setup.sh; does nothing when the images are there and current.
//
//   node --import tsx scripts/docker-images.ts [--quiet] [--force]
//
// Images (both labelled wirelab.test-image=1 and wirelab.recipe=<hash of this recipe>):
//   wirelab-test/frr:latest       FRR 8.4 (Debian's), iproute2, ping; command: sleep
//   wirelab-test/frr-swns:latest  the same file system, OpenSwitch-style: its init makes an inner
//                                 network namespace `swns` and runs FRR (zebra, staticd, bgpd)
//                                 inside it, as OpenSwitch runs its switch daemons in swns
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import { run } from "../src/util/exec.js";

const CACHE = process.env.WIRELAB_CACHE ?? "/var/cache/wirelab";
const PACKAGES = ["frr", "iproute2", "iputils-ping", "procps"];
const QUIET = process.argv.includes("--quiet");
const FORCE = process.argv.includes("--force");

const SWNS_INIT = `#!/bin/sh
# wirelab test image: an OpenSwitch-style init. The switch's data ports live in an inner
# network namespace, swns, where the routing stack runs; the container's own namespace keeps
# only lo (and a management interface, if any). wirelab waits for swns to appear, moves each
# cabled port into it (ip link set PORT netns swns) and pushes the config with vtysh.
set -e
ip netns add swns
ip netns exec swns ip link set lo up
install -d -o frr -g frr -m 0755 /var/run/frr
for d in zebra staticd bgpd; do
  ip netns exec swns /usr/lib/frr/$d -d -f /etc/frr/wirelab-swns.conf -P 0
done
trap 'exit 0' TERM INT
while :; do
  sleep 3600 &
  wait $!
done
`;

/** Startup config of the swns image's daemons: fast BGP timers, as a lab wants. */
const SWNS_CONF = "frr defaults datacenter\n";

interface ImageSpec {
  ref: string;
  cmd: string[];
  description: string;
}

const IMAGES: ImageSpec[] = [
  {
    ref: "wirelab-test/frr:latest",
    cmd: ["/bin/sleep", "infinity"],
    description: "FRR from Debian packages",
  },
  {
    ref: "wirelab-test/frr-swns:latest",
    cmd: ["/usr/local/sbin/wirelab-swns-init"],
    description: "FRR in an inner namespace swns (OpenSwitch-style)",
  },
];

function say(msg: string): void {
  if (!QUIET) process.stdout.write(`docker-images: ${msg}\n`);
}

async function osRelease(): Promise<Record<string, string>> {
  const text = await readFile("/etc/os-release", "utf8").catch(() => "");
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = (m[2] ?? "").replace(/^"|"$/g, "");
  }
  return out;
}

/** The machine's own Debian/Ubuntu mirror, from its apt sources (deb822 or one-line style). */
async function mirror(suite: string): Promise<string> {
  if (process.env.WIRELAB_DEBIAN_MIRROR) return process.env.WIRELAB_DEBIAN_MIRROR;
  const dir = "/etc/apt/sources.list.d";
  const files = (await readdir(dir).catch(() => [] as string[])).map((f) => path.join(dir, f));
  for (const f of ["/etc/apt/sources.list", ...files]) {
    const text = await readFile(f, "utf8").catch(() => "");
    if (f.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
        const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
        if (uris && suites.includes(suite)) return uris;
      }
    } else {
      for (const line of text.split("\n")) {
        const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
        if (m?.[1] && m[2] === suite) return m[1];
      }
    }
  }
  throw new Error(`no apt source for '${suite}' found; set WIRELAB_DEBIAN_MIRROR`);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Runs a command with its output shown (or, with --quiet, kept in a log shown on failure). */
async function step(cmd: string, args: string[], log: string): Promise<void> {
  const r = await run(cmd, args);
  await writeFile(log, `$ ${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  if (r.code !== 0) {
    throw new Error(
      `${cmd} failed (exit ${r.code}); last lines of ${log}:\n${r.stderr.split("\n").slice(-15).join("\n")}`,
    );
  }
}

async function buildRootfs(suite: string, tarFile: string): Promise<void> {
  const src = await mirror(suite);
  const dir = `${tarFile}.d`;
  const log = path.join(CACHE, "debootstrap.log");
  await rm(dir, { recursive: true, force: true });
  say(`debootstrap ${suite} from ${src} (about a minute; log ${log})`);
  const t0 = performance.now();
  const args = ["--variant=minbase", `--include=${PACKAGES.join(",")}`, suite, dir, src];
  try {
    await step("debootstrap", args, log);
  } catch (e) {
    // One more try from scratch: a mirror hiccup should not fail a whole CI run.
    say(`debootstrap failed (${(e as Error).message.split("\n")[0]}); trying once more`);
    await rm(dir, { recursive: true, force: true });
    await step("debootstrap", args, log);
  }
  await mkdir(path.join(dir, "usr/local/sbin"), { recursive: true });
  await writeFile(path.join(dir, "usr/local/sbin/wirelab-swns-init"), SWNS_INIT);
  await chmod(path.join(dir, "usr/local/sbin/wirelab-swns-init"), 0o755);
  await writeFile(path.join(dir, "etc/frr/wirelab-swns.conf"), SWNS_CONF);
  // Package caches are not needed in the image.
  for (const sub of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const f of await readdir(path.join(dir, sub)).catch(() => [] as string[])) {
      if (f.endsWith(".deb") || f.endsWith("_Packages") || f.endsWith("Release") || f.endsWith(".gpg")) {
        await rm(path.join(dir, sub, f), { force: true });
      }
    }
  }
  await step("tar", ["--numeric-owner", "-C", dir, "-cf", `${tarFile}.tmp`, "."], path.join(CACHE, "tar.log"));
  await rename(`${tarFile}.tmp`, tarFile);
  await rm(dir, { recursive: true, force: true });
  say(`root file system cached in ${tarFile} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

async function imageRecipe(docker: Docker, ref: string): Promise<{ id: string; recipe?: string } | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { id: info.Id, recipe: info.Config?.Labels?.["wirelab.recipe"] };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

async function importImage(docker: Docker, tarFile: string, spec: ImageSpec, recipe: string): Promise<void> {
  const [repo, tag] = spec.ref.split(":");
  const changes = [
    `CMD ${JSON.stringify(spec.cmd)}`,
    "LABEL wirelab.test-image=1",
    `LABEL wirelab.recipe=${recipe}`,
    `LABEL org.opencontainers.image.description=${JSON.stringify(spec.description)}`,
  ];
  const stream = await docker.importImage(createReadStream(tarFile), { repo, tag, changes });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) reject(err ?? new Error(failed?.error));
      else resolve();
    });
  });
}

async function main(): Promise<void> {
  const os = await osRelease();
  const suite = process.env.WIRELAB_IMAGE_SUITE ?? os.VERSION_CODENAME ?? "bookworm";
  const recipe = createHash("sha256")
    .update(JSON.stringify({ v: 1, suite, PACKAGES, SWNS_INIT, SWNS_CONF, IMAGES }))
    .digest("hex")
    .slice(0, 16);
  const docker = new Docker({ socketPath: process.env.WIRELAB_DOCKER_SOCKET ?? "/var/run/docker.sock" });

  const todo: ImageSpec[] = [];
  for (const spec of IMAGES) {
    const have = await imageRecipe(docker, spec.ref);
    if (!FORCE && have?.recipe === recipe) say(`${spec.ref} is current`);
    else todo.push(spec);
  }
  if (!todo.length) return;

  await mkdir(CACHE, { recursive: true });
  const tarFile = path.join(CACHE, `rootfs-${suite}-${recipe}.tar`);
  if (FORCE || !(await exists(tarFile))) {
    // Older root file systems of this recipe family are stale: ours by name, so remove them.
    for (const f of await readdir(CACHE)) {
      if (/^rootfs-.*\.tar(\.tmp)?$/.test(f) && path.join(CACHE, f) !== tarFile) await rm(path.join(CACHE, f));
    }
    await buildRootfs(suite, tarFile);
  } else {
    say(`using the cached root file system ${tarFile}`);
  }
  for (const spec of todo) {
    const before = await imageRecipe(docker, spec.ref);
    const t0 = performance.now();
    await importImage(docker, tarFile, spec, recipe);
    say(`imported ${spec.ref} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    // The image this tag pointed to before is ours (same label family) and now untagged.
    if (before && before.recipe !== undefined) {
      await docker
        .getImage(before.id)
        .remove()
        .catch(() => {});
    }
  }
}

main().catch((e: Error) => {
  process.stderr.write(`docker-images: error: ${e.message}\n`);
  process.exit(1);
});
