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
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from jupyterlab_tracker.testing import free_port


class MlflowReferenceServer:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.root / "mlflow-server.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> MlflowReferenceServer:
        import requests

        self.root.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--host=127.0.0.1",
            f"--port={self.port}",
            "--workers=1",
            f"--backend-store-uri=sqlite:///{self.root / 'mlflow.db'}",
            f"--artifacts-destination={self.root / 'mlartifacts'}",
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env["MLFLOW_DISABLE_TELEMETRY"] = "true"
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its workers go with it (see stop)
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.url}/health", timeout=5).ok:
                    return self
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"mlflow server did not start:\n{self.log_path.read_text()}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is None:
            return
        # The server and the workers it forked are one process group, ours alone.
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def mlflow_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env.update(
            MLFLOW_TRACKING_URI=self.url,
            MLFLOW_HTTP_REQUEST_MAX_RETRIES="0",
            MLFLOW_DISABLE_TELEMETRY="true",
        )
        return env

    def __enter__(self) -> MlflowReferenceServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


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
