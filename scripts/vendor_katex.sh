#!/usr/bin/env bash
# Refreshes the KaTeX files vendored in mlp_core/classroom/assets/katex/ from the npm registry (needs npm).
# check.html bundles them (fonts inlined as data: URLs), so the page typesets offline. Vendored rather than fetched at
# set-up: `worksheet` then works from any install of the package, without npm or a network, and writes the same bytes
# every run. To move to another KaTeX version, change VERSION and INTEGRITY (`npm view katex@X dist.integrity`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VERSION=0.19.1
INTEGRITY=sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA==
target=mlp_core/classroom/assets/katex
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "katex@$VERSION" >/dev/null)
tarball="$work/katex-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
    echo "vendor_katex: katex-$VERSION.tgz has integrity $actual, expected $INTEGRITY" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work"
rm -rf "$target"
mkdir -p "$target/fonts"
cp "$work/package/dist/katex.min.js" "$work/package/dist/katex.min.css" "$work/package/LICENSE" "$target/"
cp "$work/package/dist/fonts/"*.woff2 "$target/fonts/"  # every browser that runs KaTeX reads woff2
echo "$VERSION" > "$target/VERSION"
echo "vendor_katex: KaTeX $VERSION in $target" >&2
