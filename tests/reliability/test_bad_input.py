"""Hand-written bad input for the REST API: each case has one defined answer, listed in
docs/input-rules.md. Every refusal is a 4xx whose JSON body has ``error_code`` and
``message``; nothing answers 5xx."""

from __future__ import annotations

import base64
import json
import math

import pytest
from reliability_figures import FIGURES

LONG = "x" * 10_000


async def new_run(tracker_api) -> str:
    status, body = await tracker_api("POST", "api/runs", {"experiment_id": "0"})
    assert status == 201, body
    return body["run"]["info"]["run_id"]


def metric(value, key="m", step=0, timestamp=1):
    return {"key": key, "value": value, "step": step, "timestamp": timestamp}


def assert_refused(status, body, code="INVALID_PARAMETER_VALUE", http=400):
    assert status == http, body
    assert body["error_code"] == code and body["message"], body


@pytest.mark.parametrize(
    "name, accepted",
    [
        ("", False),
        ("   ", False),
        ("x" * 501, False),
        (None, False),
        (42, False),
        ("x" * 500, True),
        ("実験 🚀 ünïcode", True),
        ("team/project", True),
        ("<b>html</b> & \"quotes\" 'too'", True),
    ],
)
async def test_experiment_names(tracker_api, name, accepted):
    FIGURES["requests_fuzzed"] += 1
    status, body = await tracker_api("POST", "api/experiments", {"name": name})
    if not accepted:
        assert_refused(status, body)
        return
    assert status == 201, body
    _, found = await tracker_api("GET", "api/experiments/by-name", params={"name": name})
    assert found["experiment"]["name"] == name  # stored and returned verbatim


@pytest.mark.parametrize(
    "key, accepted",
    [
        ("", False),
        ("bad!key", False),
        ("../up", False),
        ("a//b", False),
        ("/abs", False),
        ("x" * 251, False),
        ("tab\tkey", False),
        ("x" * 250, True),
        ("損失 val/acc-1.5:x", True),
    ],
)
async def test_metric_param_and_tag_keys(tracker_api, key, accepted):
    run_id = await new_run(tracker_api)
    for field, item in (
        ("metrics", metric(1.0, key=key)),
        ("params", {"key": key, "value": "v"}),
        ("tags", {"key": key, "value": "v"}),
    ):
        FIGURES["requests_fuzzed"] += 1
        status, body = await tracker_api("POST", f"api/runs/{run_id}/batch", {field: [item]})
        if accepted:
            assert status == 200, (field, body)
        else:
            assert_refused(status, body)


@pytest.mark.parametrize(
    "field, value, accepted",
    [
        ("params", "", True),
        ("params", "x" * 6000, True),
        ("params", "x" * 6001, False),
        ("params", 5, False),
        ("tags", "x" * 8000, True),
        ("tags", "x" * 8001, False),
        ("tags", "ünïcode ✓ <b>", True),
        # PostgreSQL cannot store NUL, so neither database is given one.
        ("tags", "nul \u0000 inside", False),
        ("params", "nul \u0000 inside", False),
    ],
)
async def test_param_and_tag_values(tracker_api, field, value, accepted):
    run_id = await new_run(tracker_api)
    FIGURES["requests_fuzzed"] += 1
    status, body = await tracker_api(
        "POST", f"api/runs/{run_id}/batch", {field: [{"key": "k", "value": value}]}
    )
    if not accepted:
        assert_refused(status, body)
        return
    assert status == 200, body
    _, run = await tracker_api("GET", f"api/runs/{run_id}")
    assert run["run"]["data"][field]["k"] == value


async def test_non_finite_metric_values_are_stored_and_returned_as_strings(tracker_api):
    run_id = await new_run(tracker_api)
    # MLflow's spellings, extremes, and numbers sent as strings (read as Python's float()).
    values = ["NaN", "Infinity", "-Infinity", 1e308, -0.0, "2.5", "-inf"]
    batch = [metric(v, step=i) for i, v in enumerate(values)]
    assert (await tracker_api("POST", f"api/runs/{run_id}/batch", {"metrics": batch}))[0] == 200
    # Python's JSON parser also reads the bare tokens NaN and Infinity: same meaning.
    raw = b'{"metrics": [{"key": "bare", "value": NaN, "step": 0, "timestamp": 1}]}'
    assert (await tracker_api("POST", f"api/runs/{run_id}/batch", raw=raw))[0] == 200
    _, history = await tracker_api("GET", f"api/runs/{run_id}/metrics/history", params={"key": "m"})
    stored = [m["value"] for m in history["metrics"]]
    assert stored == ["NaN", "Infinity", "-Infinity", 1e308, 0.0, 2.5, "-Infinity"]
    _, bare = await tracker_api("GET", f"api/runs/{run_id}/metrics/history", params={"key": "bare"})
    assert bare["metrics"][0]["value"] == "NaN"
    assert math.isnan(float(bare["metrics"][0]["value"]))


@pytest.mark.parametrize(
    "item",
    [
        metric("abc"),
        metric(True),
        metric(None),
        metric("1.5e"),
        metric(1.0, step=2**63),
        metric(1.0, timestamp=-(2**63) - 1),
        metric(1.0, step=1.5),
        {"key": "m"},
        "not an object",
    ],
)
async def test_bad_metrics_are_refused(tracker_api, item):
    run_id = await new_run(tracker_api)
    FIGURES["requests_fuzzed"] += 1
    status, body = await tracker_api("POST", f"api/runs/{run_id}/batch", {"metrics": [item]})
    assert status == 400 and body["error_code"] and body["message"], body


async def test_oversized_batches_and_bodies(tracker_api):
    run_id = await new_run(tracker_api)
    too_many = {"metrics": [metric(1.0, step=i) for i in range(1001)]}
    assert_refused(*await tracker_api("POST", f"api/runs/{run_id}/batch", too_many))
    many_params = {"params": [{"key": f"p{i}", "value": "v"} for i in range(101)]}
    assert_refused(*await tracker_api("POST", f"api/runs/{run_id}/batch", many_params))
    huge = json.dumps({"tags": [{"key": "k", "value": LONG}] * 1700}).encode()
    assert len(huge) > 16 * 1024 * 1024
    status, body = await tracker_api("POST", f"api/runs/{run_id}/batch", raw=huge)
    assert_refused(status, body, code="BAD_REQUEST")
    assert "limited to" in body["message"]
    FIGURES["requests_fuzzed"] += 3


@pytest.mark.parametrize(
    "raw", [b"{", b"[1, 2]", b'"text"', b"\xff\xfe", b'{"metrics": {"key": "m"}}', b"null"]
)
async def test_malformed_bodies(tracker_api, raw):
    run_id = await new_run(tracker_api)
    FIGURES["requests_fuzzed"] += 1
    status, body = await tracker_api("POST", f"api/runs/{run_id}/batch", raw=raw)
    assert status == 400 and body["error_code"] in ("BAD_REQUEST", "INVALID_PARAMETER_VALUE")
    assert body["message"]


@pytest.mark.parametrize(
    "method, path, params",
    [
        ("GET", "api/experiments", {"max_results": "0"}),
        ("GET", "api/experiments", {"max_results": "50001"}),
        ("GET", "api/experiments", {"max_results": "ten"}),
        ("GET", "api/experiments", {"view_type": "SOME"}),
        ("GET", "api/experiments", {"page_token": "garbage!"}),
        ("GET", "api/experiments", {"filter": "name = "}),
        ("GET", "api/experiments/by-name", {"name": ""}),
        ("GET", "api/experiments/99999999999999999999999", None),
        ("GET", "api/runs/keys", {"experiment_ids": "x"}),
    ],
)
async def test_bad_query_arguments(tracker_api, method, path, params):
    FIGURES["requests_fuzzed"] += 1
    status, body = await tracker_api(method, path, params=params)
    assert 400 <= status < 500 and body["error_code"] and body["message"], (status, body)


def _page_token(offset) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _filter(clauses: int) -> str:
    return " AND ".join(f"metrics.m{i} > 0" for i in range(clauses))


async def registered_version(tracker_api) -> str:
    """A run, and version 1 of registered model 'bad-input' made from it."""
    run_id = await new_run(tracker_api)
    assert (await tracker_api("POST", "api/registered-models", {"name": "bad-input"}))[0] == 201
    version = {"name": "bad-input", "source": f"runs:/{run_id}/model", "run_id": run_id}
    assert (await tracker_api("POST", "api/model-versions", version))[0] == 201
    return run_id


# The cases of issue 13 that answered 500 (or 503, for a query too big for the database):
# each is a 400 whose message names what to fix.
ISSUE_13_CASES = [
    ("GET", "api/experiments", {"page_token": _page_token(10**30)}, "Invalid page token"),
    ("GET", "api/experiments", {"page_token": _page_token(2**63)}, "Invalid page token"),
    ("GET", "api/registered-models", {"max_results": "--5"}, "'max_results'"),
    ("GET", "api/model-versions", {"max_results": "²"}, "'max_results'"),
    ("GET", "api/experiments", {"max_results": "1e3"}, "'max_results'"),
    ("POST", "api/runs", {"experiment_id": "0", "start_time": 2**63}, "'start_time'"),
    ("PATCH", "api/runs/{run}", {"end_time": -(2**63) - 1}, "'end_time'"),
    ("GET", "api/model-versions/by-name", {"name": "bad-input", "version": str(2**63)}, "versions"),
    (
        "PUT",
        "api/registered-models/aliases",
        {"name": "bad-input", "alias": "a", "version": 10**30},
        "versions",
    ),
    ("POST", "api/runs/{run}/batch", {"metrics": [metric(10**400)]}, "too large for a double"),
    ("POST", "api/experiments", {"name": "bad\ud800"}, "lone UTF-16 surrogate"),
    ("POST", "api/runs/{run}/batch", {"tags": [{"key": "k", "value": "\udfff"}]}, "surrogate"),
    ("POST", "api/runs/search", {"order_by": ["start_time"] * 1000}, "order_by may hold at most"),
    (
        "POST",
        "api/runs/search",
        {"experiment_ids": ["0"], "filter": _filter(1000)},
        "at most 50 clauses",
    ),
    (
        "POST",
        "api/2.0/mlflow/runs/log-metric",
        {"run_id": "{run}", "key": "m", "value": 10**400, "timestamp": 1},
        "too large for a double",
    ),
    (
        "POST",
        "api/2.0/mlflow/runs/create",
        {"experiment_id": "0", "start_time": 10**30},
        "'start_time'",
    ),
    (
        "GET",
        "api/2.0/mlflow/model-versions/get",
        {"name": "bad-input", "version": str(2**63)},
        "versions",
    ),
    (
        "POST",
        "api/2.0/mlflow/registered-models/alias",
        {"name": "bad-input", "alias": "a", "version": str(2**64)},
        "versions",
    ),
    (
        "POST",
        "api/2.0/mlflow/runs/search",
        {"experiment_ids": ["0"], "order_by": [f"metrics.m{i}" for i in range(100)]},
        "order_by may hold at most",
    ),
    (
        "POST",
        "api/2.0/mlflow/runs/search",
        {"experiment_ids": ["0"], "filter": _filter(1000)},
        "at most 50 clauses",
    ),
    ("GET", "api/2.0/mlflow/experiments/search", {"max_results": "--5"}, "'max_results'"),
    (
        "POST",
        "api/2.0/mlflow/runs/set-tag",
        {"run_id": "{run}", "key": "k", "value": "\ud800"},
        "surrogate",
    ),
]


@pytest.mark.parametrize("method, path, fields, fragment", ISSUE_13_CASES)
async def test_issue_13_bad_input_gets_400(tracker_api, method, path, fields, fragment):
    FIGURES["requests_fuzzed"] += 1
    run_id = await registered_version(tracker_api)
    path = path.replace("{run}", run_id)
    fields = {
        k: (v.replace("{run}", run_id) if isinstance(v, str) else v) for k, v in fields.items()
    }
    if method == "GET":
        status, body = await tracker_api(method, path, params=fields)
    else:
        status, body = await tracker_api(method, path, fields)
    assert status == 400, (status, body)
    assert body["error_code"] in ("INVALID_PARAMETER_VALUE", "BAD_REQUEST"), body
    assert fragment in body["message"], body


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"name": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}",
        b'{"name": "\xed\xa0\x80"}',  # a surrogate in UTF-8 form: not UTF-8
    ],
)
@pytest.mark.parametrize("path", ["api/experiments", "api/2.0/mlflow/experiments/create"])
async def test_deep_or_invalid_bodies_get_400(tracker_api, raw, path):
    FIGURES["requests_fuzzed"] += 1
    status, body = await tracker_api("POST", path, raw=raw)
    assert status == 400 and body["error_code"] == "BAD_REQUEST", (status, body)
    assert "nested too deeply" in body["message"] or "not UTF-8" in body["message"]


@pytest.mark.parametrize(
    "error, status",
    [
        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), 400),
        (OverflowError("Python int too large to convert to SQLite INTEGER"), 400),
        (RecursionError("maximum recursion depth exceeded"), 500),
    ],
)
async def test_the_error_mapper_net(tracker_api, monkeypatch, error, status):
    """Bad input that got past validation is still a 400; anything else stays a 500."""
    from jupyterlab_tracker.service.tracking import TrackingService

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(TrackingService, "get_experiment", fail)
    code, body = await tracker_api("GET", "api/experiments/0")
    assert code == status, body
    expected = "INVALID_PARAMETER_VALUE" if status == 400 else "INTERNAL_ERROR"
    assert body["error_code"] == expected, body
