#!/usr/bin/env bash
# Installs what wirelab needs on a Debian/Ubuntu machine, then builds it. Idempotent: a second
# run finds everything present and takes well under a second.
#
#   sudo ./scripts/setup.sh [--quiet] [--no-build]
#
#   Debian packages  frr bird2 iproute2 iputils-ping ethtool tcpdump procps util-linux
#                    chromium on Debian (the graph page's browser test)
#                    (apt-get update + install only when one is missing)
#   Node.js >= 20 and npm (from the archive only when absent and the archive's is >= 20)
#   node_modules     npm ci, when missing or older than package-lock.json
#   dist/            npm run build, when missing or older than a source file
set -euo pipefail

PACKAGES=(frr bird2 iproute2 iputils-ping ethtool tcpdump procps util-linux)
# The graph page's end-to-end test drives Debian's chromium (/usr/bin/chromium). Ubuntu's
# chromium package is a snap wrapper: not installed there, and that test says it skipped.
if grep -qs '^ID=debian' /etc/os-release; then PACKAGES+=(chromium); fi
NODE_MAJOR_MIN=20

QUIET=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    -q | --quiet) QUIET=1 ;;
    --no-build) BUILD=0 ;;
    -h | --help)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown option '$arg' (use --quiet, --no-build)" >&2
      exit 2
      ;;
  esac
done

say() { if [[ $QUIET == 0 ]]; then echo "setup: $*"; fi; }
die() {
  echo "setup: error: $*" >&2
  exit 1
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- root ---------------------------------------------------------------------------------
if [[ $(id -u) -ne 0 ]]; then
  die "wirelab creates network namespaces and starts FRR and BIRD, so it needs root. Run: sudo $0 $*"
fi

# --- what is missing ------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

export DEBIAN_FRONTEND=noninteractive
apt_q=()
[[ $QUIET == 1 ]] && apt_q=(-qq)
apt_updated=0
apt_update_once() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]:-the packages above} by hand"
  if [[ $apt_updated == 0 ]]; then
    apt-get "${apt_q[@]}" update
    apt_updated=1
  fi
}

major() { local v=${1#*:}; echo "${v%%.*}"; }

# Node.js and npm. A Node.js that is present but too old is the user's to upgrade; one that
# is absent is installed from the distribution's archive when the archive's is new enough
# (Debian 13 has 20; Debian 12 and Ubuntu 24.04 have 18, too old).
if command -v node >/dev/null 2>&1; then
  node_version=$(node -p 'process.versions.node')
  [[ $(major "$node_version") -ge $NODE_MAJOR_MIN ]] ||
    die "Node.js $node_version found; wirelab needs ${NODE_MAJOR_MIN} or later"
  command -v npm >/dev/null 2>&1 || die "npm is not installed (it ships with Node.js ${NODE_MAJOR_MIN}+)"
else
  apt_update_once
  candidate=$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ $candidate =~ ^[0-9:]*[0-9]+\. && $(major "$candidate") -ge $NODE_MAJOR_MIN ]]; then
    missing+=(nodejs npm)
  else
    die "Node.js ${NODE_MAJOR_MIN}+ is not installed, and this distribution's nodejs (${candidate:-none}) is too old: install Node.js ${NODE_MAJOR_MIN} or later from the Node.js project's releases, then run this again"
  fi
fi

# --- Debian packages --------------------------------------------------------------------
POLICY=/usr/sbin/policy-rc.d
policy_ours=0
remove_policy() {
  if [[ $policy_ours == 1 ]]; then
    rm -f "$POLICY"
    policy_ours=0
  fi
}

# True when FRR's default (system-wide, no pathspace) instance has a live daemon.
system_frr_running() {
  local f pid
  for f in /run/frr/watchfrr.pid /run/frr/zebra.pid; do
    [[ -r $f ]] || continue
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] && [[ -d /proc/$pid ]] && return 0
  done
  return 1
}

# True when BIRD's default (system-wide) instance answers on its default control socket.
system_bird_running() {
  [[ -S /run/bird/bird.ctl ]] && birdc -s /run/bird/bird.ctl show status >/dev/null 2>&1
}

# A routing daemon's system-wide service, installed with its package: kept from starting at
# boot and stopped (through its service manager, never by process name) if a package script
# started it anyway. wirelab runs its own instance per node.
hold_service() {
  local unit=$1 running=$2
  if [[ -d /run/systemd/system ]]; then
    if systemctl is-enabled --quiet "$unit.service" 2>/dev/null; then
      systemctl disable --quiet "$unit.service" && say "disabled the system-wide $unit.service (wirelab runs one instance per node)"
    fi
    if systemctl is-active --quiet "$unit.service" 2>/dev/null; then
      systemctl stop "$unit.service" && say "stopped the system-wide $unit.service started by the package install"
    fi
  elif "$running" && [[ -x /etc/init.d/$unit ]]; then
    "/etc/init.d/$unit" stop >/dev/null && say "stopped the system-wide $unit started by the package install"
  fi
}

if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing Debian packages: ${missing[*]}"
  # Package installs must not start services: wirelab runs its own FRR and BIRD per node,
  # and a system-wide FRR or BIRD instance is not wanted. policy-rc.d answering 101 tells invoke-rc.d and
  # deb-systemd-invoke not to start anything. An existing policy is left as it is.
  if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# written by wirelab scripts/setup.sh for the duration of an install\nexit 101\n' >"$POLICY"
    chmod 0755 "$POLICY"
    policy_ours=1
    trap remove_policy EXIT
    trap 'remove_policy; exit 130' INT TERM
  fi
  apt_update_once
  apt-get "${apt_q[@]}" install -y --no-install-recommends "${missing[@]}"
  remove_policy

  # We installed FRR and BIRD only for their daemons: no system-wide instance.
  if [[ " ${missing[*]} " == *" frr "* ]]; then hold_service frr system_frr_running; fi
  if [[ " ${missing[*]} " == *" bird2 "* ]]; then hold_service bird system_bird_running; fi
else
  say "Debian packages present: ${PACKAGES[*]}"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  die "node or npm still missing after the install"
fi
say "node $(node -p 'process.versions.node'), npm $(npm --version)"

# FRR's run directory: systemd-tmpfiles makes it at boot; machines without systemd may lack it.
# Each wirelab node's pathspace lives under it (/run/frr/wl_<lab>_<node>/).
if [[ ! -d /run/frr ]] && getent passwd frr >/dev/null; then
  install -d -m 0755 -o frr -g frr /run/frr
  say "created /run/frr"
fi

# --- npm dependencies -------------------------------------------------------------------
npm_q=(--no-audit --no-fund)
[[ $QUIET == 1 ]] && npm_q+=(--loglevel=error)
if [[ -f package-lock.json ]]; then
  # -nt is also true when node_modules/.package-lock.json does not exist.
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "npm ci"
    npm ci "${npm_q[@]}"
  else
    say "node_modules up to date"
  fi
elif [[ ! -d node_modules || package.json -nt node_modules/.package-lock.json ]]; then
  say "npm install (no package-lock.json)"
  npm install "${npm_q[@]}"
else
  say "node_modules up to date"
fi

# --- build --------------------------------------------------------------------------------
# The stamp is written only after a successful build: tsc emits files even when it reports
# errors, so dist/ existing does not mean it is good.
STAMP=dist/.build-stamp
if [[ $BUILD == 1 ]]; then
  if [[ ! -f $STAMP ]] || [[ -n $(find src tsconfig.json package.json -newer "$STAMP" -print -quit 2>/dev/null) ]]; then
    say "building (npm run build)"
    rm -f "$STAMP"
    if [[ $QUIET == 1 ]]; then npm run --silent build; else npm run build; fi
    touch "$STAMP"
  else
    say "dist/ up to date"
  fi
fi

say "ready"
