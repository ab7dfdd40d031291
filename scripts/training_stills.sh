#!/usr/bin/env bash
# Still frames of a training video, for slides: renders/images/training/<preset>_step<k>.png.
#   scripts/training_stills.sh [PRESET [STEP ...]]    (default: fig21 10 99, the steps of the article's recreated frames)
# Trains the preset once into a run file, then renders each step (counted from 0, as the article's "Step = k") with
#   MLP_RUN=run.npz MLP_STEP=k manim -s scenes/training.py TrainingRun
# MANIM_QUALITY picks the resolution (default -ql; -qh for 1080p).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
preset=${1:-fig21}
shift || true
steps=("$@")
((${#steps[@]})) || steps=(10 99)
run_dir=$(mktemp -d)
trap 'rm -rf "$run_dir"' EXIT
python -m mlp_core train --preset "$preset" -o "$run_dir/run.npz"
for step in "${steps[@]}"; do
    MLP_RUN="$run_dir/run.npz" MLP_STEP="$step" \
        manim "${MANIM_QUALITY:--ql}" -s -o "${preset}_step${step}" scenes/training.py TrainingRun
done
