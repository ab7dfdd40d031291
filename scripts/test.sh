#!/usr/bin/env bash
# Runs the whole test suite, installing what is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec python -m pytest "$@"
