"""Huge request bodies: refused while they arrive, without stalling the event loop.

The flood is ``benchmarks/bench_body_flood.py``'s: four concurrent log_batch bodies of
16 MiB with 760,000 metrics each. Before bodies were streamed and counted, the server
parsed all four on the event loop (``GET api/version`` waited 28 s) and grew by 950 MB.
No timing assertion: the version request's latency during the flood is the benchmark's
figure (target under 2 s); here every such request must be answered (a stalled loop makes
them time out) and the server must not swell (200 MB of slack, against 950 MB before).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests
from reliability_figures import FIGURES

from jupyterlab_tracker.testing import LiveServer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_body_flood import flood_body, run_flood  # noqa: E402

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("flood")) as server:
        yield server


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("limit")
    with LiveServer(root, extra_args=(f"--Tracker.max_body_size={LIMIT}",)) as server:
        yield server


def test_a_flood_of_huge_bodies_neither_stalls_nor_swells_the_server(server):
    figures = run_flood(server, concurrency=4, body=flood_body())
    FIGURES["requests_fuzzed"] += figures["concurrency"]
    assert figures["answers"] == [(400, "BAD_REQUEST")], figures
    assert figures["version_requests"] and not figures["version_failures"], figures
    assert figures["peak_above_idle_mb"] < 200, figures


def _post(server, path: str, body: bytes, token: bool = True) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"token {server.token}"
    return requests.post(f"{server.tracker_url}/{path}", data=body, headers=headers, timeout=60)


def test_the_body_limit_is_configurable(small_limit_server):
    name = "x" * (LIMIT - 20)
    within = _post(small_limit_server, "api/experiments", b'{"name": "%s"}' % name[:400].encode())
    assert within.status_code == 201, within.text
    for path in ("api/experiments", "api/2.0/mlflow/experiments/create"):
        FIGURES["requests_fuzzed"] += 1
        response = _post(small_limit_server, path, b'{"name": "%s"}' % name.encode() + b" " * 40)
        assert response.status_code == 400, response.text
        assert response.json()["error_code"] == "BAD_REQUEST"
        assert f"limited to {LIMIT:,} bytes" in response.json()["message"]


def test_a_caller_without_the_token_gets_403_however_big_the_body(server):
    FIGURES["requests_fuzzed"] += 1
    response = _post(server, "api/experiments", b'{"name": "' + b"x" * 2**20 + b'"}', token=False)
    assert response.status_code == 403
    assert response.json()["error_code"] == "PERMISSION_DENIED"
