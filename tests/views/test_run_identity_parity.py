"""The lab panel and the notebook views label runs alike (the same id parts, the same
labels for clashing names).

Runs the built frontend module (lib/runIdentity.js, from `npm run build`) under node and
compares it with `jupyterlab_tracker.views.identity`.
"""

from __future__ import annotations

import json

from support.frontend_lib import evaluate, needs_built

from jupyterlab_tracker.store.ids import new_run_id
from jupyterlab_tracker.views import identity

FIXED_IDS = [
    "019a2b3c4d5e7a01b2c3d4e5f6a7b8c9",
    "019a2b3c4d5e7f11a2c3d4e5f6a7b8c9",
    "019a2b3c4d5e70ff9e8d7c6b5a493827",
    "abc",
    "xyz123456",
    "23456",
]


@needs_built("runIdentity")
def test_frontend_run_identity_matches_the_notebook_views():
    ids = FIXED_IDS + [new_run_id() for _ in range(200)]  # made together: one time prefix
    names = ["calm-fox", "calm-fox", "", "odd-yak", "odd-yak", "x"] + ["sweep"] * 100 + [""] * 100
    runs = [{"runId": i, "name": n} for i, n in zip(ids, names, strict=True)]
    frontend = evaluate(
        "runIdentity",
        f"{{parts: Object.fromEntries(m.idParts({json.dumps(ids)})),"
        f" labels: [...m.runLabels({json.dumps(runs)}).values()],"
        f" min: m.MIN_ID_PART, mark: m.ID_PART_MARK}}",
    )
    assert frontend["parts"] == identity.id_parts(ids)
    assert frontend["labels"] == identity.run_labels(ids, names)
    assert (frontend["min"], frontend["mark"]) == (identity.MIN_ID_PART, identity.ID_PART_MARK)
    assert len(set(frontend["labels"])) == len(ids)
