#!/usr/bin/env bash
# Renders the explainer into renders/, installing what is missing first. Extra arguments go to manim (e.g. -qh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec manim "${@:--ql}" scenes/backprop.py
