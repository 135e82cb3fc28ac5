#!/usr/bin/env bash
# The main job in one command: install what is missing, build wirelab, deploy the seed's
# three-router eBGP network and show it working.
#
#   sudo ./scripts/demo.sh [TOPOLOGY [LAB]]   (default: examples/seed-ebgp.yml, lab seed-demo)
#
# The lab is deployed under its own name (LAB, or WIRELAB_DEMO_LAB; default seed-demo), never
# under the file's: on a shared machine the demo removes only its own earlier run, and
# refuses to remove a lab of that name deployed from another file.
# For another topology, WIRELAB_DEMO_NODE (default ops1) and WIRELAB_DEMO_PING (default
# 192.168.102.2, ops3's address) choose the router to look at and the address it pings.
# Exits non-zero when any step fails.
set -Eeuo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TOPO=${1:-examples/seed-ebgp.yml}
LAB=${2:-${WIRELAB_DEMO_LAB:-seed-demo}}
NODE=${WIRELAB_DEMO_NODE:-ops1}
TARGET=${WIRELAB_DEMO_PING:-192.168.102.2}

current="setup"
trap 'echo "demo: FAILED during: $current (exit $?)" >&2' ERR

header() {
  current=$1
  printf '\n==> %s\n' "$1"
}

# The checkout's own bin, run by node directly: no PATH set-up needed, and never a package of
# the same name fetched from a registry.
wirelab() { node bin/wirelab.js "$@"; }

bash scripts/setup.sh

[[ -f $TOPO ]] || {
  echo "demo: topology file '$TOPO' not found" >&2
  exit 1
}

header "removing the demo's previous run (lab $LAB from $TOPO), if any"
if ! out=$(wirelab destroy -t "$TOPO" --lab "$LAB" 2>&1); then
  if [[ $out == *"not deployed"* || $out == *"nothing to do"* ]]; then
    echo "(not deployed)"
  else
    printf '%s\n' "$out" >&2
    false
  fi
else
  printf '%s\n' "$out"
fi

header "wirelab deploy -t $TOPO --lab $LAB"
wirelab deploy -t "$TOPO" --lab "$LAB"

# BGP sessions are Established when deploy returns; the routes they carry reach the kernel a
# moment later. Give them up to 15 s before showing the table and pinging.
for _ in $(seq 1 30); do
  if wirelab exec --lab "$LAB" "$NODE" -- ping -c 1 -W 1 "$TARGET" >/dev/null 2>&1; then break; fi
  sleep 0.5
done

header "$NODE# show ip bgp"
wirelab exec --lab "$LAB" "$NODE" -- vtysh -c "show ip bgp"

header "$NODE\$ ping -c 3 $TARGET"
wirelab exec --lab "$LAB" "$NODE" -- ping -c 3 "$TARGET"

header "wirelab inspect --lab $LAB"
wirelab inspect --lab "$LAB"

trap - ERR
WL=./bin/wirelab.js
printf '\nThe lab is up. Explore it as root from %s (or run "npm link" once to get a "wirelab" command):\n' "$(pwd)"
printf '  %-68s # %s\n' \
  "$WL cli --lab $LAB $NODE" "vtysh on $NODE" \
  "$WL exec --lab $LAB $NODE -- ip -d link" "any command inside a node" \
  "$WL inspect --lab $LAB" "nodes, cables, peer ifindexes, daemons"
printf 'Remove it:\n  %s\n' "$WL destroy --lab $LAB"
