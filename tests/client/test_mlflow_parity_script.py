"""Issue 15's "done when": one notebook script (support/mlflow_scripts/notebook_parity.py), written
once through a module alias ``X``, run with ``import mlflow as X`` and with ``import
jupyterlab_tracker as X`` against the same lab server, each into its own experiment, leaves
the same data in the store: experiments, runs (names, status, nesting, params, every
metric's full history, tags), artifact paths and bytes, logged models and their MLmodel,
registered models and versions.

What legitimately differs between two runs of the same script (ids, times, who and where)
is taken out by ``snapshot`` below, each key with its reason; the differences between jt
and MLflow themselves are the short list in ``KEPT_DIFFERENCES`` (also in
docs/mlflow-compatibility.md). The jt variant runs a second time inside a kernel the server
started, as a notebook would, and must leave the same data again.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from support.paths import MLFLOW_SCRIPTS
from support.scripts import run_script
from test_one_active_run import in_kernel

from jupyterlab_tracker import TrackerClient
from jupyterlab_tracker.client import capture
from jupyterlab_tracker.client.artifacts import MODEL_OWNER
from jupyterlab_tracker.testing import LiveServer

pytestmark = pytest.mark.slow  # a live lab server, the script twice, and a kernel

SCRIPT = MLFLOW_SCRIPTS / "notebook_parity.py"
CLIENTS = {"mlflow": "parity-mlflow", "jupyterlab_tracker": "parity-jt"}
KERNEL_EXPERIMENT = "parity-jt-kernel"

# Tags that differ between any two runs of the same script, whichever client runs it.
PER_EXECUTION_TAGS = {
    "mlflow.user",  # who ran it: the login name at run time
    "mlflow.source.name",  # the script's path (or the notebook's) at run time
    "mlflow.source.type",  # LOCAL for a script, NOTEBOOK in a kernel
    "mlflow.parentRunId",  # a run id: compared as the parent's run name instead
    "best_run",  # the script's own tag holding a run id: compared as that run's name
}
# KEPT DIFFERENCE (docs/mlflow-compatibility.md, "What the same script leaves"): MLflow's
# git context records the checkout a script ran from; jt records no git state (it keeps
# the code itself, the notebook's cells, as run sources instead).
MLFLOW_ONLY_TAGS = {
    "mlflow.source.git.commit",
    "mlflow.source.git.branch",
    "mlflow.source.git.repoURL",
    "mlflow.gitRepoURL",
}
# MLmodel keys that differ between any two saves of the same model: ids and the time.
# artifact_path is the logged model's location, which holds the experiment's and the
# model's ids (MLflow's is mlflow-artifacts:/<exp>/models/<id>/artifacts; jt's the
# store's own URI of the same directory).
PER_SAVE_MLMODEL_KEYS = {"run_id", "model_id", "model_uuid", "utc_time_created", "artifact_path"}
# KEPT DIFFERENCE: MLflow infers a model's requirements by loading it in a subprocess and
# listing every package it imported (scipy, psutil, rich for this model); jt pins the
# packages its flavor needs. Compared below: jt's list is a subset of MLflow's, in the
# same pins.
REQUIREMENT_FILES = ("requirements.txt", "conda.yaml")
# What jt records of a run started in a notebook kernel (see _take_notebook_capture).
CAPTURE_ARTIFACTS = (capture.CELL_SOURCE_ARTIFACT, capture.REQUIREMENTS_ARTIFACT)
CAPTURE_DIRS = tuple(path.split("/")[0] + "/" for path in CAPTURE_ARTIFACTS)


def run_in_process(server: LiveServer, client: str, experiment: str) -> dict:
    """The script in its own interpreter, as user code: jt, like mlflow, over HTTP."""
    env = {"PARITY_CLIENT": client, "PARITY_EXPERIMENT": experiment}
    env.update(JUPYTERLAB_TRACKER_URI=server.tracker_url, JUPYTERLAB_TRACKER_TOKEN=server.token)
    return run_script(server, SCRIPT.name, env)


def run_in_kernel(server: LiveServer, experiment: str) -> None:
    """The jt variant as a notebook runs it: the script as one cell of a kernel the server
    started (jt then writes to the server's store in-process, with no setup)."""
    setup = (
        f"import os\nos.environ['PARITY_CLIENT'] = 'jupyterlab_tracker'\n"
        f"os.environ['PARITY_EXPERIMENT'] = {experiment!r}"
    )
    in_kernel(server, setup, SCRIPT.read_text(), "X.flush()")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("parity")).start()
    try:
        for client, experiment in CLIENTS.items():
            report = run_in_process(live, client, experiment)
            assert report == {"best_run": "alpha=0.01", "runs_found": 2}, client
        run_in_kernel(live, KERNEL_EXPERIMENT)
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def store(server):
    client = TrackerClient(server.tracker_url, token=server.token)
    yield client
    client.close()


def _value(value: float):
    return "nan" if math.isnan(value) else value


def _files(download) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        root = download(tmp)
        found = {}
        for directory, _, names in os.walk(root):
            for name in names:
                path = os.path.join(directory, name)
                found[os.path.relpath(path, root)] = Path(path).read_bytes()
        return found


def _mlmodel(text: bytes) -> dict:
    descriptor = yaml.safe_load(text)
    return {k: v for k, v in descriptor.items() if k not in PER_SAVE_MLMODEL_KEYS}


def _tags(tags: dict) -> dict:
    return {k: v for k, v in tags.items() if k not in PER_EXECUTION_TAGS | MLFLOW_ONLY_TAGS}


def _requirements(files: dict[str, bytes]) -> set[str]:
    conda = yaml.safe_load(files["conda.yaml"])
    pip = next(d["pip"] for d in conda["dependencies"] if isinstance(d, dict))
    listed = set(files["requirements.txt"].decode().split())
    assert listed == set(pip), "requirements.txt and conda.yaml's pip list differ"
    return listed


def snapshot(store: TrackerClient, experiment_name: str) -> dict:
    """What the script left in experiment ``experiment_name``, without ids and times."""
    experiment = store.get_experiment_by_name(experiment_name)
    runs = store.search_all_runs([experiment.experiment_id])
    names = {run.info.run_id: run.info.run_name for run in runs}
    result = {
        "experiment": {
            "lifecycle_stage": experiment.lifecycle_stage,
            "tags": dict(experiment.tags),
        },
        "runs": {},
    }
    for run in runs:
        tags = dict(run.data.tags)
        logged_models = {}
        for model in store.search_logged_models(
            [experiment.experiment_id], source_run_id=run.info.run_id
        ):
            files = _files(
                lambda tmp, m=model: store.artifacts.download(MODEL_OWNER, m.model_id, None, tmp)
            )
            model_tags = _tags(model.tags)
            if "mlflow.modelVersions" in model_tags:  # names the experiment's registered model
                model_tags["mlflow.modelVersions"] = model_tags["mlflow.modelVersions"].replace(
                    experiment_name, "<experiment>"
                )
            logged_models[model.name] = {
                "status": model.status,
                "model_type": model.model_type,
                "params": dict(model.params),
                "tags": model_tags,
                # KEPT DIFFERENCE (not compared: model.metrics): MLflow 3 links the run's
                # step-0 metrics to a model when it is logged, and later ones while it is
                # the active model (after loading it); jt links no run metrics to models.
                "files": sorted(files),
                "requirements": _requirements(files),
                "MLmodel": _mlmodel(files.pop("MLmodel")),
                "file_bytes": {k: v for k, v in files.items() if k not in REQUIREMENT_FILES},
            }
        artifacts = _files(lambda tmp, r=run: store.download_artifacts(r.info.run_id, "", tmp))
        result["runs"][run.info.run_name] = {
            "status": run.info.status,
            "parent": names.get(tags.get("mlflow.parentRunId")),
            "best_run": names.get(tags.get("best_run")),
            "params": dict(run.data.params),
            "metrics": {
                key: [
                    (point.step, _value(point.value))
                    for point in store.get_metric_history(run.info.run_id, key)
                ]
                for key in run.data.metrics
            },
            "tags": _tags(tags),
            "artifacts": artifacts,
            "logged_models": logged_models,
        }
    versions = {}
    for version in store.search_model_versions(f"name = '{experiment_name}-classifier'"):
        versions[version.version] = {
            "status": version.status,
            "run": names.get(version.run_id),
            "from_logged_model": version.model_id is not None,
            "tags": dict(version.tags),
            "aliases": list(version.aliases),
        }
    result["registered_versions"] = versions
    return result


def differences(theirs, ours, path: str = "") -> list[str]:
    """Where two snapshots differ, one line per leaf (file bytes shown by size)."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        found = []
        for key in sorted(theirs.keys() | ours.keys(), key=str):
            where = f"{path}/{key}"
            if key not in ours:
                found.append(f"{where}: only with mlflow")
            elif key not in theirs:
                found.append(f"{where}: only with jt")
            else:
                found += differences(theirs[key], ours[key], where)
        return found
    if theirs == ours:
        return []
    if isinstance(theirs, bytes) and isinstance(ours, bytes):
        return [f"{path}: {len(theirs)} bytes with mlflow, {len(ours)} with jt"]
    return [f"{path}: {theirs!r} with mlflow, {ours!r} with jt"]


def _take(snapshot: dict, key: str) -> dict[tuple[str, str], object]:
    """Remove ``key`` from every logged model of ``snapshot``; return it by (run, model)."""
    return {
        (run_name, model_name): model.pop(key)
        for run_name, run in snapshot["runs"].items()
        for model_name, model in run["logged_models"].items()
    }


def test_the_same_script_leaves_the_same_data_with_mlflow_and_jt(store):
    theirs, ours = (snapshot(store, experiment) for experiment in CLIENTS.values())
    # What the script logged is there (so an empty store cannot pass).
    assert sorted(ours["runs"]) == ["alpha=0.0001", "alpha=0.01", "diverged", "sgd-sweep"]
    sweep_run = ours["runs"]["alpha=0.01"]
    assert [step for step, _ in sweep_run["metrics"]["train_loss"]] == [0, 1, 2, 3, 4, 5]
    assert list(sweep_run["logged_models"]) == ["model"] and sweep_run["parent"] == "sgd-sweep"
    assert ours["runs"]["diverged"]["status"] == "FAILED"
    assert list(ours["registered_versions"]) == ["1"]

    # KEPT DIFFERENCE (see REQUIREMENT_FILES): jt's requirements are some of MLflow's.
    their_requirements, our_requirements = (
        _take(theirs, "requirements"),
        _take(ours, "requirements"),
    )
    assert our_requirements.keys() == their_requirements.keys()
    for model, requirements in our_requirements.items():
        assert requirements <= their_requirements[model], model
        assert {"mlflow", "scikit-learn", "cloudpickle"} <= {r.split("==")[0] for r in requirements}
    # KEPT DIFFERENCE: jt records the flavor as a logged model's type (the lab's panel
    # shows it); MLflow leaves it empty unless log_model is given model_type=.
    assert set(_take(theirs, "model_type").values()) == {""}
    assert set(_take(ours, "model_type").values()) == {"sklearn"}

    found = differences(theirs, ours)
    assert not found, "\n".join(found)


def _take_notebook_capture(snapshot: dict) -> None:
    """KEPT DIFFERENCE (docs/mlflow-compatibility.md): a run jt starts in a notebook kernel
    records how to reproduce it (client/capture.py): the cell's code and the installed
    packages as artifacts, the Python version and git state as ``jupyterlab_tracker.*``
    tags. MLflow has no such feature. Checked present in every run, then left out."""
    for name, run in snapshot["runs"].items():
        captured = [path for path in run["artifacts"] if path.startswith(CAPTURE_DIRS)]
        assert sorted(captured) == sorted(CAPTURE_ARTIFACTS), name
        for path in captured:
            del run["artifacts"][path]
        assert "jupyterlab_tracker.python_version" in run["tags"], name
        for key in [k for k in run["tags"] if k.startswith("jupyterlab_tracker.")]:
            del run["tags"][key]


def test_the_script_in_a_notebook_kernel_leaves_the_same_data_with_jt(store):
    theirs = snapshot(store, CLIENTS["mlflow"])
    ours = snapshot(store, KERNEL_EXPERIMENT)
    for snap in (theirs, ours):  # compared in the test above
        _take(snap, "requirements"), _take(snap, "model_type")
    _take_notebook_capture(ours)
    found = differences(theirs, ours)
    assert not found, "\n".join(found)
