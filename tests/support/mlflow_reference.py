"""MLflow's own tracking server (the installed ``mlflow``): the reference our MLflow API is
compared with. Running the same official-client calls against it and against the lab server
and comparing what both return is the test that our answers are MLflow's.

Two ways to run it, both ``--serve-artifacts`` on a SQLite store under ``root`` (runs get
``mlflow-artifacts:/<exp>/<run>/artifacts``, as on our server):

- ``MlflowReferenceServer``: ``mlflow server`` in a subprocess, for scripts run in their own
  process (``subprocess.run([sys.executable, script], env=reference.mlflow_env())``).
- ``MlflowReference``: MLflow's app in a thread of the test process, for in-process client
  calls. One per process: MLflow's handlers keep their store in module globals, which
  ``start`` resets.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from jupyterlab_tracker.testing import MlflowServer, free_port


class MlflowReferenceServer(MlflowServer):
    """``testing.MlflowServer`` with the client environment the comparison scripts use."""

    def mlflow_env(self) -> dict[str, str]:
        # A difference must fail at once, not after minutes of the client's retries.
        return {**self.env(), "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}


# MLflow's server reads its configuration from these (mlflow/server/constants.py).
_SERVER_ENV = (
    "_MLFLOW_SERVER_FILE_STORE",
    "_MLFLOW_SERVER_ARTIFACT_ROOT",
    "_MLFLOW_SERVER_SERVE_ARTIFACTS",
    "_MLFLOW_SERVER_ARTIFACT_DESTINATION",
)


class MlflowReference:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._saved_env: dict[str, str | None] = {}

    def start(self) -> MlflowReference:
        from werkzeug.serving import make_server

        self.root.mkdir(parents=True, exist_ok=True)
        values = (
            f"sqlite:///{self.root / 'mlflow.db'}",
            "mlflow-artifacts:/",
            "true",
            str(self.root / "artifacts"),
        )
        for name, value in zip(_SERVER_ENV, values, strict=True):
            self._saved_env[name] = os.environ.get(name)
            os.environ[name] = value
        import mlflow
        from mlflow.server import app, handlers

        # The stores are made now, not at the first request: making the tracking store
        # also sets this process's tracking URI to the database, which is put back.
        tracking_uri = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
        handlers._tracking_store = None
        handlers._model_registry_store = None
        handlers._get_tracking_store()
        handlers._get_model_registry_store()
        mlflow.set_tracking_uri(tracking_uri)
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
