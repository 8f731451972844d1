"""Where the tracker keeps its data, and how that is configured (stdlib only).

Precedence: an explicit traitlet (``c.Tracker.store_uri``) over the environment
variable ``JUPYTERLAB_TRACKER_URI`` over the default, a SQLite file in the user's
Jupyter data directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

STORE_URI_ENV = "JUPYTERLAB_TRACKER_URI"
ARTIFACT_ROOT_ENV = "JUPYTERLAB_TRACKER_ARTIFACT_ROOT"
TOKEN_ENV = "JUPYTERLAB_TRACKER_TOKEN"
# A JSON list of artifact roots allowed besides the artifact root (artifacts/locations.py).
ALLOWED_ARTIFACT_ROOTS_ENV = "JUPYTERLAB_TRACKER_ALLOWED_ARTIFACT_ROOTS"
# Seconds between a client's heartbeats for its running runs (0 turns them off).
HEARTBEAT_INTERVAL_ENV = "JUPYTERLAB_TRACKER_HEARTBEAT_INTERVAL"
DEFAULT_HEARTBEAT_INTERVAL = 10.0


def default_data_dir() -> Path:
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "tracker"


def default_store_uri() -> str:
    return os.environ.get(STORE_URI_ENV) or f"sqlite:///{default_data_dir() / 'tracker.db'}"


def default_artifact_root() -> str:
    return os.environ.get(ARTIFACT_ROOT_ENV) or str(default_data_dir() / "artifacts")


def default_allowed_artifact_roots() -> list[str]:
    """``$JUPYTERLAB_TRACKER_ALLOWED_ARTIFACT_ROOTS``: a JSON list of strings, or none."""
    text = os.environ.get(ALLOWED_ARTIFACT_ROOTS_ENV, "").strip()
    if not text:
        return []
    try:
        roots = json.loads(text)
    except ValueError:
        roots = None
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
        raise ValueError(
            f"{ALLOWED_ARTIFACT_ROOTS_ENV} must be a JSON list of strings, such as "
            f'["s3://bucket/prefix", "/data/shared"]; got {text!r}'
        )
    return roots


def redact_uri(uri: str) -> str:
    """A store URI fit to show: any password is replaced by ``***``."""
    scheme, sep, rest = uri.partition("://")
    if not sep or "@" not in rest:
        return uri
    credentials, at, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else uri
