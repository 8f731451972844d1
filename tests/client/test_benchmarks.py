"""Smoke tests for benchmarks/bench_tracking.py and bench_views.py: they run and print
every figure.

No timing assertions: the figures depend on the machine; this only keeps the script
working as the code under it changes.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support.paths import BENCHMARKS

sys.path.insert(0, str(BENCHMARKS))

import bench_tracking  # noqa: E402

pytestmark = pytest.mark.slow  # runs the benchmark scripts

SKIPPED_ROWS = {"ingest_http_pts_s"}  # --no-http
NUMBER = r"\d[\d,]*(\.\d+)?"


def test_quick_benchmark_prints_every_figure(tmp_path):
    out = tmp_path / "figures.json"
    command = [sys.executable, str(BENCHMARKS / "bench_tracking.py"), "--quick", "--no-mlflow"]
    command += ["--no-http", "--json", str(out)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    for key, label, unit, _target, _higher in bench_tracking.ROWS:
        prefix = label.split("{")[0].rstrip()
        row = next((line for line in lines if line.startswith(prefix)), None)
        assert row is not None, f"no row for {key}:\n{finished.stdout}"
        row_unit, ours = row[52:].split()[:2]  # after the 52-character label column
        assert row_unit == unit, row
        if key in SKIPPED_ROWS:
            assert ours == "n/a"
        else:
            assert re.fullmatch(NUMBER, ours), row
    assert out.exists()


def test_views_benchmark_opens_the_browser_and_turns_a_page():
    command = [sys.executable, str(BENCHMARKS / "bench_views.py"), "--runs", "120"]
    command += ["--repeats", "1"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert re.search(rf"on 120 runs: open {NUMBER} ms", finished.stdout), finished.stdout
    assert re.search(rf"turn to page 2: {NUMBER} ms", finished.stdout), finished.stdout
    assert "51–100 of 120" in finished.stdout, finished.stdout


def test_system_metrics_benchmark_prints_its_figures():
    command = [sys.executable, str(BENCHMARKS / "bench_system_metrics.py"), "--samples", "5"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    for label in ("cpu median", "cpu p99", "wall median", "write one sample", "share of a core"):
        row = next((line for line in finished.stdout.splitlines() if label in line), None)
        assert row is not None and re.search(NUMBER, row.split(label)[1]), finished.stdout
    assert re.search(r"\d+ metrics a sample", finished.stdout), finished.stdout
