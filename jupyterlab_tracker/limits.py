"""Moved to ``jupyterlab_tracker.domain.limits``, the one home of every limit; this name
stays importable for code written against it. The package itself imports the new one
(``tests/service/test_one_home.py`` checks it)."""

from .domain.limits import *  # noqa: F403
