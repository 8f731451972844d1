"""Running a script of ``tests/support/mlflow_scripts`` with the official client against a
live lab server, as user code would run (its own interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

from jupyterlab_tracker.testing import LiveServer

from .paths import MLFLOW_SCRIPTS as SCRIPTS


def run_script(server: LiveServer, name: str, env: dict[str, str] | None = None) -> dict:
    """Run ``mlflow_scripts/<name>`` with the official client's environment (plus ``env``);
    return the JSON report it printed last."""
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / name)],
        env={**server.mlflow_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=server.root,
    )
    assert result.returncode == 0, (
        f"{result.stderr[-4000:]}\n--- server log ---\n{server.log_path.read_text()[-4000:]}"
    )
    return json.loads(result.stdout.strip().splitlines()[-1])
