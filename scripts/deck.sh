#!/usr/bin/env bash
# The Beamer deck as a PDF in one command: renders/deck.pdf, with deck.tex and LaTeX's .aux/.log/.nav/.out/.snm/.toc
# beside it (renders/ is not in git).
#   scripts/deck.sh [EXPORT OPTIONS ...]    e.g. --precision 4, --trace renders/trace.json, --hidden 5 --bias
# Exports with `python -m mlp_core export --format beamer`, then runs pdflatex quietly until the outline and the
# navigation are settled (twice; once more while LaTeX asks for a rerun). A LaTeX error prints the log's message.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
python -m mlp_core export --format beamer "$@" -o renders/deck.tex
cd renders
for run in 1 2 3 4; do
    if ! pdflatex -interaction=nonstopmode -halt-on-error deck.tex >/dev/null; then
        grep -A8 '^!' deck.log >&2 || tail -n 20 deck.log >&2
        echo "deck: pdflatex failed, the whole log is renders/deck.log" >&2
        exit 1
    fi
    if ((run >= 2)) && ! grep -Eq 'Rerun to get|may have changed|has changed\.' deck.log; then
        break
    fi
done
echo "renders/deck.pdf"
