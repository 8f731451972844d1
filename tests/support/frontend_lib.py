"""Run a module of the built frontend (lib/, from `npm run build`) under node."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from .paths import FRONTEND_LIB

LIB = FRONTEND_LIB


def needs_built(name: str):
    """Skip unless lib/<name>.js is built and node is installed."""
    return pytest.mark.skipif(
        not (LIB / f"{name}.js").exists() or not shutil.which("node"),
        reason="needs node and npm run build",
    )


def evaluate(name: str, expression: str) -> Any:
    """``expression`` (JavaScript, the module bound to ``m``) on lib/<name>.js, as JSON."""
    module = json.dumps((LIB / f"{name}.js").as_uri())
    script = f"import({module}).then(m => console.log(JSON.stringify({expression})))"
    finished = subprocess.run(
        ["node", "--no-warnings", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)
