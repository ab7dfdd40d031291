"""Shared helpers for the tests: running the CLI and manim as a user does, and comparing what the CLI writes."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp_core.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cli(tmp_path):
    """Run `python -m mlp_core ARGS` in tmp_path; returns the CompletedProcess (text)."""
    def run(*args):
        return subprocess.run([sys.executable, "-m", "mlp_core", *map(str, args)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    return run


@pytest.fixture
def manim():
    """Run `python -m manim ARGS` from the repository's root, as a user does; returns the CompletedProcess (text).
    MLP_TRACE and MLP_VOICE are unset unless given as keywords; other keywords set environment variables."""
    def run(args, **environment):
        env = {name: value for name, value in os.environ.items() if name not in ("MLP_TRACE", "MLP_VOICE")}
        env.update({name: str(value) for name, value in environment.items()})
        return subprocess.run([sys.executable, "-m", "manim", *map(str, args)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
    return run


@pytest.fixture
def mlp(tmp_path, monkeypatch, capsys):
    """`cli` in this process (no interpreter start-up): mlp_core.cli.main(ARGS) run in tmp_path, returning a
    CompletedProcess (returncode, stdout, stderr) like `cli`."""
    monkeypatch.chdir(tmp_path)

    def run(*args):
        capsys.readouterr()
        args = [str(a) for a in args]
        code = main(args)
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)
    return run


@pytest.fixture
def refused():
    """refused(result, *words, output=None): the command failed as bad input does, one line on stderr that
    contains each of `words`, exit status 2, nothing on stdout, and no file at `output`. Returns the line."""
    def check(result, *words, output=None):
        err = result.stderr
        assert result.returncode == 2, (result.returncode, result.stdout, err)
        assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, err
        assert result.stdout == "", result.stdout
        for word in words:
            assert word in err, (word, err)
        if output is not None:
            assert not output.exists(), f"{output} was written"
        return err
    return check


def _same_arrays(a, b, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype.kind == b.dtype.kind, (what, a.shape, b.shape, a.dtype, b.dtype)
    assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), what


@pytest.fixture
def same_run():
    """same_run(a, b): two Runs (mlp_core.train.Run) are the same run bit for bit: config, options, loss and
    accuracy of every iteration, snapshots (weights, classes), final weights, grid, data and divergence."""
    def check(a, b):
        assert a.config == b.config
        assert a.options == b.options
        for name in ("loss", "accuracy", "grid_x", "grid_y", "X", "y"):
            _same_arrays(getattr(a, name), getattr(b, name), name)
        assert a.params.keys() == b.params.keys()
        for name in a.params:
            _same_arrays(a.params[name], b.params[name], name)
        assert (a.diverged_at, a.lowest_loss_at, a.last_finite_loss) == (b.diverged_at, b.lowest_loss_at,
                                                                         b.last_finite_loss)
        assert [s.iteration for s in a.snapshots] == [s.iteration for s in b.snapshots]
        for s, t in zip(a.snapshots, b.snapshots):
            _same_arrays([s.loss, s.accuracy], [t.loss, t.accuracy], f"snapshot {s.iteration}")
            assert s.params.keys() == t.params.keys()
            for name in s.params:
                _same_arrays(s.params[name], t.params[name], f"snapshot {s.iteration} {name}")
            _same_arrays(s.classes, t.classes, f"snapshot {s.iteration} classes")
    return check


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright (its own browser download is not needed); skips with
    the reason where either is missing."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; scripts/setup.sh does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]'; scripts/setup.sh does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def offline_context(browser):
    """A browser context without network: every request that is not for a file (or data:, blob:) is aborted,
    and the test fails if a page asked for one."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    asked = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            request_route.continue_()
        else:
            asked.append(url)
            request_route.abort()
    context.route("**/*", route)
    yield context
    context.close()
    assert asked == [], f"the page asked the network for {asked}"
