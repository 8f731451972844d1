"""Runs: lifecycle, params (immutable), tags, log_batch, inputs, keys."""

from __future__ import annotations

import re

import pytest

from jupyterlab_tracker.entities import Dataset, DatasetInput, Metric, Param, RunTag
from jupyterlab_tracker.errors import (
    INVALID_PARAMETER_VALUE,
    RESOURCE_DOES_NOT_EXIST,
    TrackerError,
)


@pytest.fixture
def experiment_id(store) -> str:
    return store.create_experiment("exp")


@pytest.fixture
def run_id(store, experiment_id) -> str:
    return store.create_run(experiment_id, user_id="ada", start_time=1000).info.run_id


def test_create_run(store, experiment_id, artifact_root):
    run = store.create_run(experiment_id, user_id="ada", start_time=123, tags={"t": "1"})
    info = run.info
    assert re.fullmatch(r"[0-9a-f]{32}", info.run_id)
    assert info.status == "RUNNING" and info.lifecycle_stage == "active"
    assert info.start_time == 123 and info.end_time is None
    assert info.artifact_uri == f"{artifact_root}/{experiment_id}/{info.run_id}/artifacts"
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d+", info.run_name)
    assert run.data.tags == {"t": "1", "mlflow.runName": info.run_name}
    assert store.get_run(info.run_id) == run


def test_run_name_and_tag_agree(store, experiment_id):
    named = store.create_run(experiment_id, run_name="given")
    assert named.data.tags["mlflow.runName"] == "given"
    tagged = store.create_run(experiment_id, tags={"mlflow.runName": "from-tag"})
    assert tagged.info.run_name == "from-tag"
    with pytest.raises(TrackerError):
        store.create_run(experiment_id, run_name="a", tags={"mlflow.runName": "b"})
    store.log_batch(named.info.run_id, tags=[RunTag("mlflow.runName", "renamed")])
    assert store.get_run(named.info.run_id).info.run_name == "renamed"
    store.update_run_info(named.info.run_id, run_name="again")
    assert store.get_run(named.info.run_id).data.tags["mlflow.runName"] == "again"


def test_create_run_in_missing_experiment(store):
    with pytest.raises(TrackerError) as error:
        store.create_run("999")
    assert error.value.error_code == RESOURCE_DOES_NOT_EXIST


def test_update_run_info(store, run_id):
    info = store.update_run_info(run_id, status="FINISHED", end_time=2000)
    assert (info.status, info.end_time) == ("FINISHED", 2000)
    assert store.get_run(run_id).info == info
    # Logging to a finished (but active) run is allowed, as in MLflow.
    store.log_batch(run_id, metrics=[Metric("late", 1.0, 3000, 0)])


def test_delete_and_restore_run(store, run_id):
    store.delete_run(run_id)
    assert store.get_run(run_id).info.lifecycle_stage == "deleted"
    with pytest.raises(TrackerError) as error:
        store.log_batch(run_id, metrics=[Metric("m", 1.0, 1, 0)])
    assert error.value.error_code == INVALID_PARAMETER_VALUE
    assert "active" in error.value.message
    with pytest.raises(TrackerError):
        store.update_run_info(run_id, status="FINISHED")
    store.restore_run(run_id)
    assert store.get_run(run_id).info.lifecycle_stage == "active"
    store.log_batch(run_id, metrics=[Metric("m", 1.0, 1, 0)])


def test_missing_run(store):
    for call in (
        lambda: store.get_run("0" * 32),
        lambda: store.delete_run("0" * 32),
        lambda: store.log_batch("0" * 32, params=[Param("a", "1")]),
        lambda: store.get_metric_history("0" * 32, "m"),
    ):
        with pytest.raises(TrackerError) as error:
            call()
        assert error.value.error_code == RESOURCE_DOES_NOT_EXIST


def test_params_are_immutable(store, run_id):
    store.log_batch(run_id, params=[Param("lr", "0.1"), Param("opt", "adam")])
    store.log_batch(run_id, params=[Param("lr", "0.1")])  # same value: fine
    with pytest.raises(TrackerError) as error:
        store.log_batch(run_id, params=[Param("new", "x"), Param("lr", "0.2")])
    message = error.value.message
    assert error.value.error_code == INVALID_PARAMETER_VALUE
    assert "lr" in message and "0.1" in message and "0.2" in message
    # The failed batch wrote nothing.
    assert store.get_run(run_id).data.params == {"lr": "0.1", "opt": "adam"}


def test_duplicate_params_inside_one_batch(store, run_id):
    store.log_batch(run_id, params=[Param("a", "1"), Param("a", "1")])
    with pytest.raises(TrackerError) as error:
        store.log_batch(run_id, params=[Param("b", "1"), Param("b", "2")])
    assert "b" in error.value.message
    assert store.get_run(run_id).data.params == {"a": "1"}


def test_tags_upsert_and_delete(store, run_id):
    store.log_batch(run_id, tags=[RunTag("t", "1"), RunTag("t", "2"), RunTag("u", "x")])
    store.log_batch(run_id, tags=[RunTag("u", "y")])
    tags = store.get_run(run_id).data.tags
    assert (tags["t"], tags["u"]) == ("2", "y")
    store.delete_tag(run_id, "t")
    assert "t" not in store.get_run(run_id).data.tags
    with pytest.raises(TrackerError) as error:
        store.delete_tag(run_id, "t")
    assert error.value.error_code == RESOURCE_DOES_NOT_EXIST


def test_batch_id_makes_log_batch_idempotent(store, run_id):
    batch = {"metrics": [Metric("m", 1.0, 10, 0)], "params": [Param("p", "1")]}
    store.log_batch(run_id, batch_id="batch-1", **batch)
    store.log_batch(run_id, batch_id="batch-1", **batch)  # a retry
    assert len(store.get_metric_history(run_id, "m").items) == 1
    store.log_batch(run_id, batch_id="batch-2", **batch)
    assert len(store.get_metric_history(run_id, "m").items) == 2


def test_failed_batch_does_not_consume_its_batch_id(store, run_id):
    store.log_batch(run_id, params=[Param("p", "1")])
    with pytest.raises(TrackerError):
        store.log_batch(run_id, params=[Param("p", "2")], batch_id="b")
    store.log_batch(run_id, metrics=[Metric("m", 1.0, 1, 0)], batch_id="b")
    assert len(store.get_metric_history(run_id, "m").items) == 1


def test_log_inputs(store, experiment_id, run_id):
    train = Dataset(name="iris", digest="abc", source_type="local", source="/d/iris.csv")
    store.log_inputs(run_id, [DatasetInput(train, {"mlflow.data.context": "training"})])
    store.log_inputs(run_id, [DatasetInput(train, {"mlflow.data.context": "training"})])
    other = store.create_run(experiment_id).info.run_id
    store.log_inputs(other, [DatasetInput(train), DatasetInput(Dataset("wine", "def"))])
    inputs = store.get_run(run_id).inputs
    assert inputs == [DatasetInput(train, {"mlflow.data.context": "training"})]
    assert [i.dataset.name for i in store.get_run(other).inputs] == ["iris", "wine"]


def test_list_run_keys(store, experiment_id, run_id):
    store.log_batch(
        run_id,
        metrics=[Metric("loss", 1.0, 1, 0), Metric("acc", 0.5, 1, 0)],
        params=[Param("lr", "1")],
        tags=[RunTag("note", "x")],
    )
    other_experiment = store.create_experiment("other")
    other_run = store.create_run(other_experiment).info.run_id
    store.log_batch(other_run, metrics=[Metric("elsewhere", 1.0, 1, 0)])
    keys = store.list_run_keys([experiment_id])
    assert keys == {
        "metrics": ["acc", "loss"],
        "params": ["lr"],
        "tags": ["mlflow.runName", "note"],
    }
    assert store.list_run_keys([experiment_id, other_experiment])["metrics"] == [
        "acc",
        "elsewhere",
        "loss",
    ]
