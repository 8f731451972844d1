"""A Jupyter server with the tracker in a subprocess, on loopback: for tests and benchmarks.

    with LiveServer(tmp_path) as server:
        server.api("GET", "tracker/api/version")
        TrackerClient(server.tracker_url, token=server.token)

The server gets its own store, artifact root and runtime directory under ``root``, so it
sees only what the caller creates. ``app="jupyterlab"`` serves the lab UI as well.

``MlflowServer`` is ``mlflow server`` itself, the same way: the reference that tests and
benchmarks compare against.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_ready(server, is_ready, timeout: float, what: str) -> None:
    """Poll ``is_ready()`` until it is true; stop ``server`` and raise with its log if
    its process ends or ``timeout`` seconds pass first."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            if is_ready():
                return
        except (requests.ConnectionError, requests.Timeout):  # a busy machine answers late
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"{what} did not start:\n{server.log_path.read_text()}")
        time.sleep(0.25)


class LiveServer:
    def __init__(
        self,
        root: Path,
        app: str = "jupyter_server",
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        port: int | None = None,
        token: str | None = None,
        base_url: str = "/",
    ):
        self.root = Path(root)
        self.app = app
        self.extra_args = tuple(extra_args)
        self.extra_env = dict(env or {})
        self.port = port or free_port()
        self.token = token or secrets.token_hex(16)
        # A JupyterHub-style prefix such as /user/alice/ is kept in every URL.
        self.base_url = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
        self.url = f"http://127.0.0.1:{self.port}{self.base_url}"
        self.tracker_url = f"{self.url}tracker"
        self.log_path = self.root / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> LiveServer:

        self.root.mkdir(parents=True, exist_ok=True)
        # Its kernels inherit this environment: none of the test process's MLflow state
        # (``mlflow.set_experiment`` in a test sets MLFLOW_EXPERIMENT_ID, for one).
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env.update(
            JUPYTERLAB_TRACKER_URI=f"sqlite:///{self.root / 'tracker.db'}",
            JUPYTERLAB_TRACKER_ARTIFACT_ROOT=str(self.root / "artifacts"),
            JUPYTER_RUNTIME_DIR=str(self.root / "runtime"),
        )
        env.update(self.extra_env)
        command = [
            sys.executable,
            "-m",
            self.app,
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--ServerApp.base_url={self.base_url}",
            *self.extra_args,
        ]
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        ready = lambda: self.api("GET", "tracker/api/version", timeout=5).ok  # noqa: E731
        _wait_until_ready(self, ready, timeout, "The Jupyter server")
        return self

    def stop(self) -> None:
        stop_process(self.process, timeout=20)
        self.process = None

    def api(self, method: str, path: str, timeout: float = 30, **kwargs):
        """Call the server with its token, e.g. ``api("GET", "tracker/api/version")``."""
        import requests

        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=timeout, **kwargs)

    def mlflow_env(self) -> dict[str, str]:
        """The environment for a process that uses the official MLflow client here."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env.update(
            MLFLOW_TRACKING_URI=self.tracker_url,
            MLFLOW_TRACKING_TOKEN=self.token,
            # A bug must fail at once, not after minutes of the client's retries.
            MLFLOW_HTTP_REQUEST_MAX_RETRIES="0",
            MLFLOW_DISABLE_TELEMETRY="true",
        )
        return env

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def stop_process(process: subprocess.Popen | None, timeout: float) -> None:
    """Terminate ``process`` (a server this module or a test started), killing it if it
    is not gone after ``timeout`` seconds."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class MlflowServer:
    """``mlflow server`` on loopback with a SQLite store and proxied artifacts under
    ``root``, run by ``python`` (an interpreter with mlflow installed) in directory ``cwd``
    (the caller's when None)."""

    def __init__(self, root: Path, python: str = sys.executable, cwd: Path | None = None):
        self.root = Path(root)
        self.python = python
        self.cwd = cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.root / "mlflow.log"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        """The environment for a process that uses the official client against it."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env.update(MLFLOW_TRACKING_URI=self.url, MLFLOW_DISABLE_TELEMETRY="true")
        return env

    def start(self, timeout: float = 120) -> MlflowServer:
        import requests

        self.root.mkdir(parents=True, exist_ok=True)
        command = [
            self.python, "-m", "mlflow", "server", "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", "1",
            "--backend-store-uri", f"sqlite:///{self.root / 'mlflow.db'}",
            "--artifacts-destination", str(self.root / "mlartifacts"),
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env["MLFLOW_DISABLE_TELEMETRY"] = "true"
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd
            )
        ready = lambda: requests.get(self.url + "/health", timeout=5).ok  # noqa: E731
        _wait_until_ready(self, ready, timeout, "mlflow server")
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, timeout=30)
            self.process = None

    def __enter__(self) -> MlflowServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
