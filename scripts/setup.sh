#!/usr/bin/env bash
# Installs what is missing (Debian packages, the .venv with the project) and is quick when all is there.
# Sourced by scripts/render.sh and scripts/test.sh; run as root on Debian.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

apt_packages=(build-essential pkg-config libcairo2-dev libpango1.0-dev
              texlive-latex-base texlive-latex-extra dvisvgm poppler-utils python3-venv python3-dev
              lmodern chromium  # the worksheets' fonts; the classroom page's browser tests (with playwright)
              espeak-ng festival festvox-us-slt-hts sox)  # the narrator's voices (scenes/voice.py)
missing=()
for package in "${apt_packages[@]}"; do
    # python3-venv/-dev only matter for Debian's own python3; a python with venv and headers needs neither.
    case "$package" in
        python3-venv) python3 -c "import ensurepip" 2>/dev/null && continue ;;
        python3-dev) python3 -c "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" && continue ;;
    esac
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -e "$stamp" ]; then
    echo "setup: installing the project into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test,slides]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
