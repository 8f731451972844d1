"""``metrics/get-history`` pages as a real ``mlflow server`` pages it (``max_results``,
``page_token``); the points and the page sizes are the same, the tokens opaque."""

from __future__ import annotations

import pytest

API = "api/2.0/mlflow/"
POINTS = [{"key": "m", "value": float(i), "timestamp": 1000 + i, "step": i} for i in range(7)]


def _data_set(server) -> str:
    experiment = server.call("POST", API + "experiments/create", json={"name": "exact-history"})
    run = server.call(
        "POST", API + "runs/create", json={"experiment_id": experiment.body["experiment_id"]}
    ).body["run"]["info"]["run_id"]
    answer = server.call("POST", API + "runs/log-batch", json={"run_id": run, "metrics": POINTS})
    assert answer.status == 200, answer.body
    return run


@pytest.fixture(scope="module")
def runs(reference, ours):
    return {"reference": _data_set(reference), "ours": _data_set(ours)}


def _pages(server, run_id, max_results):
    """[(steps of the page, whether a next token came)] following the tokens."""
    pages, token = [], None
    while True:
        query = {"run_id": run_id, "metric_key": "m"}
        if max_results is not None:
            query["max_results"] = str(max_results)
        if token:
            query["page_token"] = token
        answer = server.call("GET", API + "metrics/get-history", params=query)
        assert answer.status == 200, answer.body
        token = answer.body.get("next_page_token")
        steps = [int(point.get("step", 0)) for point in answer.body.get("metrics", [])]
        pages.append((steps, bool(token)))
        if not token or len(pages) > 20:
            return pages


@pytest.mark.parametrize("max_results", [None, 1, 3, 7, 100, 10**12])
def test_history_pages_as_mlflow(reference, ours, runs, max_results):
    expected = _pages(reference, runs["reference"], max_results)
    assert _pages(ours, runs["ours"], max_results) == expected


def test_the_official_client_reads_the_whole_history(live_server, runs, monkeypatch):
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", live_server.token)
    history = MlflowClient(live_server.tracker_url).get_metric_history(runs["ours"], "m")
    assert [(m.step, m.value, m.timestamp) for m in history] == [
        (p["step"], p["value"], p["timestamp"]) for p in POINTS
    ]
