"""Shared by the notebook tests (magics, views): a fluent session on a throwaway store,
and a few runs to show."""

from __future__ import annotations

from pathlib import Path

import pytest

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import capture, fluent
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV

# name, lr, optimizer, final accuracy
DEMO_RUNS = [
    ("calm-fox", 0.1, "sgd", 0.71),
    ("brave-owl", 0.03, "adam", 0.83),
    ("odd-yak", 0.01, "adam", 0.91),
]


@pytest.fixture
def tracker(monkeypatch, tmp_path):
    """``jt`` logging to a fresh SQLite store (and a fresh fluent session)."""
    monkeypatch.delenv(STORE_URI_ENV, raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv(ARTIFACT_ROOT_ENV, str(tmp_path / "artifacts"))
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    jt.set_tracking_uri(f"sqlite:///{tmp_path}/tracker.db")
    yield jt
    while jt.active_run():
        jt.end_run()
    capture.use_cell_source(None)
    if fluent._session.client is not None:
        fluent._session.client.close()


def seed_demo_runs(experiment: str = "demo") -> dict[str, str]:
    """Three finished runs with params and metric histories: name -> run id."""
    jt.set_experiment(experiment)
    run_ids = {}
    for name, lr, optimizer, accuracy in DEMO_RUNS:
        with jt.start_run(run_name=name) as run:
            jt.log_params({"lr": lr, "optimizer": optimizer, "epochs": 5})
            for step in range(5):
                jt.log_metrics(
                    {
                        "loss": (1 - accuracy) * 2 / (step + 1),
                        "accuracy": accuracy * (step + 1) / 5,
                    },
                    step=step,
                )
        run_ids[name] = run.info.run_id
    return run_ids


def recorded_cell_source(run_id: str) -> str | None:
    """The cell source capture recorded: an artifact when the client stores artifacts,
    else the tag."""
    client = fluent._client()
    if hasattr(client, "download_artifacts"):
        path = client.download_artifacts(run_id, capture.CELL_SOURCE_ARTIFACT)
        return Path(path).read_text()
    return jt.get_run(run_id).data.tags.get(capture.CELL_SOURCE_TAG)
