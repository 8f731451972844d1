"""Reproducibility capture for runs started from a notebook (IPython).

``start_run`` asks ``notebook_tags()`` for tags and calls ``record_run_sources()`` once the
run exists. Outside IPython both do nothing. Recorded: the notebook path, the source of
the cell that started the run, the git commit and dirty flag, the Python version and
(once the client can store artifacts) the installed packages. What cannot change while
the kernel lives (Python, packages) is computed once per kernel.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
import platform
import subprocess
import sys

from ..domain.limits import MAX_TAG_VALUE_LENGTH
from ..domain.tags import (
    CELL_SOURCE_TAG,
    GIT_COMMIT_TAG,
    GIT_DIRTY_TAG,
    PYTHON_VERSION_TAG,
    SOURCE_NAME_TAG,
    SOURCE_TYPE_NOTEBOOK,
    SOURCE_TYPE_TAG,
)

log = logging.getLogger(__name__)

CELL_SOURCE_ARTIFACT = "code/cell.py"
REQUIREMENTS_ARTIFACT = "environment/requirements.txt"
GIT_TIMEOUT = 2.0  # seconds; a slow or hung git must not hold up a run

_pending_cell_source: str | None = None  # set by %%track for the run it starts


def _shell():
    """The running IPython shell, or None; never imports IPython just to ask."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def notebook_tags() -> dict[str, str]:
    """Tags for a run started now: notebook path, git state, Python version."""
    shell = _shell()
    if shell is None:
        return {}
    tags = {PYTHON_VERSION_TAG: platform.python_version(), **_git_tags(os.getcwd())}
    notebook = notebook_path(shell)
    if notebook:
        tags.update({SOURCE_NAME_TAG: notebook, SOURCE_TYPE_TAG: SOURCE_TYPE_NOTEBOOK})
    return tags


def notebook_path(shell) -> str:
    """The notebook's path: JupyterLab gives kernels ``JPY_SESSION_NAME``; some
    frontends (VS Code) set ``__session__`` in the user namespace instead."""
    return os.environ.get("JPY_SESSION_NAME") or str(shell.user_ns.get("__session__") or "")


def record_run_sources(client, run_id: str) -> None:
    """Store the source of the cell that started the run, and the installed packages."""
    shell = _shell()
    if shell is None:
        return
    global _pending_cell_source
    source, _pending_cell_source = _pending_cell_source, None
    if source is None:
        # IPython stores a cell in its history before running it (In[-1] holds the
        # same cell with magics already translated to Python).
        history = getattr(shell, "history_manager", None)
        source = history.input_hist_raw[-1] if history and history.input_hist_raw else ""
    try:
        record_cell_source(client, run_id, source)
        if hasattr(client, "log_text"):
            client.log_text(run_id, installed_packages(), REQUIREMENTS_ARTIFACT)
    except Exception as exc:  # capture is a courtesy: never fail start_run for it
        log.warning("jupyterlab_tracker: could not record the run's sources: %s", exc)


def record_cell_source(client, run_id: str, source: str) -> None:
    """As an artifact when the client stores artifacts, else as a (truncated) tag."""
    if hasattr(client, "log_text"):
        client.log_text(run_id, source, CELL_SOURCE_ARTIFACT)
    else:
        client.set_tag(run_id, CELL_SOURCE_TAG, source[:MAX_TAG_VALUE_LENGTH])


def use_cell_source(source: str | None) -> None:
    """Record ``source`` (not ``In[-1]``) for the next run started (``%%track`` does)."""
    global _pending_cell_source
    _pending_cell_source = source


def _git_tags(directory: str) -> dict[str, str]:
    commit = _git(directory, "rev-parse", "HEAD")
    if not commit:
        return {}
    status = _git(directory, "status", "--porcelain", "--untracked-files=no")
    return {GIT_COMMIT_TAG: commit, GIT_DIRTY_TAG: "true" if status else "false"}


def _git(directory: str, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


@functools.cache
def installed_packages() -> str:
    """``name==version`` per installed distribution, sorted: a requirements file."""
    pins = {
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"]
    }
    return "\n".join(sorted(pins, key=str.lower)) + "\n"
