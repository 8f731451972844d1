"""``runs/search`` filters: the same runs as a real ``mlflow server`` finds, NaN included,
and MLflow's error for a filter it refuses (or a documented extension of ours)."""

from __future__ import annotations

import pytest

API = "api/2.0/mlflow/"

# Each run's latest value of metric "x" ("NaN" as MLflow's client sends it), by run name.
VALUES = {"nan": "NaN", "zero": 0, "one": 1, "two": 2, "inf": "Infinity"}


def _data_set(server) -> str:
    experiment = server.call("POST", API + "experiments/create", json={"name": "exact-search"})
    experiment_id = experiment.body["experiment_id"]
    for name, value in VALUES.items():
        run = server.call(
            "POST", API + "runs/create", json={"experiment_id": experiment_id, "run_name": name}
        ).body["run"]["info"]["run_id"]
        metric = {"run_id": run, "key": "x", "value": value, "timestamp": 1, "step": 0}
        assert server.call("POST", API + "runs/log-metric", json=metric).status == 200
        param = {"run_id": run, "key": "p", "value": name}
        assert server.call("POST", API + "runs/log-parameter", json=param).status == 200
    return experiment_id


@pytest.fixture(scope="module")
def experiments(reference, ours):
    return {"reference": _data_set(reference), "ours": _data_set(ours)}


def _search(server, experiment_id, filter_string):
    answer = server.call(
        "POST",
        API + "runs/search",
        json={"experiment_ids": [experiment_id], "filter": filter_string, "max_results": 100},
    )
    if answer.status != 200:
        return answer.error
    runs = answer.body.get("runs", [])
    return sorted(run["info"]["run_name"] for run in runs)


@pytest.mark.parametrize(
    "filter_string",
    [
        "metrics.x != 1",
        "metrics.x != 0",
        "metrics.x = 1",
        "metrics.x > 0.5",
        "metrics.x >= 2",
        "metrics.x = 0",
        "metrics.x < 1",
        "metrics.x <= 0",
        "metrics.x >= -1",
        "metrics.x > 1e308",
        "metrics.x != 1 and params.p != 'two'",
        "metrics.y != 1",
    ],
)
def test_the_same_runs_as_mlflow(reference, ours, experiments, filter_string):
    expected = _search(reference, experiments["reference"], filter_string)
    assert _search(ours, experiments["ours"], filter_string) == expected


def test_a_nan_differs_from_every_number(ours, experiments):
    assert "nan" in _search(ours, experiments["ours"], "metrics.x != 1")


# Filters MLflow refuses: the same status and error_code from us. The messages are ours
# (they give the column and the allowed choices); MLflow's quote Python sets, whose order
# changes from one server process to the next, so no script can match them exactly
# (docs/mlflow-compatibility.md).
REFUSED = [
    "metrics.x LIKE '1'",
    "metrics.x = 'a'",
    "metrics.x IN (1, 2)",
    "params.p > 'a'",
    "tags.t < 'a'",
    "attributes.start_time = 'abc'",
    "attributes.status > 'A'",
    "attributes.unknown = 'x'",
    "foo.x = 1",
    "metrics.x = 1 OR metrics.x = 2",
    "metrics.x >",
    "params.p = 1",
    "tags.t = 2",
    "datasets.unknown = 'x'",
    "metrics.`x = 1",
    "metric.x == 1",
    "params.p IS 'a'",
    "run.x = 'a'",
]


@pytest.mark.parametrize("filter_string", REFUSED)
def test_a_filter_mlflow_refuses_gets_its_error(reference, ours, experiments, filter_string):
    status, error_code, _ = _search(reference, experiments["reference"], filter_string)
    assert status == 400
    assert _search(ours, experiments["ours"], filter_string)[:2] == (status, error_code)


# Filters MLflow refuses and we take: extensions, each in docs/mlflow-compatibility.md.
EXTENSIONS = [
    "metrics.x IS NULL",
    "metrics.x IS NOT NULL",
    "params.p IN ('one', 'two')",
    "tags.t NOT IN ('a')",
    "attributes.lifecycle_stage = 'active'",
]


@pytest.mark.parametrize("filter_string", EXTENSIONS)
def test_our_documented_extensions(reference, ours, experiments, filter_string):
    mlflow_answer = _search(reference, experiments["reference"], filter_string)
    assert isinstance(mlflow_answer, tuple), "MLflow takes it now: drop it from the extensions"
    assert isinstance(_search(ours, experiments["ours"], filter_string), list)
