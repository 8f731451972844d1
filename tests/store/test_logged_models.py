"""Logged models (MLflow 3) through the service, on SQLite and PostgreSQL: their metrics,
run outputs and inputs, MLflow's soft delete, params, tags and search.

What MLflow answers for the same calls is checked in tests/server/test_mlflow_logged_models.py;
these pin the same behaviour on both databases, below the HTTP layer.
"""

from __future__ import annotations

import math

import pytest
from support.waiting import next_millisecond

from jupyterlab_tracker.artifacts.locations import ArtifactLocations
from jupyterlab_tracker.entities import LoggedModelMetric, Metric, ModelOutput
from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.search import LoggedModelOrderBy
from jupyterlab_tracker.service.factory import model_services
from jupyterlab_tracker.service.tracking import TrackingService
from jupyterlab_tracker.store import SqlAlchemyStore


def error_code(call, *args, **kwargs) -> str:
    with pytest.raises(TrackerError) as error:
        call(*args, **kwargs)
    return error.value.error_code


def link(point: Metric, run_id: str, model_id: str, dataset=(None, None)) -> LoggedModelMetric:
    return LoggedModelMetric(
        point.key, point.value, point.timestamp, point.step, run_id, model_id, *dataset
    )


def log_linked(tracking, run_id: str, model_id: str, points, dataset=(None, None)) -> None:
    """What the MLflow API does with points that carry a model_id."""
    tracking.log_batch(
        run_id,
        metrics=points,
        skip_duplicate_points=True,
        model_metrics=[link(p, run_id, model_id, dataset) for p in points],
    )


def test_a_model_without_a_name_gets_one(registry, store):
    experiment_id = store.create_experiment("e")
    names = {registry.create_logged_model(experiment_id).name for _ in range(5)}
    assert all(len(name.split("-")) == 3 for name in names) and len(names) > 1
    assert registry.create_logged_model(experiment_id, "").name  # empty: generated too
    for bad in ("a/b", "a.b", "a:b", "50%", "it's", 'say "x"', "n" * 501, "nul\x00"):
        assert error_code(registry.create_logged_model, experiment_id, bad) == (
            "INVALID_PARAMETER_VALUE"
        ), bad
    store.delete_experiment(experiment_id)
    assert error_code(registry.create_logged_model, experiment_id, "late") == (
        "INVALID_PARAMETER_VALUE"
    )


def test_linked_points_are_the_models_metrics(registry, tracking, store):
    experiment_id = store.create_experiment("e")
    run_id = store.create_run(experiment_id).info.run_id
    model = registry.create_logged_model(experiment_id, "m", run_id)
    points = [Metric("acc", 0.5, 1000, 0), Metric("acc", math.nan, 2000, 1)]
    log_linked(tracking, run_id, model.model_id, points, ("test", "d1"))
    # Sent again (the client's retry, or log_model re-sending a step): stored once.
    log_linked(tracking, run_id, model.model_id, points + points, ("test", "d1"))
    # The same points on another dataset are other links.
    log_linked(tracking, run_id, model.model_id, points[:1], ("train", "d0"))
    metrics = registry.get_logged_model(model.model_id).metrics
    assert [(m.key, m.step, m.dataset_name, m.dataset_digest) for m in metrics] == [
        ("acc", 0, "test", "d1"),
        ("acc", 1, "test", "d1"),
        ("acc", 0, "train", "d0"),
    ]
    assert metrics[0].value == 0.5 and math.isnan(metrics[1].value)
    assert {(m.run_id, m.model_id) for m in metrics} == {(run_id, model.model_id)}
    assert len(store.get_metric_history(run_id, "acc").items) == 2  # the run's: once each
    # A link to no model refuses the whole batch.
    unknown = "m-" + "0" * 32
    code = error_code(log_linked, tracking, run_id, unknown, [Metric("new", 1.0, 5, 0)])
    assert code == "RESOURCE_DOES_NOT_EXIST"
    assert store.get_metric_history(run_id, "new").items == []
    bad_digest = ("test", "d" * 37)
    code = error_code(log_linked, tracking, run_id, model.model_id, points, bad_digest)
    assert code == "INVALID_PARAMETER_VALUE"


def test_deleting_a_model_marks_it_deleted(registry, tracking, store):
    experiment_id = store.create_experiment("e")
    run_id = store.create_run(experiment_id).info.run_id
    model = registry.create_logged_model(experiment_id, "m", run_id)
    log_linked(tracking, run_id, model.model_id, [Metric("acc", 0.5, 1000, 0)])
    registry.delete_logged_model(model.model_id)
    assert error_code(registry.get_logged_model, model.model_id) == "RESOURCE_DOES_NOT_EXIST"
    assert registry.search_logged_models([experiment_id]).items == []
    deleted = registry.get_logged_model(model.model_id, allow_deleted=True)
    assert deleted.lifecycle_stage == "deleted" and len(deleted.metrics) == 1
    assert deleted.last_updated_timestamp >= deleted.creation_timestamp
    # As in MLflow: deleting again, tags, params and status still apply to it.
    registry.delete_logged_model(model.model_id)
    registry.set_logged_model_tags(model.model_id, {"t": "1"})
    registry.log_logged_model_params(model.model_id, {"p": "1"})
    registry.finalize_logged_model(model.model_id, "READY")
    again = registry.get_logged_model(model.model_id, allow_deleted=True)
    assert (again.tags, again.params, again.status) == ({"t": "1"}, {"p": "1"}, "READY")
    assert store.get_run(run_id).outputs == [ModelOutput(model.model_id, 0)]  # kept
    for missing in ("m-" + "0" * 32, "xyz", "../etc", "m-" + "0" * 32 + "\x00"):
        assert error_code(registry.delete_logged_model, missing) == "RESOURCE_DOES_NOT_EXIST"


def test_params_logged_later_never_change(registry, store):
    model = registry.create_logged_model(store.create_experiment("e"), "m", params={"a": "1"})
    registry.log_logged_model_params(model.model_id, {f"k{i}": str(i) for i in range(150)})
    registry.log_logged_model_params(model.model_id, {"a": "1", "b": "2"})  # "a": the same
    assert len(registry.get_logged_model(model.model_id).params) == 152
    code = error_code(registry.log_logged_model_params, model.model_id, {"a": "2", "c": "3"})
    assert code == "INVALID_PARAMETER_VALUE"
    assert "c" not in registry.get_logged_model(model.model_id).params  # all or nothing
    too_many = {f"x{i}": "v" for i in range(1001)}
    assert error_code(registry.log_logged_model_params, model.model_id, too_many) == (
        "INVALID_PARAMETER_VALUE"
    )


def test_tags_are_set_and_deleted(registry, store):
    model = registry.create_logged_model(store.create_experiment("e"), "m", tags={"a": "1"})
    registry.set_logged_model_tags(model.model_id, {"a": "2", "b": "3"})
    registry.delete_logged_model_tag(model.model_id, "b")
    assert registry.get_logged_model(model.model_id).tags == {"a": "2"}
    code = error_code(registry.delete_logged_model_tag, model.model_id, "b")
    assert code == "RESOURCE_DOES_NOT_EXIST"


def test_run_outputs_and_model_inputs(registry, store):
    experiment_id = store.create_experiment("e")
    run_id = store.create_run(experiment_id).info.run_id
    other_run = store.create_run(experiment_id).info.run_id
    produced = registry.create_logged_model(experiment_id, "m", run_id, as_run_output=False)
    used = registry.create_logged_model(experiment_id, "u", other_run)  # output at step 0
    registry.log_run_outputs(run_id, [ModelOutput(produced.model_id, 3)])
    registry.log_run_outputs(run_id, [ModelOutput(produced.model_id, 7)])  # the first stays
    registry.log_run_model_inputs(run_id, [used.model_id, used.model_id])
    run = store.get_run(run_id)
    assert run.outputs == [ModelOutput(produced.model_id, 3)]
    assert run.model_inputs == [used.model_id]
    searched = {r.info.run_id: r for r in store.search_runs([experiment_id]).items}
    assert searched[run_id].outputs == [ModelOutput(produced.model_id, 3)]
    assert searched[other_run].outputs == [ModelOutput(used.model_id, 0)]
    unknown = "m-" + "0" * 32
    code = error_code(registry.log_run_outputs, run_id, [ModelOutput(unknown, 0)])
    assert code == "RESOURCE_DOES_NOT_EXIST"
    store.delete_run(run_id)
    code = error_code(registry.log_run_outputs, run_id, [ModelOutput(used.model_id, 0)])
    assert code == "INVALID_PARAMETER_VALUE"


@pytest.fixture
def searchable(registry, tracking, store):
    """Six models (created in this order), linked points, and one deleted model."""
    experiment_id = store.create_experiment("e")
    run_id = store.create_run(experiment_id).info.run_id
    specs = [
        ("alpha", "sklearn", {"lr": "0.1"}, {"team": "a"}, "READY", [(0.7, 1000, "train")]),
        ("beta", "torch", {"lr": "0.01"}, {"team": "b"}, "FAILED", [(0.95, 1500, "test")]),
        ("gamma", "sklearn", {}, {"team": "a"}, None, [(0.9, 1000, "test"), (0.2, 900, "test")]),
        ("delta", "xgb", {"lr": "0.1"}, {}, "READY", [(math.nan, 1000, "test")]),
        ("eps", "torch", {}, {}, "READY", []),
        ("zeta", "sklearn", {}, {}, "READY", [(0.99, 1000, "test")]),
    ]
    ids = {}
    for name, model_type, params, tags, status, points in specs:
        model = registry.create_logged_model(experiment_id, name, run_id, model_type, tags, params)
        ids[name] = model.model_id
        if status:
            registry.finalize_logged_model(model.model_id, status)
        for value, timestamp, dataset in points:
            point = [Metric("acc", value, timestamp, 0)]
            log_linked(tracking, run_id, model.model_id, point, (dataset, "d-" + dataset))
        next_millisecond()  # distinct creation times
    registry.delete_logged_model(ids["zeta"])
    names = {model_id: name for name, model_id in ids.items()}

    def search(**arguments) -> list[str]:
        page = registry.search_logged_models([experiment_id], **arguments)
        return [names[model.model_id] for model in page.items]

    return search


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({}, ["eps", "delta", "gamma", "beta", "alpha"]),
        ({"filter_string": "model_type = 'sklearn'"}, ["gamma", "alpha"]),
        ({"filter_string": "name LIKE '%ta'"}, ["delta", "beta"]),
        ({"filter_string": "name ILIKE 'ALPHA'"}, ["alpha"]),
        ({"filter_string": "status = 'READY'"}, ["eps", "delta", "alpha"]),
        ({"filter_string": "status IN ('failed')"}, ["beta"]),
        ({"filter_string": "params.lr = '0.1' AND tags.team != 'b'"}, ["alpha"]),
        ({"filter_string": "params.lr IN ('0.01', '0.1')"}, ["delta", "beta", "alpha"]),
        ({"filter_string": "tags.team NOT IN ('b')"}, ["gamma", "alpha"]),
        # Any point matches (gamma's older 0.2 included); NaN matches nothing.
        ({"filter_string": "metrics.acc < 0.5"}, ["gamma"]),
        ({"filter_string": "metrics.acc != 0"}, ["gamma", "beta", "alpha"]),
        (
            {"filter_string": "creation_timestamp > 0 AND experiment_id IN ('1', '99')"},
            ["eps", "delta", "gamma", "beta", "alpha"],
        ),
        ({"filter_string": "experiment_id != '1'"}, []),
        ({"datasets": [("train", None)]}, ["alpha"]),
        (
            {"datasets": [("test", "d-test")], "filter_string": "metrics.acc > 0.5"},
            ["gamma", "beta"],
        ),
        ({"datasets": [("test", "other")]}, []),
        ({"name": "beta"}, ["beta"]),  # the native API's equality
        (
            {"order_by": [LoggedModelOrderBy("metric", "acc", ascending=False)]},
            ["beta", "gamma", "alpha", "eps", "delta"],  # latest value; none or NaN last
        ),
        (
            {"order_by": [LoggedModelOrderBy("metric", "acc", dataset_name="train")]},
            ["alpha", "eps", "delta", "gamma", "beta"],
        ),
        (
            {"order_by": [LoggedModelOrderBy("attribute", "status")]},
            ["gamma", "eps", "delta", "alpha", "beta"],  # MLflow's codes: PENDING, READY, FAILED
        ),
        (
            {"order_by": [LoggedModelOrderBy("attribute", "creation_timestamp")]},
            ["alpha", "beta", "gamma", "delta", "eps"],
        ),
        (
            {"order_by": [LoggedModelOrderBy("attribute", "name", ascending=False)]},
            ["gamma", "eps", "delta", "beta", "alpha"],
        ),
    ],
)
def test_search(searchable, arguments, expected):
    assert searchable(**arguments) == expected


def test_search_pages_are_bound_to_their_search(searchable, registry):
    pages, token = [], None
    while True:
        page = registry.search_logged_models(["1"], max_results=2, page_token=token)
        pages.append(len(page.items))
        token = page.next_page_token
        if token is None:
            break
        assert (
            error_code(
                registry.search_logged_models, ["1"], max_results=2, page_token=token, name="x"
            )
            == "INVALID_PARAMETER_VALUE"
        )
    assert pages == [2, 2, 1]
    assert error_code(registry.search_logged_models, ["1"], page_token="not-ours") == (
        "INVALID_PARAMETER_VALUE"
    )


def test_search_refusals(searchable, registry):
    for arguments in (
        {"filter_string": "metrics.acc LIKE '1'"},
        {"filter_string": "params.lr > '1'"},
        {"filter_string": "tags.team IS NULL"},
        {"filter_string": "metric.acc > 1"},
        {"filter_string": "status = 'DONE'"},
        {"filter_string": "artifact_location = 'x'"},
        {"filter_string": " AND ".join(["metrics.acc > 0"] * 51)},
        {"datasets": [("", "d")]},
        {"datasets": [("d", None)] * 51},
        {"order_by": [LoggedModelOrderBy("metric", "acc")] * 21},
        {"order_by": [LoggedModelOrderBy("metric", "a\x00")]},
    ):
        assert error_code(registry.search_logged_models, ["1"], **arguments) == (
            "INVALID_PARAMETER_VALUE"
        ), arguments


def test_a_database_at_0007_keeps_its_logged_models(database_at, db_uri, artifact_root):
    """Migration 0008 on a database with a logged model: active, and searchable."""
    database_at(
        "0007_registry_numbering",
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage)"
        " VALUES (7, 'old', '/old', 'active')",
        "INSERT INTO logged_models (model_id, experiment_id, name, status, model_type,"
        " artifact_uri, creation_timestamp, last_updated_timestamp) VALUES"
        " ('m-" + "a" * 32 + "', 7, 'kept', 'READY', '', '/old/models', 1, 1)",
    )
    store = SqlAlchemyStore(db_uri, artifact_root)  # upgrades to head
    registry = model_services(TrackingService(store, ArtifactLocations(artifact_root, [])))[0]
    model = registry.get_logged_model("m-" + "a" * 32)
    assert (model.name, model.lifecycle_stage, model.metrics) == ("kept", "active", [])
    assert [m.name for m in registry.search_logged_models(["7"]).items] == ["kept"]
    store.close()
