"""Smoke test for benchmarks/bench_mlflow_compat.py: its workload runs through the official
client against our server and yields a time and a client floor for every row of the table.

No timing assertions (the figures depend on the machine). ``mlflow server``'s side is the
same workload script; it is left out here because that server takes a minute to start.
"""

from __future__ import annotations

import sys

import pytest
from support.paths import BENCHMARKS

sys.path.insert(0, str(BENCHMARKS))

import bench_mlflow_compat  # noqa: E402

from jupyterlab_tracker.testing import LiveServer  # noqa: E402

pytestmark = pytest.mark.slow  # a live lab server and the official client


def test_the_workload_times_every_row_and_its_client_floor(tmp_path):
    sizes = bench_mlflow_compat.SIZES["quick"]
    with LiveServer(tmp_path / "ours") as ours:
        result = bench_mlflow_compat.run_workload(ours.mlflow_env(), sizes)
    figures = result["figures"]
    assert set(figures) == {key for key, *_ in bench_mlflow_compat.ROWS}
    for key, (seconds, floor) in figures.items():
        assert seconds > 0 and floor > 0, (key, seconds, floor)
    assert 0 < result["found"] < sizes["runs"]
    # The table has a line per row, with both sides and the ratios.
    lines = bench_mlflow_compat.table(figures, figures, sizes)
    assert len(lines) == len(bench_mlflow_compat.ROWS) + 2
    assert f"search_runs returning {sizes['runs']} runs" in lines[5]
    assert all("1.0x" in line for line in lines[1:-1])
