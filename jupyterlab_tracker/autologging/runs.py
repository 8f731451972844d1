"""What the training-loop integrations (Lightning, Keras) share: the run a fit logs into,
and logging that never fails the user's fit. Imports no ML library."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import jupyterlab_tracker as jt

log = logging.getLogger(__name__)

MODEL_NAME = "model"  # the logged model of an autologged fit, as MLflow names it
SUMMARY_FILE = "model_summary.txt"  # MLflow's artifact of the model's layers


@contextlib.contextmanager
def fit_run() -> Iterator[bool]:
    """The run a fit logs into: the active run, else one started now and ended when the
    fit ends (FAILED if it raised, as MLflow's managed runs). Yields whether it started."""
    started = jt.active_run() is None
    if started:
        jt.start_run()
    try:
        yield started
    except BaseException:
        if started:
            jt.end_run("FAILED")
        raise
    if started:
        jt.end_run("FINISHED")


def safely(what: str, action, *args) -> None:
    """Run ``action(*args)``; a failure is a warning (logging never fails the fit)."""
    try:
        action(*args)
    except Exception as exc:
        log.warning("jupyterlab_tracker: autologging %s failed: %s", what, exc)
