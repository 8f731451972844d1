"""Our server and a real ``mlflow server``, side by side, for "our answer == MLflow's".

Both live for the whole session (MLflow's takes ~10 s to start). Each test module puts
the data it needs into both, through the same calls, so the ids match (experiments are
numbered in creation order on both) or are mapped (run ids: see ``Pair``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for exact_reference.py

from exact_reference import MlflowReference, our_endpoint  # noqa: E402

from jupyterlab_tracker.testing import LiveServer  # noqa: E402


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    server = MlflowReference(tmp_path_factory.mktemp("mlflow-reference")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("tracker-exact")).start(timeout=240)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ours(live_server):
    return our_endpoint(live_server)
