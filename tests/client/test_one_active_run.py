"""One active run and one current experiment in a kernel that uses both jt and mlflow's
fluent API: a real kernel started by the Jupyter server (jt logs to the server's store,
mlflow to its MLflow API), each direction, nesting, ending from either side, ``%%track``,
and ``set_experiment`` from either side."""

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

# One run shared both ways: ``{outer}`` starts it, ``{inner}`` logs into it and starts the
# nested child, ``{outer}`` logs into that. Run with (mlflow, jt) and with (jt, mlflow).
SHARED_RUN = """
import json, mlflow
import jupyterlab_tracker as jt
report = {{}}
with {outer}.start_run(run_name="{outer}-outer") as outer:
    {inner}.log_metric("{inner}_loss", 0.5, step=3)
    {inner}.log_param("{inner}_param", "a")
    {outer}.log_metric("{outer}_loss", 0.25)
    report["outer"] = outer.info.run_id
    report["outer_agree"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
    try:
        {inner}.start_run()
    except Exception as error:  # nested=True is needed, as inside a run of its own
        report["not_nested"] = str(error)
    with {inner}.start_run(run_name="{inner}-child", nested=True) as child:
        {outer}.log_metric("{outer}_child", 1.0)
        report["child"] = child.info.run_id
        report["child_agree"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
    report["back_to_outer"] = [jt.active_run().info.run_id, mlflow.active_run().info.run_id]
report["after"] = [jt.active_run(), mlflow.active_run()]
jt.flush()
print(json.dumps(report))
"""
# What the inner side says when asked for a second top-level run.
ALREADY_ACTIVE = {"jt": "Run {} is already active", "mlflow": "Run with UUID {} is already active"}

# Ending through mlflow ends it for jt, and the other way round.
ENDED_BY_THE_OTHER = """
import json, mlflow
import jupyterlab_tracker as jt
report = {}
run = jt.start_run(run_name="ended-by-mlflow")
mlflow.end_run("KILLED")
report["ended_by_mlflow"] = [run.info.run_id, jt.active_run()]
run = mlflow.start_run(run_name="ended-by-jt")
jt.end_run("FAILED")
report["ended_by_jt"] = [run.info.run_id, mlflow.active_run()]
jt.flush()
print(json.dumps(report))
"""

# One current experiment: jt set first (mlflow not imported yet), then mlflow's, then jt's.
SHARED_EXPERIMENT = [
    """
import jupyterlab_tracker as jt
jt.set_experiment("set-by-jt-first")
""",
    """
import json, mlflow
report = {}
with mlflow.start_run() as run:  # mlflow imported after jt.set_experiment
    report["mlflow_after_jt_first"] = run.info.experiment_id
report["jt_first"] = jt.get_experiment_by_name("set-by-jt-first").experiment_id
report["by_mlflow"] = mlflow.set_experiment("set-by-mlflow").experiment_id
with jt.start_run() as run:
    report["jt_run"] = run.info.experiment_id
jt.log_metric("loose", 1.0)  # no active run: jt starts one, in the current experiment
report["jt_loose_run"] = jt.active_run().info.experiment_id
jt.end_run()
report["jt_runs_listed"] = len(jt.search_runs())  # the current experiment's runs
report["by_jt"] = jt.set_experiment("set-by-jt").experiment_id
with mlflow.start_run() as run:
    report["mlflow_run"] = run.info.experiment_id
mlflow.log_metric("loose", 2.0)  # likewise for mlflow
report["mlflow_loose_run"] = mlflow.active_run().info.experiment_id
mlflow.end_run()
report["mlflow_active"] = mlflow.get_experiment(mlflow.tracking.fluent._get_experiment_id()).name
print(json.dumps(report))
""",
]

LOAD_MAGICS = "%load_ext jupyterlab_tracker\nimport jupyterlab_tracker as jt"
# mlflow imported for the first time inside the tracked cell, after its run began.
# (No system metrics: the metrics compared below are the two the cell logs.)
TRACKED_CELL = """%%track --name tracked --no-system-metrics
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
@pytest.mark.parametrize("outer, inner", [("mlflow", "jt"), ("jt", "mlflow")])
def test_one_run_shared_whichever_side_starts_it(server, store, outer, inner):
    [output] = in_kernel(server, SHARED_RUN.format(outer=outer, inner=inner))
    report = last_json(output)
    outer_id, child_id = report["outer"], report["child"]
    assert report["outer_agree"] == [outer_id, outer_id]
    assert ALREADY_ACTIVE[inner].format(outer_id) in report["not_nested"]
    assert report["child_agree"] == [child_id, child_id]
    assert report["back_to_outer"] == [outer_id, outer_id]
    assert report["after"] == [None, None]

    run = store.get_run(outer_id)
    assert metrics(store, outer_id) == {f"{inner}_loss": 0.5, f"{outer}_loss": 0.25}
    assert [m.step for m in store.get_full_metric_history(outer_id, f"{inner}_loss")] == [3]
    assert run.data.params == {f"{inner}_param": "a"}
    assert run.info.status == "FINISHED" and run.info.run_name == f"{outer}-outer"
    child = store.get_run(child_id)
    assert metrics(store, child_id) == {f"{outer}_child": 1.0}
    assert child.data.tags["mlflow.parentRunId"] == outer_id
    assert child.info.status == "FINISHED" and child.info.run_name == f"{inner}-child"
    # No run besides the two: neither side started one of its own.
    runs = store.search_all_runs([run.info.experiment_id])
    assert sorted(r.info.run_id for r in runs) == sorted([outer_id, child_id])


@pytest.mark.slow  # kernels of a live lab server
def test_either_side_ends_a_shared_run(server, store):
    [output] = in_kernel(server, ENDED_BY_THE_OTHER)
    report = last_json(output)
    ended_by_mlflow, jt_active = report["ended_by_mlflow"]
    assert jt_active is None and store.get_run(ended_by_mlflow).info.status == "KILLED"
    ended_by_jt, mlflow_active = report["ended_by_jt"]
    assert mlflow_active is None and store.get_run(ended_by_jt).info.status == "FAILED"
    experiment_id = store.get_run(ended_by_jt).info.experiment_id
    assert len(store.search_all_runs([experiment_id])) == 2  # no stray run


@pytest.mark.slow  # kernels of a live lab server
def test_one_current_experiment_whichever_side_sets_it(server, store):
    _, output = in_kernel(server, *SHARED_EXPERIMENT)
    report = last_json(output)
    assert report["mlflow_after_jt_first"] == report["jt_first"]
    assert report["jt_run"] == report["jt_loose_run"] == report["by_mlflow"]
    assert report["jt_runs_listed"] == 2
    assert report["mlflow_run"] == report["mlflow_loose_run"] == report["by_jt"]
    assert report["mlflow_active"] == "set-by-jt"
    assert len({report["jt_first"], report["by_mlflow"], report["by_jt"]}) == 3
    for name, runs in (("set-by-jt-first", 1), ("set-by-mlflow", 2), ("set-by-jt", 2)):
        experiment = store.get_experiment_by_name(name)
        assert len(store.search_all_runs([experiment.experiment_id])) == runs, name


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
