"""The lab panel and the notebook views give each run the same colour.

Runs the built frontend palette (lib/palette.js, from `npm run build`) under node and
compares it with `jupyterlab_tracker.views.palette.run_colors`.
"""

from __future__ import annotations

import json

from support.frontend_lib import evaluate, needs_built

from jupyterlab_tracker.views.palette import RUN_PALETTE, run_colors

RUN_IDS = ["abc123", "f00", "run-1", "run-2", "ünï", *"abcdefghijkl"]


@needs_built("palette")
def test_frontend_palette_matches_the_notebook_views():
    colors = evaluate("palette", f"Object.fromEntries(m.runColors({json.dumps(RUN_IDS)}))")
    assert colors == run_colors(RUN_IDS)


@needs_built("palette")
def test_frontend_palette_is_the_notebook_views_palette():
    assert evaluate("palette", "m.RUN_PALETTE") == list(RUN_PALETTE)
