"""The closing figures of the reliability suite, added up by the tests and printed by
``conftest.pytest_terminal_summary``."""

from __future__ import annotations

from collections import Counter

FIGURES: Counter = Counter()

FIGURE_LABELS = {
    "points_written": "metric points written by clients",
    "points_stored": "metric points found stored",
    "points_flushed_before_kill": "points flushed by clients then SIGKILLed",
    "flushed_points_stored": "of those, found stored",
    "requests_fuzzed": "requests sent with bad or generated input",
    "responses_5xx": "5xx answers to them",
}
