"""Retries never duplicate, through the routes: raw replays of the same request.

The official MLflow client retries a POST whose answer it lost, so the MLflow routes store
an exact repeat of a point once, as MLflow's own store does. The native API has batch ids:
the same id with the same content is a silent success, with other content a 409.
"""

from __future__ import annotations

ML = "api/2.0/mlflow"


async def _mlflow_run(tracker_api) -> str:
    status, body = await tracker_api("POST", f"{ML}/runs/create", {"experiment_id": "0"})
    assert status == 200, body
    return body["run"]["info"]["run_id"]


async def _mlflow_history(tracker_api, run_id: str, key: str) -> list[tuple]:
    params = {"run_id": run_id, "metric_key": key}
    status, body = await tracker_api("GET", f"{ML}/metrics/get-history", params=params)
    assert status == 200, body
    return [(m["step"], m["timestamp"], m["value"]) for m in body.get("metrics", [])]


async def test_a_replayed_mlflow_log_batch_stores_its_points_once(tracker_api):
    run_id = await _mlflow_run(tracker_api)
    batch = {
        "run_id": run_id,
        "metrics": [
            {"key": "loss", "value": 0.5, "timestamp": 1000, "step": 0},
            {"key": "loss", "value": 0.25, "timestamp": 1001, "step": 1},
            {"key": "loss", "value": "NaN", "timestamp": 1002, "step": 2},
            {"key": "loss", "value": 0.25, "timestamp": 1001, "step": 1},  # repeated inside
        ],
        "params": [{"key": "lr", "value": "0.1"}],
        "tags": [{"key": "team", "value": "a"}],
    }
    for _ in range(3):
        status, body = await tracker_api("POST", f"{ML}/runs/log-batch", batch)
        assert status == 200, body
    assert await _mlflow_history(tracker_api, run_id, "loss") == [
        (0, 1000, 0.5),
        (1, 1001, 0.25),
        (2, 1002, "NaN"),
    ]


async def test_a_replayed_mlflow_log_metric_stores_its_point_once(tracker_api):
    run_id = await _mlflow_run(tracker_api)
    point = {"run_id": run_id, "key": "acc", "value": 0.9, "timestamp": 5000, "step": 3}
    for _ in range(2):
        status, body = await tracker_api("POST", f"{ML}/runs/log-metric", point)
        assert status == 200, body
    # A new value at the same step and time is a new point.
    status, _ = await tracker_api("POST", f"{ML}/runs/log-metric", {**point, "value": 0.8})
    assert status == 200
    assert await _mlflow_history(tracker_api, run_id, "acc") == [(3, 5000, 0.9), (3, 5000, 0.8)]


async def _native_run(tracker_api) -> str:
    status, body = await tracker_api("POST", "api/runs", {"experiment_id": "0"})
    assert status == 201, body
    return body["run"]["info"]["run_id"]


async def test_a_native_batch_id_replayed_with_the_same_content_is_a_silent_success(
    tracker_api,
):
    run_id = await _native_run(tracker_api)
    batch = {"batch_id": "b-1", "metrics": [{"key": "m", "value": 1, "timestamp": 1, "step": 0}]}
    for _ in range(2):
        status, body = await tracker_api("POST", f"api/runs/{run_id}/batch", batch)
        assert (status, body) == (200, {})
    status, body = await tracker_api(
        "GET", f"api/runs/{run_id}/metrics/history", params={"key": "m"}
    )
    assert status == 200 and len(body["metrics"]) == 1


async def test_a_native_batch_id_reused_for_other_content_is_a_409(tracker_api):
    run_id = await _native_run(tracker_api)
    first = {"batch_id": "b-1", "metrics": [{"key": "m", "value": 1, "timestamp": 1, "step": 0}]}
    status, _ = await tracker_api("POST", f"api/runs/{run_id}/batch", first)
    assert status == 200
    other = {"batch_id": "b-1", "metrics": [{"key": "m", "value": 2, "timestamp": 2, "step": 1}]}
    status, body = await tracker_api("POST", f"api/runs/{run_id}/batch", other)
    assert status == 409
    assert body["error_code"] == "RESOURCE_ALREADY_EXISTS"
    assert "b-1" in body["message"] and "different content" in body["message"]
    status, body = await tracker_api(
        "GET", f"api/runs/{run_id}/metrics/history", params={"key": "m"}
    )
    assert [m["value"] for m in body["metrics"]] == [1]
