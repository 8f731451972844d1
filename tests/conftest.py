"""Shared fixtures. Server tests use pytest-jupyter: ``jp_fetch`` calls a real Jupyter
Server with this extension enabled, on a throwaway SQLite store."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)

# Whole folders of slow tests: reliability (servers under load, crashes, fuzzing) and the
# exact comparison with a real ``mlflow server``. Elsewhere a module or a test says
# ``pytest.mark.slow`` itself (a lab server, kernels, PostgreSQL: see tests/store/conftest.py).
SLOW_FOLDERS = {"reliability", "mlflow_exact"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FOLDERS.intersection(item.path.parent.parts):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def tracker_store_uri(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/t.db"


@pytest.fixture
def tracker_artifact_root(tmp_path) -> str:
    return str(tmp_path / "artifacts")


@pytest.fixture
def jp_server_config(tracker_store_uri, tracker_artifact_root):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_tracker": True},
            "allow_unauthenticated_access": False,
        },
        "Tracker": {"store_uri": tracker_store_uri, "artifact_root": tracker_artifact_root},
    }


@pytest.fixture
def tracker_api(jp_fetch):
    """Call the tracker's REST API: ``await tracker_api("POST", "api/runs", {...})``.

    Returns ``(status, json_body)`` whatever the status, so tests can assert error bodies.
    ``params`` may be a dict or a list of pairs (for repeated query arguments); ``raw``
    sends a body as given (for malformed-JSON tests).
    """

    async def call(method, path, body=None, *, params=None, raw=None, headers=None):
        kwargs = {}
        if raw is not None:
            kwargs["body"] = raw
        elif body is not None:
            kwargs["body"] = json.dumps(body)
        elif method in ("POST", "PUT", "PATCH"):
            kwargs["body"] = ""
        if method == "DELETE" and "body" in kwargs:
            kwargs["allow_nonstandard_methods"] = True
        response = await jp_fetch(
            "tracker",
            *path.split("/"),
            method=method,
            params=params,
            headers=headers,
            raise_error=False,
            **kwargs,
        )
        text = response.body.decode() if response.body else ""
        return response.code, (json.loads(text) if text else None)

    return call
