#!/usr/bin/env bash
# Fills manim-slides' reveal.js cache from the npm registry, so that `manim-slides convert --offline` bundles
# reveal.js into the HTML on a machine that cannot reach the CDN it would download from. Needs npm and the
# [slides] extra; does nothing when the cache is already full.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=${PYTHON:-.venv/bin/python}
read -r version cache < <("$python" -c "
from manim_slides.convert import RevealJS
from platformdirs import user_cache_path
version = RevealJS.model_fields['reveal_version'].default
print(version, user_cache_path('manim-slides') / f'revealjs{version}')")
# The assets manim-slides' reveal.js template links (it caches each under its file name).
files=(dist/reveal.css dist/theme/black.css dist/plugin/highlight/zenburn.css
       dist/reveal.js dist/plugin/notes.js dist/plugin/markdown.js)
missing=0
for f in "${files[@]}"; do [ -s "$cache/$(basename "$f")" ] || missing=1; done
((missing)) || exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "reveal.js@$version" >/dev/null && tar -xzf "reveal.js-$version.tgz")
mkdir -p "$cache"
for f in "${files[@]}"; do cp "$work/package/$f" "$cache/"; done
echo "revealjs_cache: reveal.js $version cached in $cache" >&2
