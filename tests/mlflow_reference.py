"""A real ``mlflow server`` in a subprocess: the reference our MLflow API is compared with.

    with MlflowReferenceServer(tmp_path) as reference:
        subprocess.run([sys.executable, script], env=reference.mlflow_env())

It serves artifacts through its proxy (MLflow 3's default: runs get
``mlflow-artifacts:/<exp>/<run>/artifacts``, as on our server), with a SQLite store under
``root``. Running the same official-client script against it and against a ``LiveServer``
and comparing the two reports is the test that our answers are MLflow's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
