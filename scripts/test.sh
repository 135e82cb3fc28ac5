#!/usr/bin/env bash
# The whole test suite in one command, on a fresh Debian/Ubuntu machine as root:
# installs what is missing (scripts/setup.sh), then `npm test`, which builds, lints (Biome)
# and runs the unit and integration tests with node:test. The integration tests create
# real network namespaces (named wl_*), FRR daemons and Docker containers (labelled
# wirelab.lab=…, after scripts/docker-setup.sh has made Docker usable), so they need root.
#
#   sudo ./scripts/test.sh [ARGS...]     ARGS are appended to `npm test` (npm test -- ARGS)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# npm test builds anyway: setup only installs.
bash scripts/setup.sh --no-build
# The docker runtime's tests: Debian's docker.io and debootstrap, a running daemon (started
# here when none answers) and the test images built from Debian packages (cached).
# WIRELAB_NO_DOCKER=1 skips this; the docker tests then skip themselves (outside CI).
if [[ ${WIRELAB_NO_DOCKER:-0} != 1 ]]; then
  bash scripts/docker-setup.sh
fi

if [[ $# -gt 0 ]]; then
  exec npm test -- "$@"
fi
exec npm test
