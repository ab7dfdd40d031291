#!/usr/bin/env bash
# One PNG per figure of the explainer, the last frame of each section, into renders/stills/NN_name.png.
# Extra arguments go to manim (default -ql, 854x480; -qh gives 1920x1080). MLP_TRACE works as for the video.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export MLP_VOICE="${MLP_VOICE:-none}"  # last frames: no voice needed
manim "${@:--ql}" --save_sections scenes/backprop.py
sections=$(ls -td renders/videos/backprop/*/sections | head -1)
python scripts/last_frames.py "$sections/Backprop.json" renders/stills
