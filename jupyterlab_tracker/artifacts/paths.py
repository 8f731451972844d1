"""The one place that decides whether a path stays inside its root (stdlib only).

Artifact paths come from users, notebooks and HTTP requests; file names come from model
descriptors and from server listings a client downloads. Each must name something inside
its root (a run's artifacts, a model's directory, a download folder) and nothing else.
``resolve_artifact_path`` is the only function that turns such a path into a location, and
``is_within`` the only containment test.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from urllib.parse import unquote

from ..errors import TrackerError, invalid

# Percent-decoding is applied until the text stops changing (double-encoding tricks such
# as %252e%252e); more rounds than this is itself suspicious.
_MAX_DECODING_ROUNDS = 4
# Far deeper than any real artifact tree, shallow enough that walking one (listing,
# downloading a directory) never nears Python's recursion limit.
MAX_PATH_DEPTH = 256


def _reject(path: str | None, why: str) -> TrackerError:
    return invalid(f"Invalid artifact path {path!r}: {why}")


def decoded_forms(text: str) -> Iterator[str]:
    """``text`` and each percent-decoding of it, until it stops changing.

    A check that looks at every form cannot be fooled by a layer that decodes later
    (``%2e%2e%2f``, ``%252e%252e%252f``). Raises after too many rounds.
    """
    candidate = text
    for _ in range(_MAX_DECODING_ROUNDS):
        yield candidate
        decoded = unquote(candidate)
        if decoded == candidate:
            return
        candidate = decoded
    raise invalid(f"{text!r} has too many levels of percent-encoding")


def has_dot_segment(text: str) -> bool:
    """Whether any decoded form of ``text`` has a ``.`` or ``..`` segment."""
    return any({".", ".."} & set(form.split("/")) for form in decoded_forms(text))


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
    for candidate in decoded_forms(path):
        _check_form(path, candidate)
    normalized = posixpath.normpath(path)
    if normalized.count("/") >= MAX_PATH_DEPTH:
        raise _reject(path[:80] + "...", f"artifact paths have at most {MAX_PATH_DEPTH} levels")
    return "" if normalized == "." else normalized


def is_within(real_root: str, real_path: str) -> bool:
    """Whether ``real_path`` is ``real_root`` or below it (both already ``realpath``-ed)."""
    return real_path == real_root or real_path.startswith(real_root.rstrip(os.sep) + os.sep)


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
    if not is_within(real_root, resolved):
        raise _reject(path, "it resolves outside its root directory (symbolic link?)")
    return resolved
