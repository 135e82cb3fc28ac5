#!/usr/bin/env bash
# Makes Docker usable for wirelab's docker runtime and its tests, on Debian/Ubuntu as root.
# Idempotent: a second run finds everything in place and takes about a second.
#
#   sudo ./scripts/docker-setup.sh [--quiet] [--no-images]
#
#   Debian packages  docker.io debootstrap (apt-get install only when one is missing)
#   Docker daemon    started in the background when none answers on /var/run/docker.sock;
#                    its pid goes to /run/wirelab/dockerd.pid, its log to /var/log/wirelab-dockerd.log
#   Test images      wirelab-test/frr:bookworm and wirelab-test/frr-swns:bookworm, built from
#                    Debian packages (debootstrap + import) when missing or out of date; the
#                    root file system is cached in /var/cache/wirelab/ between runs
#                    (scripts/docker-images.ts)
#
# No container registry is needed: the images are made from the machine's Debian mirror.
set -euo pipefail

PACKAGES=(docker.io debootstrap)
SOCKET=/var/run/docker.sock
PIDFILE=/run/wirelab/dockerd.pid
LOG=/var/log/wirelab-dockerd.log

QUIET=0
IMAGES=1
for arg in "$@"; do
  case "$arg" in
    -q | --quiet) QUIET=1 ;;
    --no-images) IMAGES=0 ;;
    -h | --help)
      sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "docker-setup.sh: unknown option '$arg' (use --quiet, --no-images)" >&2
      exit 2
      ;;
  esac
done

say() { if [[ $QUIET == 0 ]]; then echo "docker-setup: $*"; fi; }
die() {
  echo "docker-setup: error: $*" >&2
  exit 1
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."

[[ $(id -u) -eq 0 ]] || die "needs root (installs packages, starts dockerd). Run: sudo $0 $*"

# --- packages -------------------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]} by hand"
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_q=()
  [[ $QUIET == 1 ]] && apt_q=(-qq)
  # The package must not start a system-wide dockerd of its own: this script starts one
  # below only when none answers. policy-rc.d answering 101 tells the package scripts so.
  POLICY=/usr/sbin/policy-rc.d
  policy_ours=0
  if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# written by wirelab scripts/docker-setup.sh for the duration of an install\nexit 101\n' >"$POLICY"
    chmod 0755 "$POLICY"
    policy_ours=1
    trap '[[ $policy_ours == 1 ]] && rm -f "$POLICY"' EXIT
  fi
  apt-get "${apt_q[@]}" update
  apt-get "${apt_q[@]}" install -y --no-install-recommends "${missing[@]}"
  if [[ $policy_ours == 1 ]]; then
    rm -f "$POLICY"
    policy_ours=0
  fi
else
  say "Debian packages present: ${PACKAGES[*]}"
fi

# --- daemon ---------------------------------------------------------------------------------
# True when a Docker daemon answers on the socket (the Engine API's /_ping).
daemon_answers() {
  node -e '
    const req = require("http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 2000 }, (res) => {
      process.exit(res.statusCode === 200 ? 0 : 1);
    });
    req.on("error", () => process.exit(1));
    req.on("timeout", () => { req.destroy(); process.exit(1); });
  ' "$SOCKET" 2>/dev/null
}

if daemon_answers; then
  say "a Docker daemon answers on $SOCKET"
else
  if [[ -d /run/systemd/system ]] && systemctl list-unit-files docker.service >/dev/null 2>&1 &&
    systemctl start docker.service 2>/dev/null; then
    say "started docker.service"
  else
    command -v dockerd >/dev/null 2>&1 || die "dockerd not found after installing docker.io"
    # A pid file from an earlier run whose process is still a dockerd: it is starting; wait.
    old=""
    [[ -r $PIDFILE ]] && old=$(<"$PIDFILE")
    if [[ $old =~ ^[0-9]+$ && -r /proc/$old/comm && $(</proc/$old/comm) == dockerd ]]; then
      say "dockerd (pid $old) is starting"
    else
      mkdir -p "$(dirname "$PIDFILE")"
      # setsid: the daemon outlives this script and its terminal; no shell string is built.
      setsid dockerd >>"$LOG" 2>&1 </dev/null &
      echo $! >"$PIDFILE"
      say "started dockerd (pid $(<"$PIDFILE"), log $LOG)"
    fi
  fi
  # Wait on the real thing: the API answering, not a fixed sleep.
  for ((i = 0; i < 600; i++)); do
    daemon_answers && break
    pid=$(<"$PIDFILE" 2>/dev/null || true)
    if [[ -n $pid && ! -d /proc/$pid ]]; then
      tail -n 20 "$LOG" >&2 || true
      die "dockerd (pid $pid) exited; see $LOG"
    fi
    sleep 0.1
  done
  daemon_answers || die "no Docker daemon answers on $SOCKET after 60 s; see $LOG"
  say "Docker daemon ready"
fi

# --- test images ----------------------------------------------------------------------------
if [[ $IMAGES == 1 ]]; then
  [[ -d node_modules/dockerode ]] || die "node_modules missing: run scripts/setup.sh first"
  img_args=()
  [[ $QUIET == 1 ]] && img_args=(--quiet)
  node --import tsx scripts/docker-images.ts "${img_args[@]}"
fi
say "ready"
