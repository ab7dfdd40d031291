"""Shared helpers for the tests: running the CLI as a user does."""
import subprocess
import sys

import pytest


@pytest.fixture
def cli(tmp_path):
    """Run `python -m mlp_core ARGS` in tmp_path; returns the CompletedProcess (text)."""
    def run(*args):
        return subprocess.run([sys.executable, "-m", "mlp_core", *map(str, args)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    return run
