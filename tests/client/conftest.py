"""Fixtures of the client tests that talk to a live lab server."""

from __future__ import annotations

import pytest

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import fluent
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV, TOKEN_ENV
from jupyterlab_tracker.testing import LiveServer


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """One Jupyter server with the tracker, in its own process, for the whole session."""
    with LiveServer(tmp_path_factory.mktemp("lab-server")) as live:
        yield live


@pytest.fixture
def jt_over_http(monkeypatch, lab_server, tmp_path):
    """A fresh fluent session logging to ``lab_server`` over HTTP."""
    for name in (STORE_URI_ENV, "MLFLOW_TRACKING_URI", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(TOKEN_ENV, lab_server.token)
    monkeypatch.setenv(ARTIFACT_ROOT_ENV, str(tmp_path / "artifacts"))
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    jt.set_tracking_uri(lab_server.tracker_url)
    yield jt
    while jt.active_run():
        jt.end_run()
    if fluent._session.client is not None:
        fluent._session.client.close()
