"""The lab panel and the notebook views give each run the same colour.

Runs the built frontend palette (lib/palette.js, from `npm run build`) under node and
compares it with `jupyterlab_tracker.views.palette.run_colors`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from jupyterlab_tracker.views.palette import run_colors

PALETTE_JS = Path(__file__).resolve().parents[1] / "lib" / "palette.js"
RUN_IDS = ["abc123", "f00", "run-1", "run-2", "ünï", *"abcdefghijkl"]


@pytest.mark.skipif(
    not PALETTE_JS.exists() or not shutil.which("node"), reason="needs node and npm run build"
)
def test_frontend_palette_matches_the_notebook_views():
    script = (
        f"import({json.dumps(PALETTE_JS.as_uri())}).then(m => console.log("
        f"JSON.stringify(Object.fromEntries(m.runColors({json.dumps(RUN_IDS)})))))"
    )
    finished = subprocess.run(
        ["node", "--no-warnings", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout) == run_colors(RUN_IDS)
