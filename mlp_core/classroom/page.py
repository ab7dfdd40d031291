"""check.html: one self-contained page per student that checks their values as they type them, offline.

The page carries the student's numbers, the formulas (typeset by the KaTeX bundled into it: its script, its style
sheet and its woff2 fonts as data: URLs, from assets/katex/, vendored from npm by scripts/vendor_katex.sh), the
trace's values and the tolerances of `python -m mlp_core check`'s rule, computed here by Python so that the page's
verdicts are the command's to the last bit. A Content-Security-Policy forbids every network request.

The page holds the answers (it checks offline): a student who reads its source can find them. For an exam, hand
out the worksheet only and grade the submissions with `python -m mlp_core grade`.
"""
import base64
import functools
import hashlib
import html
import json
import re
from importlib import resources

import numpy as np

from mlp_core.classroom.latex import constants, settings_text, symbol
from mlp_core.config import ConfigError
from mlp_core.export import matrix

ASSETS = resources.files("mlp_core.classroom") / "assets"
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; font-src data:; img-src data:; "
       "form-action 'none'; base-uri 'none'")


def tolerances():
    """[10.0 ** -n * (1 + 1e-9) for n = 0, 1, ...] while not 0: mlp_core.check's bound for n decimals."""
    out, n = [], 0
    while (bound := 10.0 ** -n * (1 + 1e-9)) > 0:
        out.append(bound)
        n += 1
    return out


@functools.lru_cache(maxsize=None)
def katex_bundle():
    """(KaTeX's script, its style sheet with each font as a woff2 data: URL), and the version."""
    katex = ASSETS / "katex"
    script = (katex / "katex.min.js").read_text(encoding="utf-8")
    css = (katex / "katex.min.css").read_text(encoding="utf-8")

    def inline(match):
        font = (katex / "fonts" / f"{match.group(1)}.woff2").read_bytes()
        return f'src:url(data:font/woff2;base64,{base64.b64encode(font).decode()}) format("woff2")'

    css, count = re.subn(r'src:url\(fonts/([\w-]+)\.woff2\) format\("woff2"\)(?:,url\([^)]*\) format\("[^"]*"\))*',
                         inline, css)
    if count == 0 or "url(fonts/" in css:
        raise RuntimeError("assets/katex/katex.min.css: unexpected @font-face rules; re-run scripts/vendor_katex.sh")
    version = (katex / "VERSION").read_text().strip()
    return script.replace("</script", "<\\/script"), css, version


def page_data(student, trace, hints):
    """What the page's script needs, as JSON-ready data."""
    values = {}
    for name, value in trace.values.items():
        array = np.asarray(value, dtype=float)
        if not np.all(np.isfinite(array)):
            raise ConfigError(f"student {student.id!r}: {name} is not finite in their trace "
                              f"(settings that overflow); choose other network options")
        values[name] = array.ravel().tolist()
    steps = []
    for step in trace.steps:
        entry = {"name": step.name, "symbol": symbol(step), "shape": list(np.shape(trace.values[step.name]))}
        if step.inputs:
            entry.update(formula=step.formula, value=values[step.name])
            if hints:
                entry["inputs"] = list(step.inputs)
        else:
            entry["latex"] = f"{symbol(step)} = {matrix(trace.values[step.name], 8)}"
        steps.append(entry)
    return {"id": student.id, "name": student.name, "hints": hints, "steps": steps,
            "settings": settings_text(trace),
            "constants": constants(trace),
            "storage": "mlp_core-check/" + student.id + "/" + fingerprint_text(values),
            "tolerance": tolerances()}


def fingerprint_text(values):
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]


def check_page(student, trace, hints=True):
    """The whole page, as text."""
    script, katex_css, version = katex_bundle()
    page_script = (ASSETS / "check.js").read_text(encoding="utf-8")
    page_css = (ASSETS / "check.css").read_text(encoding="utf-8")
    data = json.dumps(page_data(student, trace, hints), allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    data = data.replace("<", "\\u003c")  # inside JSON strings only: no "</script>" or "<!--" can end the element
    who = html.escape(f"{student.name} ({student.id})" if student.name else student.id)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>Backpropagation by hand: {who}</title>
<!-- KaTeX {version} (MIT licence, https://katex.org), bundled so that this page needs no network. -->
<style>{katex_css}</style>
<style>{page_css}</style>
</head>
<body>
<noscript><p class="noscript">This page checks your values with JavaScript: please allow it.</p></noscript>
<script type="application/json" id="mlp-data">{data}</script>
<script>{script}</script>
<script>{page_script}</script>
</body>
</html>
"""
