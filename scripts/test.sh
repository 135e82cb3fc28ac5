#!/usr/bin/env bash
# The whole test suite in one command, on a fresh Debian/Ubuntu machine as root:
# installs what is missing (scripts/setup.sh), then `npm test`, which builds, lints (Biome)
# and runs the unit and integration tests with node:test. The integration tests create
# real network namespaces (named wl_*) and FRR daemons, so they need root.
#
#   sudo ./scripts/test.sh [ARGS...]     ARGS are appended to `npm test` (npm test -- ARGS)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# npm test builds anyway: setup only installs.
bash scripts/setup.sh --no-build

if [[ $# -gt 0 ]]; then
  exec npm test -- "$@"
fi
exec npm test
