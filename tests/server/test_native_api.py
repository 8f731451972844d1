"""The native REST API through a real Jupyter Server (pytest-jupyter), on a SQLite store."""

from __future__ import annotations

import json
import math
import re

import pytest
from tornado.web import RequestHandler

from jupyterlab_tracker.server.native_api import OPENAPI_PATH
from jupyterlab_tracker.server.routes import NATIVE_ROUTES

MISSING_RUN = "0" * 32
HTTP_VERBS = ("get", "post", "put", "patch", "delete")


async def create_experiment(api, name="exp", **fields) -> str:
    status, body = await api("POST", "api/experiments", {"name": name, **fields})
    assert status == 201, body
    return body["experiment"]["experiment_id"]


async def create_run(api, experiment_id, **fields) -> dict:
    status, body = await api("POST", "api/runs", {"experiment_id": experiment_id, **fields})
    assert status == 201, body
    return body["run"]


def assert_error(status, body, expected_status, code, mentions=None):
    assert status == expected_status, body
    assert body["error_code"] == code, body
    if mentions:
        assert mentions in body["message"], body


# -- the document ----------------------------------------------------------------------


def openapi_path(route_pattern: str) -> str:
    """``api/runs/(?P<run_id>[0-9a-f]{32})`` -> ``/api/runs/{run_id}``."""
    return "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route_pattern)


def test_openapi_describes_exactly_the_native_routes():
    document = json.loads(OPENAPI_PATH.read_text())
    routes = {openapi_path(pattern): handler for pattern, handler in NATIVE_ROUTES}
    assert set(document["paths"]) == set(routes)
    for path, handler in routes.items():
        # Inherited verbs count (a shared base class may implement them); tornado's own
        # defaults answer 405.
        implemented = {
            verb
            for verb in HTTP_VERBS
            if getattr(handler, verb) is not getattr(RequestHandler, verb)
        }
        documented = {verb for verb in document["paths"][path] if verb in HTTP_VERBS}
        assert documented == implemented, path
        for verb in documented:
            operation = document["paths"][path][verb]
            assert {"400", "403"} <= set(operation["responses"]), (path, verb)


def test_openapi_references_resolve():
    document = json.loads(OPENAPI_PATH.read_text())
    text = OPENAPI_PATH.read_text()
    for ref in set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', text)):
        assert ref[1] in document["components"][ref[0]], ref


async def test_version_and_openapi_are_served(tracker_api):
    status, body = await tracker_api("GET", "api/version")
    assert status == 200 and body["status"] == "ok"
    status, body = await tracker_api("GET", "api/openapi.json")
    assert status == 200
    assert body == json.loads(OPENAPI_PATH.read_text())


async def test_unknown_endpoint_is_404(tracker_api):
    assert_error(*await tracker_api("GET", "api/nothing-here"), 404, "ENDPOINT_NOT_FOUND")


# -- experiments -----------------------------------------------------------------------


async def test_experiment_lifecycle(tracker_api):
    api = tracker_api
    status, body = await api("POST", "api/experiments", {"name": "exp-a", "tags": {"team": "ml"}})
    assert status == 201
    experiment = body["experiment"]
    experiment_id = experiment["experiment_id"]
    assert experiment["name"] == "exp-a"
    assert experiment["tags"] == {"team": "ml"}
    assert experiment["lifecycle_stage"] == "active"

    status, body = await api("GET", f"api/experiments/{experiment_id}")
    assert status == 200 and body["experiment"]["name"] == "exp-a"
    status, body = await api("GET", "api/experiments/by-name", params={"name": "exp-a"})
    assert status == 200 and body["experiment"]["experiment_id"] == experiment_id

    status, body = await api("PATCH", f"api/experiments/{experiment_id}", {"name": "exp-b"})
    assert status == 200 and body["experiment"]["name"] == "exp-b"

    tag = {"key": "k", "value": "v"}
    assert await api("PUT", f"api/experiments/{experiment_id}/tags", tag) == (200, {})
    status, _ = await api("DELETE", f"api/experiments/{experiment_id}/tags", params={"key": "team"})
    assert status == 200
    _, body = await api("GET", f"api/experiments/{experiment_id}")
    assert body["experiment"]["tags"] == {"k": "v"}

    assert await api("DELETE", f"api/experiments/{experiment_id}") == (200, {})
    _, body = await api("GET", f"api/experiments/{experiment_id}")
    assert body["experiment"]["lifecycle_stage"] == "deleted"
    _, body = await api("GET", "api/experiments")
    assert experiment_id not in [e["experiment_id"] for e in body["experiments"]]
    _, body = await api("GET", "api/experiments", params={"view_type": "DELETED_ONLY"})
    assert [e["experiment_id"] for e in body["experiments"]] == [experiment_id]

    status, body = await api("POST", f"api/experiments/{experiment_id}/restore")
    assert status == 200 and body["experiment"]["lifecycle_stage"] == "active"


async def test_experiment_search_filters_orders_and_pages(tracker_api):
    for name in ("b-exp", "a-exp", "c-exp"):
        await create_experiment(tracker_api, name)
    params = [("filter", "name LIKE '%-exp'"), ("order_by", "name DESC"), ("max_results", "2")]
    status, body = await tracker_api("GET", "api/experiments", params=params)
    assert status == 200
    assert [e["name"] for e in body["experiments"]] == ["c-exp", "b-exp"]
    assert body["next_page_token"]
    _, body = await tracker_api(
        "GET", "api/experiments", params=[*params, ("page_token", body["next_page_token"])]
    )
    assert [e["name"] for e in body["experiments"]] == ["a-exp"]
    assert body["next_page_token"] is None


async def test_experiment_errors(tracker_api):
    api = tracker_api
    await create_experiment(api, "taken")
    assert_error(
        *await api("POST", "api/experiments", {"name": "taken"}), 409, "RESOURCE_ALREADY_EXISTS"
    )
    assert_error(
        *await api("POST", "api/experiments", {}), 400, "INVALID_PARAMETER_VALUE", "'name'"
    )
    assert_error(
        *await api("POST", "api/experiments", {"name": 5}), 400, "INVALID_PARAMETER_VALUE", "'name'"
    )
    assert_error(
        *await api("POST", "api/experiments", {"name": "x", "tags": ["a"]}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'tags'",
    )
    assert_error(*await api("POST", "api/experiments", raw="{not json"), 400, "BAD_REQUEST")
    assert_error(*await api("POST", "api/experiments", raw="[1, 2]"), 400, "BAD_REQUEST")
    assert_error(*await api("GET", "api/experiments/987654"), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(
        *await api("GET", "api/experiments/by-name", params={"name": "nope"}),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    assert_error(
        *await api("GET", "api/experiments/by-name"), 400, "INVALID_PARAMETER_VALUE", "'name'"
    )
    assert_error(
        *await api("GET", "api/experiments", params={"max_results": "x"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'max_results'",
    )
    assert_error(
        *await api("GET", "api/experiments", params={"view_type": "SOME"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'view_type'",
    )
    assert_error(
        *await api("DELETE", "api/experiments/987654/tags"), 400, "INVALID_PARAMETER_VALUE", "'key'"
    )


# -- runs ------------------------------------------------------------------------------


async def test_run_lifecycle(tracker_api):
    api = tracker_api
    experiment_id = await create_experiment(api)
    run = await create_run(
        api, experiment_id, run_name="first", start_time=1000, user_id="ann", tags={"t": "1"}
    )
    run_id = run["info"]["run_id"]
    assert re.fullmatch("[0-9a-f]{32}", run_id)
    assert run["info"]["run_name"] == "first"
    assert run["info"]["status"] == "RUNNING"
    assert run["info"]["start_time"] == 1000
    assert run["data"]["tags"]["t"] == "1"

    status, body = await api("GET", f"api/runs/{run_id}")
    assert status == 200 and body["run"]["info"]["user_id"] == "ann"

    status, body = await api(
        "PATCH", f"api/runs/{run_id}", {"status": "FINISHED", "end_time": 2000, "run_name": "r2"}
    )
    assert status == 200
    assert body["run_info"]["status"] == "FINISHED"
    assert body["run_info"]["end_time"] == 2000
    assert body["run_info"]["run_name"] == "r2"

    assert await api("DELETE", f"api/runs/{run_id}") == (200, {})
    _, body = await api("GET", f"api/runs/{run_id}")
    assert body["run"]["info"]["lifecycle_stage"] == "deleted"
    assert await api("POST", f"api/runs/{run_id}/restore") == (200, {})
    _, body = await api("GET", f"api/runs/{run_id}")
    assert body["run"]["info"]["lifecycle_stage"] == "active"


async def test_run_errors(tracker_api):
    api = tracker_api
    experiment_id = await create_experiment(api)
    run_id = (await create_run(api, experiment_id))["info"]["run_id"]
    assert_error(
        *await api("POST", "api/runs", {}), 400, "INVALID_PARAMETER_VALUE", "experiment_id"
    )
    assert_error(
        *await api("POST", "api/runs", {"experiment_id": "987654"}), 404, "RESOURCE_DOES_NOT_EXIST"
    )
    assert_error(
        *await api("POST", "api/runs", {"experiment_id": experiment_id, "start_time": "soon"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'start_time'",
    )
    assert_error(*await api("GET", f"api/runs/{MISSING_RUN}"), 404, "RESOURCE_DOES_NOT_EXIST")
    assert_error(
        *await api("PATCH", f"api/runs/{run_id}", {"status": "DONE"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'status'",
    )
    assert_error(
        *await api("PATCH", f"api/runs/{run_id}", {"end_time": 1.5}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'end_time'",
    )
    assert_error(*await api("PATCH", f"api/runs/{run_id}", raw="{"), 400, "BAD_REQUEST")


async def test_batch_logging_round_trips_non_finite_values(tracker_api):
    api = tracker_api
    run_id = (await create_run(api, await create_experiment(api)))["info"]["run_id"]
    batch = {
        "metrics": [
            {"key": "loss", "value": 0.5, "timestamp": 10, "step": 0},
            {"key": "loss", "value": "NaN", "timestamp": 11, "step": 1},
            {"key": "up", "value": "Infinity", "timestamp": 12, "step": 0},
            {"key": "down", "value": "-Infinity", "timestamp": 13, "step": 0},
        ],
        "params": [{"key": "lr", "value": "0.1"}],
        "tags": [{"key": "stage", "value": "dev"}],
    }
    assert await api("POST", f"api/runs/{run_id}/batch", batch) == (200, {})
    _, body = await api("GET", f"api/runs/{run_id}")
    data = body["run"]["data"]
    assert data["params"] == {"lr": "0.1"}
    assert data["tags"]["stage"] == "dev"
    assert data["metrics"]["loss"]["value"] == "NaN"
    assert data["metrics"]["up"]["value"] == "Infinity"
    assert data["metrics"]["down"]["value"] == "-Infinity"

    _, body = await api("GET", f"api/runs/{run_id}/metrics/history", params={"key": "loss"})
    values = [float(m["value"]) for m in body["metrics"]]
    assert values[0] == 0.5 and math.isnan(values[1])
    assert [m["step"] for m in body["metrics"]] == [0, 1]


async def test_batch_is_idempotent_by_batch_id(tracker_api):
    api = tracker_api
    run_id = (await create_run(api, await create_experiment(api)))["info"]["run_id"]
    batch = {
        "metrics": [{"key": "m", "value": 1, "timestamp": 1, "step": i} for i in range(3)],
        "batch_id": "b" * 32,
    }
    for _ in range(2):  # a client retrying a batch whose answer it lost
        assert (await api("POST", f"api/runs/{run_id}/batch", batch))[0] == 200
    _, body = await api("GET", f"api/runs/{run_id}/metrics/history", params={"key": "m"})
    assert len(body["metrics"]) == 3


@pytest.mark.parametrize(
    "batch, field",
    [
        ({"metrics": {"key": "m"}}, "'metrics'"),
        ({"metrics": ["m"]}, "'metrics[0]'"),
        ({"metrics": [{"key": "m", "value": "abc", "timestamp": 1}]}, "'metrics[0].value'"),
        ({"metrics": [{"key": "m", "value": True, "timestamp": 1}]}, "'metrics[0].value'"),
        ({"metrics": [{"value": 1.0, "timestamp": 1}]}, "'metrics[0].key'"),
        ({"metrics": [{"key": "m", "value": 1, "timestamp": "now"}]}, "'metrics[0].timestamp'"),
        ({"metrics": [{"key": "m", "value": 1, "step": 1.5}]}, "'metrics[0].step'"),
        ({"params": [{"key": "p", "value": 3}]}, "'params[0].value'"),
        ({"tags": [{"key": 1, "value": "v"}]}, "'tags[0].key'"),
        ({"batch_id": 7}, "'batch_id'"),
    ],
)
async def test_batch_rejects_bad_types_naming_the_field(tracker_api, batch, field):
    run_id = (await create_run(tracker_api, await create_experiment(tracker_api)))["info"]["run_id"]
    status, body = await tracker_api("POST", f"api/runs/{run_id}/batch", batch)
    assert_error(status, body, 400, "INVALID_PARAMETER_VALUE", field)


async def test_param_values_are_immutable(tracker_api):
    api = tracker_api
    run_id = (await create_run(api, await create_experiment(api)))["info"]["run_id"]
    param = {"params": [{"key": "lr", "value": "0.1"}]}
    assert (await api("POST", f"api/runs/{run_id}/batch", param))[0] == 200
    assert (await api("POST", f"api/runs/{run_id}/batch", param))[0] == 200  # same value: fine
    changed = {"params": [{"key": "lr", "value": "0.2"}]}
    assert_error(
        *await api("POST", f"api/runs/{run_id}/batch", changed), 400, "INVALID_PARAMETER_VALUE"
    )


async def test_run_tags(tracker_api):
    api = tracker_api
    run_id = (await create_run(api, await create_experiment(api)))["info"]["run_id"]
    assert await api("PUT", f"api/runs/{run_id}/tags", {"key": "a", "value": "1"}) == (200, {})
    _, body = await api("GET", f"api/runs/{run_id}")
    assert body["run"]["data"]["tags"]["a"] == "1"
    assert await api("DELETE", f"api/runs/{run_id}/tags", params={"key": "a"}) == (200, {})
    _, body = await api("GET", f"api/runs/{run_id}")
    assert "a" not in body["run"]["data"]["tags"]
    assert_error(*await api("DELETE", f"api/runs/{run_id}/tags"), 400, "INVALID_PARAMETER_VALUE")


async def test_run_inputs(tracker_api):
    api = tracker_api
    run_id = (await create_run(api, await create_experiment(api)))["info"]["run_id"]
    dataset = {"name": "iris", "digest": "abc123", "source_type": "code", "schema": "{}"}
    inputs = {"datasets": [{"dataset": dataset, "tags": {"mlflow.data.context": "training"}}]}
    assert await api("POST", f"api/runs/{run_id}/inputs", inputs) == (200, {})
    _, body = await api("GET", f"api/runs/{run_id}")
    [logged] = body["run"]["inputs"]
    assert logged["dataset"]["name"] == "iris" and logged["dataset"]["digest"] == "abc123"
    assert logged["tags"] == {"mlflow.data.context": "training"}
    assert_error(
        *await api("POST", f"api/runs/{run_id}/inputs", {"datasets": [{"dataset": {"name": "x"}}]}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'datasets[0].dataset.digest'",
    )


async def test_search_runs_and_keys(tracker_api):
    api = tracker_api
    experiment_id = await create_experiment(api)
    run_ids = []
    for i in range(3):
        run_id = (await create_run(api, experiment_id, run_name=f"r{i}"))["info"]["run_id"]
        run_ids.append(run_id)
        batch = {
            "metrics": [{"key": "acc", "value": i / 10, "timestamp": 1, "step": 0}],
            "params": [{"key": "i", "value": str(i)}],
        }
        await api("POST", f"api/runs/{run_id}/batch", batch)

    query = {
        "experiment_ids": [experiment_id],
        "filter": "metrics.acc > 0.05",
        "order_by": ["metrics.acc DESC"],
        "max_results": 1,
    }
    status, body = await api("POST", "api/runs/search", query)
    assert status == 200
    assert [r["info"]["run_id"] for r in body["runs"]] == [run_ids[2]]
    _, body = await api("POST", "api/runs/search", {**query, "page_token": body["next_page_token"]})
    assert [r["info"]["run_id"] for r in body["runs"]] == [run_ids[1]]
    assert not body["next_page_token"]

    assert_error(
        *await api("POST", "api/runs/search", {**query, "max_results": "x"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'max_results'",
    )
    assert_error(
        *await api("POST", "api/runs/search", {**query, "experiment_ids": "1"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'experiment_ids'",
    )
    assert_error(
        *await api("POST", "api/runs/search", {**query, "filter": "metrics.acc >>> 1"}),
        400,
        "INVALID_PARAMETER_VALUE",
    )

    status, body = await api(
        "GET", "api/runs/keys", params=[("experiment_ids", experiment_id), ("experiment_ids", "0")]
    )
    assert status == 200
    assert body["metrics"] == ["acc"] and body["params"] == ["i"]
    assert "mlflow.runName" in body["tags"] or isinstance(body["tags"], list)


async def test_metric_history_pages_and_samples(tracker_api):
    api = tracker_api
    run_id = (await create_run(api, await create_experiment(api)))["info"]["run_id"]
    metrics = [{"key": "m", "value": float(i % 7), "timestamp": i, "step": i} for i in range(500)]
    await api("POST", f"api/runs/{run_id}/batch", {"metrics": metrics})
    history = f"api/runs/{run_id}/metrics/history"

    steps, token = [], None
    while True:
        params = {"key": "m", "max_results": "200", **({"page_token": token} if token else {})}
        status, body = await api("GET", history, params=params)
        assert status == 200
        steps += [m["step"] for m in body["metrics"]]
        token = body["next_page_token"]
        if not token:
            break
    assert steps == list(range(500))

    _, body = await api("GET", history, params={"key": "m", "max_points": "50"})
    assert body["sampled"] is True
    assert 0 < len(body["metrics"]) <= 60
    _, body = await api("GET", history, params={"key": "m", "max_points": "1000"})
    assert body["sampled"] is False and len(body["metrics"]) == 500

    assert_error(*await api("GET", history), 400, "INVALID_PARAMETER_VALUE", "'key'")
    assert_error(
        *await api("GET", history, params={"key": "m", "max_points": "0"}),
        400,
        "INVALID_PARAMETER_VALUE",
        "'max_points'",
    )
    assert_error(
        *await api("GET", f"api/runs/{MISSING_RUN}/metrics/history", params={"key": "m"}),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
