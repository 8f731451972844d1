"""``GET <tracking_uri>/health`` and ``/version`` answer as a real ``mlflow server`` does."""

from __future__ import annotations

import requests
from mlflow.store.tracking.rest_store import RestStore
from mlflow.utils.rest_utils import MlflowHostCreds
from mlflow.version import VERSION


def test_health_and_version_answer_as_mlflows_server(reference, ours):
    for path in ("health", "version"):
        theirs, mine = reference.call("GET", path), ours.call("GET", path)
        assert (mine.status, mine.text) == (theirs.status, theirs.text), path
        assert mine.content_type.startswith("text/plain")
    # The server speaks the API of the MLflow release the client tests run.
    assert ours.call("GET", "version").text == VERSION


def test_the_official_client_reads_the_server_version(live_server):
    creds = MlflowHostCreds(live_server.tracker_url, token=live_server.token)
    version = RestStore._get_server_version.__wrapped__(creds)  # not the cached one
    assert str(version) == VERSION


def test_the_probes_need_jupyters_authentication(live_server):
    for path in ("health", "version"):
        answer = requests.get(f"{live_server.tracker_url}/{path}", timeout=30)
        assert answer.status_code == 403, path
