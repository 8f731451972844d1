"""The frontend's copies of the reserved tag names (src/tags.ts) equal their Python home.

Runs the built module (lib/tags.js, from `npm run build`) under node and compares each
exported ``*_TAG`` with ``jupyterlab_tracker.domain.tags`` of the same name.
"""

from __future__ import annotations

from support.frontend_lib import evaluate, needs_built

from jupyterlab_tracker.domain import tags


@needs_built("tags")
def test_frontend_tag_names_match_the_domain():
    exported = evaluate("tags", "m")
    frontend = {k: v for k, v in exported.items() if k.endswith("_TAG")}
    assert frontend  # the module was read
    assert frontend == {name: getattr(tags, name, None) for name in frontend}
    assert all(name.startswith(exported["RESERVED_TAG_PREFIX"]) for name in frontend.values())
