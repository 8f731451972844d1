"""One active run in a kernel that uses both jt and mlflow's fluent API: a real kernel
started by the Jupyter server (jt logs to the server's store, mlflow to its MLflow API),
each direction, nesting, ending from either side, and ``%%track``."""

from __future__ import annotations

import json
import os
import sys

import pytest
from jupyter_client import BlockingKernelClient
from support.kernels import CellOutput

import jupyterlab_tracker as jt
from jupyterlab_tracker import TrackerClient
from jupyterlab_tracker.client import fluent
from jupyterlab_tracker.client.mlflow_runs import same_store
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV
from jupyterlab_tracker.testing import LiveServer

MLFLOW_FIRST = """
import json, mlflow
import jupyterlab_tracker as jt
report = {}
with mlflow.start_run(run_name="mlflow-outer") as outer:
    jt.log_metric("jt_loss", 0.5, step=1)
    jt.log_param("jt_param", "a")
    mlflow.log_metric("mlflow_loss", 0.25)
    report["outer"] = outer.info.run_id
    report["outer_agree"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
    try:
        jt.start_run()
    except Exception as error:  # nested=True is needed, as for mlflow
        report["not_nested"] = str(error)
    with jt.start_run(run_name="jt-child", nested=True) as child:
        mlflow.log_metric("mlflow_child", 1.0)
        report["child"] = child.info.run_id
        report["child_agree"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
    report["back_to_outer"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
report["after"] = [jt.active_run(), mlflow.active_run()]
jt.flush()
print(json.dumps(report))
"""

JT_FIRST = """
import json, mlflow
import jupyterlab_tracker as jt
report = {}
with jt.start_run(run_name="jt-outer") as outer:
    mlflow.log_metric("mlflow_loss", 2.0, step=3)
    mlflow.log_param("mlflow_param", "b")
    jt.log_metric("jt_loss", 4.0)
    report["outer"] = outer.info.run_id
    report["outer_agree"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
    try:
        mlflow.start_run()
    except Exception as error:  # nested=True is needed, as inside an mlflow run
        report["not_nested"] = str(error)
    with mlflow.start_run(run_name="mlflow-child", nested=True) as child:
        jt.log_metric("jt_child", 5.0)
        report["child"] = child.info.run_id
        report["child_agree"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
    report["back_to_outer"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
report["after"] = [jt.active_run(), mlflow.active_run()]
# Ending through mlflow ends it for jt, and the other way round.
run = jt.start_run(run_name="ended-by-mlflow")
mlflow.end_run("KILLED")
report["ended_by_mlflow"] = [run.info.run_id, jt.active_run()]
run = mlflow.start_run(run_name="ended-by-jt")
jt.end_run("FAILED")
report["ended_by_jt"] = [run.info.run_id, mlflow.active_run()]
jt.flush()
print(json.dumps(report))
"""

LOAD_MAGICS = "%load_ext jupyterlab_tracker\nimport jupyterlab_tracker as jt"
# mlflow imported for the first time inside the tracked cell, after its run began.
TRACKED_CELL = """%%track --name tracked
import json, mlflow
mlflow.log_metric("mlflow_loss", 7.0)
jt.log_metric("jt_loss", 8.0)
print(json.dumps([jt.active_run().info.run_id, mlflow.active_run().info.run_id]))
"""
AFTER_TRACK = """
import json, os
jt.flush()
print(json.dumps([jt.active_run(), mlflow.active_run(), os.environ.get("MLFLOW_RUN_ID")]))
"""


@pytest.fixture
def server(tmp_path):
    """A Jupyter server in its own process: its kernels call back into it over HTTP."""
    with LiveServer(tmp_path) as live:
        yield live


def in_kernel(server: LiveServer, *cells: str) -> list[str]:
    """Run ``cells`` in a kernel the server started (so it has the server's tracker and
    MLflow variables); return each cell's stdout."""
    response = server.api("POST", "api/kernels", json={"name": "python3"})
    assert response.status_code == 201, response.text
    kernel_id = response.json()["id"]
    try:
        client = BlockingKernelClient()
        client.load_connection_file(server.root / "runtime" / f"kernel-{kernel_id}.json")
        return run_cells(client, cells)
    finally:
        server.api("DELETE", f"api/kernels/{kernel_id}")


def run_cells(client: BlockingKernelClient, cells) -> list[str]:
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        return [run_cell(client, cell) for cell in cells]
    finally:
        client.stop_channels()


def run_cell(client: BlockingKernelClient, cell: str) -> str:
    """One cell's stdout; an error in the cell fails the test with its traceback."""
    output = CellOutput()
    return output.of(client.execute_interactive(cell, output_hook=output, timeout=180))


def last_json(output: str):
    """The last JSON line a cell printed (mlflow prints its run links after it)."""
    return json.loads([line for line in output.splitlines() if line[:1] in "[{"][-1])


@pytest.fixture
def store(server):
    client = TrackerClient(f"sqlite:///{server.root / 'tracker.db'}")
    yield client
    client.close()


def metrics(store: TrackerClient, run_id: str) -> dict[str, float]:
    return dict(store.get_run(run_id).data.metrics)


@pytest.mark.slow  # kernels of a live lab server
def test_jt_logs_into_mlflows_run(server, store):
    [output] = in_kernel(server, MLFLOW_FIRST)
    report = last_json(output)
    outer, child = report["outer"], report["child"]
    assert report["outer_agree"] == [outer, outer]
    assert f"Run {outer} is already active" in report["not_nested"]
    assert report["child_agree"] == [child, child]
    assert report["back_to_outer"] == [outer, outer]
    assert report["after"] == [None, None]

    run = store.get_run(outer)
    assert metrics(store, outer) == {"jt_loss": 0.5, "mlflow_loss": 0.25}
    assert run.data.params == {"jt_param": "a"}
    assert run.info.status == "FINISHED" and run.info.run_name == "mlflow-outer"
    child_run = store.get_run(child)
    assert metrics(store, child) == {"mlflow_child": 1.0}
    assert child_run.data.tags["mlflow.parentRunId"] == outer
    assert child_run.info.status == "FINISHED"
    # No run besides the two: jt did not start one of its own.
    runs = store.search_all_runs([run.info.experiment_id])
    assert sorted(r.info.run_id for r in runs) == sorted([outer, child])


@pytest.mark.slow  # kernels of a live lab server
def test_mlflow_logs_into_jts_run_and_either_side_ends_it(server, store):
    [output] = in_kernel(server, JT_FIRST)
    report = last_json(output)
    outer, child = report["outer"], report["child"]
    assert report["outer_agree"] == [outer, outer]
    assert f"Run with UUID {outer} is already active" in report["not_nested"]
    assert report["child_agree"] == [child, child]
    assert report["back_to_outer"] == [outer, outer]
    assert report["after"] == [None, None]

    run = store.get_run(outer)
    assert metrics(store, outer) == {"mlflow_loss": 2.0, "jt_loss": 4.0}
    assert [m.step for m in store.get_full_metric_history(outer, "mlflow_loss")] == [3]
    assert run.data.params == {"mlflow_param": "b"}
    assert run.info.status == "FINISHED" and run.info.run_name == "jt-outer"
    assert metrics(store, child) == {"jt_child": 5.0}
    assert store.get_run(child).data.tags["mlflow.parentRunId"] == outer

    ended_by_mlflow, jt_active = report["ended_by_mlflow"]
    assert jt_active is None and store.get_run(ended_by_mlflow).info.status == "KILLED"
    ended_by_jt, mlflow_active = report["ended_by_jt"]
    assert mlflow_active is None and store.get_run(ended_by_jt).info.status == "FAILED"
    runs = store.search_all_runs([run.info.experiment_id])
    assert len(runs) == 4  # outer, child and the two ended ones: no stray run


@pytest.mark.slow  # kernels of a live lab server
def test_track_wraps_mlflow_imported_inside_the_cell(server, store):
    _, tracked, after = in_kernel(server, LOAD_MAGICS, TRACKED_CELL, AFTER_TRACK)
    jt_id, mlflow_id = last_json(tracked)
    assert jt_id == mlflow_id
    assert last_json(after) == [None, None, None]

    run = store.get_run(jt_id)
    assert run.info.run_name == "tracked" and run.info.status == "FINISHED"
    assert metrics(store, jt_id) == {"mlflow_loss": 7.0, "jt_loss": 8.0}
    assert len(store.search_all_runs([run.info.experiment_id])) == 1


def test_runs_are_shared_only_when_both_log_to_the_same_store(monkeypatch):
    tracker = "http://127.0.0.1:8888/user/a/tracker"
    monkeypatch.setenv(STORE_URI_ENV, "sqlite:////data/tracker.db")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracker)
    assert same_store(tracker, tracker + "/")  # one tracker URL for both
    assert same_store("sqlite:////data/tracker.db", tracker)  # what the server gave both
    assert not same_store("sqlite:////data/tracker.db", "http://elsewhere:5000")
    assert not same_store("sqlite:////data/other.db", tracker)
    assert not same_store("sqlite:////data/tracker.db", "")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")  # not a tracker
    assert not same_store("sqlite:////data/tracker.db", "http://127.0.0.1:5000")


def test_a_jt_run_is_offered_to_an_mlflow_imported_later(monkeypatch, tmp_path):
    """Without importing mlflow: its MLFLOW_RUN_ID names jt's innermost run, then none."""
    monkeypatch.delitem(sys.modules, "mlflow.tracking.fluent", raising=False)
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    monkeypatch.setenv(STORE_URI_ENV, f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv(ARTIFACT_ROOT_ENV, str(tmp_path / "artifacts"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9/tracker")  # never called
    monkeypatch.delenv("MLFLOW_RUN_ID", raising=False)
    try:
        with jt.start_run() as outer:
            assert os.environ["MLFLOW_RUN_ID"] == outer.info.run_id
            with jt.start_run(nested=True) as child:
                assert os.environ["MLFLOW_RUN_ID"] == child.info.run_id
            assert os.environ["MLFLOW_RUN_ID"] == outer.info.run_id
        assert "MLFLOW_RUN_ID" not in os.environ
        assert "mlflow.tracking.fluent" not in sys.modules
    finally:
        fluent._session.client.close()
