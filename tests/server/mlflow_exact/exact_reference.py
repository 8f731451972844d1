"""A real ``mlflow server`` to compare our answers with, and a way to call both alike.

Self-contained (no pytest import), like ``tests/support/pg.py``:

    reference = MlflowReference(tmp_dir).start()   # mlflow server, SQLite, proxied artifacts
    reference.call("GET", "api/2.0/mlflow/runs/get", params={"run_id": "x"})
    reference.stop()

The server is the installed ``mlflow`` (the version the client tests use), started as the
CLI starts it by default in MLflow 3: a SQLite backend and ``--serve-artifacts`` with a
local ``--artifacts-destination``, so locations come back as ``mlflow-artifacts:/...``.
``Endpoint`` wraps it and our ``LiveServer`` behind the same ``call``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests

from jupyterlab_tracker.testing import LiveServer, MlflowServer


@dataclass
class Answer:
    status: int
    body: object  # the JSON answer, or the text when it is not JSON
    text: str
    content_type: str

    @property
    def error(self) -> tuple[int, str | None, str | None]:
        """(status, error_code, message): what the comparison tests compare."""
        body = self.body if isinstance(self.body, dict) else {}
        return self.status, body.get("error_code"), body.get("message")


class Endpoint:
    """A tracking server reached by plain HTTP: ``call(method, path, json=..., params=...)``."""

    def __init__(self, url: str, headers: dict[str, str] | None = None):
        self.url = url.rstrip("/")
        self.headers = dict(headers or {})

    def call(self, method: str, path: str, *, json=None, params=None, headers=None) -> Answer:
        response = requests.request(
            method,
            f"{self.url}/{path.lstrip('/')}",
            json=json,
            params=params,
            headers={**self.headers, **(headers or {})},
            timeout=60,
        )
        try:
            body = response.json()
        except ValueError:
            body = response.text
        return Answer(
            response.status_code, body, response.text, response.headers.get("Content-Type", "")
        )


class MlflowReference(Endpoint):
    """``mlflow server`` in a subprocess (``testing.MlflowServer``, run from ``root``), on a
    free loopback port."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.server = MlflowServer(self.root, cwd=self.root)
        super().__init__(self.server.url)

    @property
    def log_path(self) -> Path:
        return self.server.log_path

    def start(self, timeout: float = 180) -> MlflowReference:
        self.server.start(timeout)
        return self

    def stop(self) -> None:
        self.server.stop()


def our_endpoint(server: LiveServer) -> Endpoint:
    """Our server's tracking URI, called with the Jupyter token as MLflow's client sends it."""
    return Endpoint(server.tracker_url, {"Authorization": f"Bearer {server.token}"})
