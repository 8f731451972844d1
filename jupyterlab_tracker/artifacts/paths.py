"""The one place that decides whether an artifact path is safe (stdlib only).

Artifact paths come from users, notebooks and HTTP requests; they must name something
inside the run's artifact root and nothing else. ``resolve_artifact_path`` is the only
function that turns a caller's path into a storage location, and every repository
operation goes through it.
"""

from __future__ import annotations

import os
import posixpath
from urllib.parse import unquote

from ..errors import invalid

# Percent-decoding is applied until the text stops changing (double-encoding tricks such
# as %252e%252e); more rounds than this is itself suspicious.
_MAX_DECODING_ROUNDS = 4


def _reject(path: str, why: str):
    return invalid(f"Invalid artifact path {path!r}: {why}")


def _check_form(original: str, candidate: str) -> None:
    if "\x00" in candidate:
        raise _reject(original, "NUL characters are not allowed")
    if "\\" in candidate:
        raise _reject(original, "backslashes are not allowed; use '/'")
    if candidate.startswith("/") or (len(candidate) > 1 and candidate[1] == ":"):
        raise _reject(original, "absolute paths are not allowed")
    if "://" in candidate:
        raise _reject(original, "URLs are not allowed")
    if ".." in candidate.split("/"):
        raise _reject(original, "'..' segments are not allowed")


def normalize_artifact_path(path: str | None) -> str:
    """``path`` as a clean relative POSIX path ('' for the root), or INVALID_PARAMETER_VALUE.

    Every percent-decoded form of the path is checked too, so an encoded ``..``
    (``%2e%2e%2f``, ``%252e%252e%252f``) cannot slip through a layer that decodes later.
    """
    if path is None or path in ("", ".", "/"):
        return ""
    if not isinstance(path, str):
        raise invalid(f"An artifact path must be a string, got {path!r}")
    candidate = path
    for _ in range(_MAX_DECODING_ROUNDS):
        _check_form(path, candidate)
        decoded = unquote(candidate)
        if decoded == candidate:
            break
        candidate = decoded
    else:
        raise _reject(path, "too many levels of percent-encoding")
    normalized = posixpath.normpath(path)
    return "" if normalized == "." else normalized


def resolve_artifact_path(root: str, path: str | None, *, local: bool) -> str:
    """The storage location of ``path`` under ``root``; raise if it would leave the root.

    ``local``: ``root`` is a directory on this machine; then the joined path is resolved
    with ``realpath`` so that a symlink pointing outside the root is refused too.
    """
    relative = normalize_artifact_path(path)
    if not local:
        return f"{root.rstrip('/')}/{relative}" if relative else root.rstrip("/")
    real_root = os.path.realpath(root)
    resolved = os.path.realpath(os.path.join(real_root, relative))
    if resolved != real_root and not resolved.startswith(real_root + os.sep):
        raise _reject(path, "it resolves outside the artifact root (symbolic link?)")
    return resolved
