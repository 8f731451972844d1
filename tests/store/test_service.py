"""The service in front of the store: validation first, MLflow's defaults filled in."""

from __future__ import annotations

import math

import pytest

from jupyterlab_tracker.entities import Metric, Param
from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.service.tracking import TrackingService


@pytest.fixture
def service(store) -> TrackingService:
    return TrackingService(store)


def test_create_run_fills_defaults(service):
    experiment_id = service.create_experiment("exp")
    run = service.create_run(experiment_id, user_id="ada", run_name="first")
    assert run.info.start_time > 0
    assert run.data.tags["mlflow.runName"] == "first"
    assert run.data.tags["mlflow.user"] == "ada"
    tagged = service.create_run(experiment_id, tags={"mlflow.runName": "from-tag"})
    assert tagged.info.run_name == "from-tag"
    generated = service.create_run(experiment_id)
    assert generated.data.tags["mlflow.runName"] == generated.info.run_name
    with pytest.raises(TrackerError):
        service.create_run(experiment_id, run_name="a", tags={"mlflow.runName": "b"})


def test_terminating_sets_end_time(service):
    run_id = service.create_run("0").info.run_id
    info = service.update_run_info(run_id, status="FINISHED")
    assert info.status == "FINISHED" and info.end_time >= info.start_time
    with pytest.raises(TrackerError):
        service.update_run_info(run_id, status="DONE")


def test_validation_happens_before_the_store(service):
    run_id = service.create_run("0").info.run_id
    bad_calls = [
        lambda: service.create_experiment(""),
        lambda: service.get_experiment("abc"),
        lambda: service.get_run("not-a-run-id"),
        lambda: service.log_batch(run_id, params=[Param("k", "x" * 6001)]),
        lambda: service.log_batch(run_id, metrics=[Metric("bad//key", 1.0, 0, 0)]),
        lambda: service.log_batch(run_id, metrics=[Metric("m", 1.0, 0, 0)] * 1001),
        lambda: service.search_runs(["0"], max_results=0),
        lambda: service.search_runs(["0"], run_view_type="NOPE"),
    ]
    for call in bad_calls:
        with pytest.raises(TrackerError):
            call()


def test_logging_through_the_service(service):
    run_id = service.create_run("0").info.run_id
    service.log_batch(run_id, metrics=[Metric("m", math.inf, 1, 0)], params=[Param("p", "1")])
    service.log_batch(run_id)  # nothing to do
    run = service.get_run(run_id)
    assert run.data.metrics["m"] == math.inf and run.data.params == {"p": "1"}
    assert [r.info.run_id for r in service.search_runs(["0"], "params.p = '1'").items] == [run_id]
