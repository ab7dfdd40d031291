#!/usr/bin/env bash
# Renders the explainer into renders/ (720p, one clip per figure, subtitles, narrated by festival unless
# MLP_VOICE says otherwise), installing what is missing first.
# Arguments replace the default manim options: `bash scripts/render.sh -qh` for 1080p60, `-ql` for a draft.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export MLP_VOICE="${MLP_VOICE:-festival}"
if (($#)); then
    exec manim "$@" scenes/backprop.py
fi
exec manim -qm --save_sections scenes/backprop.py
