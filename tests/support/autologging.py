"""What the tests of the training-loop integrations share: a fresh fluent session on a
SQLite store, and a logged model's directory as MLflow's loaders get it."""

from __future__ import annotations

import contextlib

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import fluent
from jupyterlab_tracker.client.model_uris import resolve_model_uri


@contextlib.contextmanager
def autolog_session(monkeypatch, tmp_path):
    """A fluent session of its own; every integration is switched off after."""
    monkeypatch.delenv("JUPYTERLAB_TRACKER_URI", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("JUPYTERLAB_TRACKER_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    jt.set_tracking_uri(f"sqlite:///{tmp_path}/autolog.db")
    try:
        yield jt
    finally:
        jt.autolog(disable=True)
        while jt.active_run():
            jt.end_run()
        if fluent._session.client is not None:
            fluent._session.client.close()


def metric_points(run_id: str, key: str) -> list[tuple[int, float]]:
    """A metric's history as (step, value) pairs, in the order the store gives them."""
    return [(m.step, m.value) for m in jt.get_metric_history(run_id, key)]


def model_directory(model_uri: str, destination: str) -> str:
    """The files of the model at ``model_uri``, downloaded: what ``mlflow.<flavor>.load_model``
    and ``mlflow.pyfunc.load_model`` are given."""
    client = fluent._client()
    location = resolve_model_uri(client, model_uri)
    return client.artifacts.download(location.owner, location.owner_id, location.path, destination)


def artifact_json(run_id: str, path: str, destination: str):
    import json

    with open(jt.download_artifacts(run_id, path, destination), encoding="utf-8") as file:
        return json.load(file)
