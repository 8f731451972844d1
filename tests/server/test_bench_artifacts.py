"""Smoke test for benchmarks/bench_artifacts.py on a small file (the 500 MB run is the
benchmark's own job): it starts a server, moves the file both ways and prints the figures."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.paths import BENCHMARKS

pytestmark = pytest.mark.slow  # starts a server and moves a file both ways

SCRIPT = BENCHMARKS / "bench_artifacts.py"


def test_artifact_benchmark_runs_on_a_small_file():
    command = [sys.executable, str(SCRIPT), "--size-mb", "4"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    for label in ("upload", "download", "peak RSS above idle"):
        assert label in finished.stdout, finished.stdout
