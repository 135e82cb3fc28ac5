#!/bin/sh
# What `npm run bench` needs besides wirelab's own setup (scripts/setup.sh: FRR, iproute2,
# npm packages): Debian's `mininet` for the peer baseline (without Open vSwitch, which the
# chain benchmark does not use) and `iputils-ping`. Installs only
# what is missing, so the second run is instant. Root, like the benchmark itself.
set -eu

die() { echo "bench/setup.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (the benchmark builds namespaces and starts FRR)"
[ -x /usr/lib/frr/zebra ] || die "FRR is not installed: run scripts/setup.sh first"
[ -f bench/peers/raw-chain.sh ] && [ -f bench/peers/mininet-chain.py ] ||
  die "peer scripts missing: run from the repository's root (bench/peers/)"

missing=""
command -v mn >/dev/null 2>&1 || missing="$missing mininet"
command -v ping >/dev/null 2>&1 || missing="$missing iputils-ping"
[ -n "$missing" ] || exit 0

echo "bench/setup.sh: installing$missing" >&2
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install$missing by hand"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet: update once when the install cannot find them.
# shellcheck disable=SC2086 # the list is ours, one word per package
apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends $missing >/dev/null
}
