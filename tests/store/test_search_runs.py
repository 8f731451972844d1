"""search_runs: every filter operator per kind, ordering, pagination, view types.

Filters are written as strings (parsed by ``search.py``); a few tests also feed
hand-built ``Comparison`` trees to ``search_runs_parsed``.
"""

from __future__ import annotations

import math

import pytest

from jupyterlab_tracker.entities import ALL, DELETED_ONLY, Dataset, DatasetInput, Metric, Param
from jupyterlab_tracker.entities import RunTag as Tag
from jupyterlab_tracker.errors import INVALID_PARAMETER_VALUE, TrackerError
from jupyterlab_tracker.search import Comparison, OrderBy


@pytest.fixture
def experiment_id(store) -> str:
    return store.create_experiment("search")


@pytest.fixture
def runs(store, experiment_id) -> dict[str, str]:
    """Four runs with known data: name -> run_id."""
    spec = {
        # name: (start_time, user, metrics, params, tags)
        "alpha": (1000, "ada", {"acc": 0.9, "loss": 0.1}, {"opt": "Adam", "lr": "0.1"}, {}),
        "beta": (2000, "bob", {"acc": 0.5, "loss": 0.5}, {"opt": "sgd"}, {"team": "vision"}),
        "gamma": (3000, "ada", {"acc": 0.7}, {"opt": "adam", "my param": "x"}, {"team": "nlp"}),
        "delta": (4000, "cy", {"acc": math.nan}, {}, {"team.sub": "a_b%c"}),
    }
    ids = {}
    for name, (start, user, metrics, params, tags) in spec.items():
        run_id = store.create_run(experiment_id, user, start, run_name=name).info.run_id
        store.log_batch(
            run_id,
            metrics=[Metric(k, v, start, 0) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
            tags=[Tag(k, v) for k, v in tags.items()],
        )
        ids[name] = run_id
    store.update_run_info(ids["alpha"], status="FINISHED", end_time=1500)
    store.log_inputs(
        ids["alpha"],
        [DatasetInput(Dataset("iris", "d1"), {"mlflow.data.context": "training"})],
    )
    store.log_inputs(ids["beta"], [DatasetInput(Dataset("wine", "d2"), {})])
    return ids


def found(store, experiment_id, filter_string="", **kwargs) -> list[str]:
    page = store.search_runs([experiment_id], filter_string, **kwargs)
    return [run.info.run_name for run in page.items]


FILTER_CASES = [
    # metrics (latest values; NaN matches != only, as in MLflow: it differs from every number)
    ("metrics.acc > 0.6", {"alpha", "gamma"}),
    ("metrics.acc >= 0.7", {"alpha", "gamma"}),
    ("metrics.acc < 0.7", {"beta"}),
    ("metrics.acc <= 0.7", {"beta", "gamma"}),
    ("metrics.acc = 0.5", {"beta"}),
    ("metrics.acc != 0.5", {"alpha", "gamma", "delta"}),
    ("metrics.loss IS NULL", {"gamma", "delta"}),
    ("metrics.loss IS NOT NULL", {"alpha", "beta"}),
    ("metrics.acc > 0.6 AND metrics.loss < 0.2", {"alpha"}),
    # params
    ("params.opt = 'adam'", {"gamma"}),
    ("params.opt != 'adam'", {"alpha", "beta"}),
    ("params.opt LIKE 'a%'", {"gamma"}),  # LIKE is case-sensitive
    ("params.opt LIKE '_dam'", {"alpha", "gamma"}),
    ("params.opt ILIKE 'A%'", {"alpha", "gamma"}),
    ("params.opt IN ('sgd', 'adam')", {"beta", "gamma"}),
    ("params.opt NOT IN ('sgd', 'adam')", {"alpha"}),
    ("params.lr IS NULL", {"beta", "gamma", "delta"}),
    ("params.lr IS NOT NULL", {"alpha"}),
    ("params.`my param` = 'x'", {"gamma"}),
    # tags, including a backquoted key with a dot and LIKE metacharacters in values
    ("tags.team = 'vision'", {"beta"}),
    ("tags.team LIKE '%i%'", {"beta"}),
    ("tags.team ILIKE 'NLP'", {"gamma"}),
    ("tags.team IS NULL", {"alpha", "delta"}),
    ("tags.`team.sub` = 'a_b%c'", {"delta"}),
    ("tags.`team.sub` LIKE 'a\\_b\\%c'", {"delta"}),
    ("tags.`team.sub` LIKE 'a\\_b\\%d'", set()),
    ("tags.`mlflow.runName` = 'beta'", {"beta"}),
    # attributes
    ("attributes.run_name = 'beta'", {"beta"}),
    ("run_name LIKE '%ta'", {"beta", "delta"}),
    ("attributes.run_name ILIKE 'ALPHA'", {"alpha"}),
    ("attributes.run_name IN ('alpha', 'beta')", {"alpha", "beta"}),
    ("attributes.run_name NOT IN ('alpha', 'beta')", {"gamma", "delta"}),
    ("attributes.status = 'FINISHED'", {"alpha"}),
    ("attributes.status != 'FINISHED'", {"beta", "gamma", "delta"}),
    ("attributes.user_id = 'ada'", {"alpha", "gamma"}),
    ("attributes.start_time > 2000", {"gamma", "delta"}),
    ("attributes.start_time <= 2000", {"alpha", "beta"}),
    ("attributes.end_time = 1500", {"alpha"}),
    # datasets
    ("datasets.name = 'iris'", {"alpha"}),
    ("datasets.digest IN ('d1', 'd2')", {"alpha", "beta"}),
    ("datasets.context = 'training'", {"alpha"}),
    ("datasets.name LIKE 'w%'", {"beta"}),
]


@pytest.mark.parametrize(("filter_string", "expected"), FILTER_CASES)
def test_filter(store, experiment_id, runs, filter_string, expected):
    assert set(found(store, experiment_id, filter_string)) == expected


def test_run_id_filters(store, experiment_id, runs):
    assert found(store, experiment_id, f"attributes.run_id = '{runs['beta']}'") == ["beta"]
    in_list = f"attributes.run_id IN ('{runs['beta']}', '{runs['gamma']}')"
    assert set(found(store, experiment_id, in_list)) == {"beta", "gamma"}


def test_artifact_uri_filter(store, experiment_id, runs):
    assert found(store, experiment_id, f"attributes.artifact_uri LIKE '%{runs['beta']}%'") == [
        "beta"
    ]


def test_hand_built_comparisons(store, experiment_id, runs):
    page = store.search_runs_parsed(
        [experiment_id],
        [Comparison("metric", "acc", ">", 0.6), Comparison("param", "opt", "LIKE", "%dam")],
        order_by=[OrderBy("metric", "acc", ascending=True)],
    )
    assert [r.info.run_name for r in page.items] == ["gamma", "alpha"]
    with pytest.raises(TrackerError):
        store.search_runs_parsed([experiment_id], [Comparison("metric", "acc", "LIKE", "x")])


def test_search_returns_full_runs(store, experiment_id, runs):
    (alpha,) = store.search_runs([experiment_id], "attributes.run_name = 'alpha'").items
    assert alpha == store.get_run(runs["alpha"])
    assert alpha.data.params == {"opt": "Adam", "lr": "0.1"}
    assert alpha.inputs[0].dataset.name == "iris"


def test_default_order_is_newest_first(store, experiment_id, runs):
    assert found(store, experiment_id) == ["delta", "gamma", "beta", "alpha"]


def test_order_by_metric_puts_missing_and_nan_last(store, experiment_id, runs):
    assert found(store, experiment_id, order_by=["metrics.acc"]) == [
        "beta",
        "gamma",
        "alpha",
        "delta",
    ]
    assert found(store, experiment_id, order_by=["metrics.acc DESC"]) == [
        "alpha",
        "gamma",
        "beta",
        "delta",
    ]
    assert found(store, experiment_id, order_by=["metrics.loss DESC"])[2:] == ["delta", "gamma"]


def test_order_by_several_keys(store, experiment_id, runs):
    order = ["attributes.user_id", "params.opt DESC"]
    assert found(store, experiment_id, order_by=order) == ["gamma", "alpha", "beta", "delta"]
    order = ["tags.team", "attributes.run_name DESC"]
    assert found(store, experiment_id, order_by=order) == ["gamma", "beta", "delta", "alpha"]
    assert found(store, experiment_id, order_by=["start_time ASC"]) == [
        "alpha",
        "beta",
        "gamma",
        "delta",
    ]


def test_pagination(store, experiment_id, runs):
    seen, token = [], None
    while True:
        page = store.search_runs(
            [experiment_id], max_results=3, order_by=["start_time"], page_token=token
        )
        seen += [run.info.run_name for run in page.items]
        token = page.next_page_token
        if token is None:
            break
    assert seen == ["alpha", "beta", "gamma", "delta"]


@pytest.mark.parametrize("token", ["nope", "e30=", "eyJvZmZzZXQiOiAiMSJ9"])
def test_bad_page_token(store, experiment_id, token):
    with pytest.raises(TrackerError) as error:
        store.search_runs([experiment_id], page_token=token)
    assert error.value.error_code == INVALID_PARAMETER_VALUE


@pytest.mark.parametrize("max_results", [0, 50001, -1])
def test_max_results_bounds(store, experiment_id, max_results):
    with pytest.raises(TrackerError):
        store.search_runs([experiment_id], max_results=max_results)


def test_view_types(store, experiment_id, runs):
    store.delete_run(runs["beta"])
    assert "beta" not in found(store, experiment_id)
    assert found(store, experiment_id, run_view_type=DELETED_ONLY) == ["beta"]
    assert len(found(store, experiment_id, run_view_type=ALL)) == 4
    with pytest.raises(TrackerError):
        found(store, experiment_id, run_view_type="EVERYTHING")


def test_several_experiments(store, experiment_id, runs):
    other = store.create_experiment("other")
    store.create_run(other, run_name="elsewhere")
    assert "elsewhere" not in found(store, experiment_id)
    both = store.search_runs([experiment_id, other]).items
    assert len(both) == 5


def test_bad_filter_is_invalid_parameter(store, experiment_id):
    with pytest.raises(TrackerError) as error:
        store.search_runs([experiment_id], "metrics.acc >")
    assert error.value.error_code == INVALID_PARAMETER_VALUE
