"""Reliability and security tests: concurrency, crashes, restarts, bad input, auth.

Every test here checks that nothing is lost and that it ends in bounded time. The
closing figures (points written and stored, requests fuzzed, 5xx answers) are printed in
the terminal summary.
"""

from __future__ import annotations

from reliability_figures import FIGURE_LABELS, FIGURES


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, label in FIGURE_LABELS.items():
        terminalreporter.write_line(f"{label}: {FIGURES[name]:,}")
