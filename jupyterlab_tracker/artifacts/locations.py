"""Where the tracker may read and write artifacts (stdlib only).

The tracker reads and writes under its artifact root, and under the roots an administrator
allows (``c.Tracker.allowed_artifact_roots``), nowhere else. Locations come from clients (an
experiment's ``artifact_location``, a model version's ``source``) and from the store (a
run's or logged model's artifact URI, written by any client, perhaps before this policy
existed); ``ArtifactLocations.confine`` checks every one of them before anything is read
or written there, so a client cannot make the server open ``/home/user/.ssh``, fetch
``http://169.254.169.254/`` or write into a bucket it picked.

A location is one of:

- an absolute local path or a ``file:///`` URI (``~`` is refused: it would be expanded for
  whatever user the server runs as). A new experiment's relative location (``rel/x``,
  ``file:rel/x``) is first made absolute against the server's working directory, as
  MLflow's store does, and must then lie under a root like any other;
- ``mlflow-artifacts:/<path>``: MLflow's name for the artifact root, translated;
- ``<scheme>://<authority>/<path>`` (``s3://bucket/prefix``, ``https://...``): allowed only
  under a root of the same scheme and authority.

``.`` and ``..`` segments (also percent-encoded), NUL, queries and fragments are refused in
every form; local locations are compared after resolving symbolic links.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import TrackerError, invalid
from .mlflow_uris import SCHEME as MLFLOW_SCHEME
from .mlflow_uris import MlflowArtifactUris
from .paths import decoded_forms, has_dot_segment, is_within

ALLOW_ROOTS_HINT = (
    "an administrator can allow other roots with c.Tracker.allowed_artifact_roots "
    "(JUPYTERLAB_TRACKER_ALLOWED_ARTIFACT_ROOTS for an embedded client)"
)
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:")
_FILE_SCHEME = "file://"


@dataclass(frozen=True)
class _Place:
    """A location taken apart: a local path, or a URL's scheme, authority and segments."""

    local_path: str | None = None
    scheme: str = ""
    authority: str = ""
    segments: tuple[str, ...] = ()

    def is_under(self, root: _Place) -> bool:
        if self.local_path is not None or root.local_path is not None:
            if self.local_path is None or root.local_path is None:
                return False
            return is_within(os.path.realpath(root.local_path), os.path.realpath(self.local_path))
        return (self.scheme, self.authority) == (root.scheme, root.authority) and self.segments[
            : len(root.segments)
        ] == root.segments


def _parse(location: str, what: str) -> _Place:
    """``location`` taken apart, or INVALID_PARAMETER_VALUE saying what is wrong with it."""

    def refuse(why: str):
        return invalid(f"{what} {location!r} is not allowed: {why}")

    if not isinstance(location, str) or not location.strip():
        raise invalid(f"{what} must be a non-empty string, got {location!r}")
    if any("\x00" in form for form in decoded_forms(location)):
        raise refuse("NUL characters are not allowed")
    if has_dot_segment(location):
        raise refuse("'.' and '..' segments are not allowed")
    if location.startswith(_FILE_SCHEME):
        path = location[len(_FILE_SCHEME) :]
        if not path.startswith("/"):
            raise refuse("a file URI names a local path: file:///absolute/path")
        return _Place(local_path=path)
    if _URI_SCHEME.match(location):
        parts = urlsplit(location)
        if location[len(parts.scheme) : len(parts.scheme) + 3] != "://":
            raise refuse(f"write it as {parts.scheme}://<authority>/<path>")
        if parts.query or parts.fragment or "?" in location or "#" in location:
            raise refuse("queries and fragments are not allowed")
        segments = tuple(s for s in parts.path.split("/") if s)
        scheme, authority = parts.scheme.lower(), parts.netloc.lower()
        return _Place(scheme=scheme, authority=authority, segments=segments)
    if location.startswith("~"):
        raise refuse("'~' is not expanded; give an absolute path")
    if not location.startswith("/"):
        raise refuse("a relative path depends on the working directory; give an absolute path")
    return _Place(local_path=location)


def canonical_root(root: str, what: str = "artifact root") -> str:
    """An artifact root as configured, spelled the way locations under it are compared:
    no trailing '/', local paths absolute (``~`` expanded: an administrator wrote it)."""
    if not isinstance(root, str) or not root.strip():
        raise invalid(f"The {what} must be a non-empty string, got {root!r}")
    root = root.strip()
    if root != "/":
        root = root.rstrip("/")
    if not root.startswith(_FILE_SCHEME) and not _URI_SCHEME.match(root):
        root = os.path.abspath(os.path.expanduser(root))
    _parse(root, f"The {what}")
    return root


def _resolved_like_mlflow(location: str) -> str:
    """A relative local path or ``file:`` URI made absolute against the working directory,
    as MLflow's ``resolve_uri_if_local`` makes an experiment's location; anything else as
    it is. Forms ``_parse`` refuses (dot segments, ``~``, NUL) are left for it to refuse."""
    if (
        not isinstance(location, str)
        or location.startswith(("~", "/"))
        or has_dot_segment(location)
    ):
        return location
    if location.startswith("file:") and not location.startswith("file:/"):
        return _FILE_SCHEME + os.path.join(os.getcwd(), location[len("file:") :])
    if _URI_SCHEME.match(location) or not location.strip():
        return location
    return os.path.join(os.getcwd(), location)


class ArtifactLocations:
    """The artifact root and the other roots allowed: the policy every location meets."""

    def __init__(self, artifact_root: str, allowed_roots: Iterable[str] = ()):
        self.artifact_root = canonical_root(artifact_root)
        self.mlflow_uris = MlflowArtifactUris(self.artifact_root)
        roots = [self.artifact_root]
        roots += [canonical_root(r, "allowed artifact root") for r in allowed_roots]
        self.roots = tuple(dict.fromkeys(roots))
        self._places = [_parse(root, "An artifact root") for root in self.roots]

    def confine_new_location(self, location: str, what: str) -> str:
        """``confine`` for a location a client gives a new experiment, a relative one
        resolved first as MLflow resolves it (against the working directory)."""
        return self.confine(_resolved_like_mlflow(location), what)

    def confine(self, location: str, what: str) -> str:
        """Where ``location`` is (``mlflow-artifacts:`` translated), if the policy allows it;
        else INVALID_PARAMETER_VALUE naming the allowed roots. ``what`` names the location
        in the message ("artifact_location", "the artifact location of run ...")."""
        if isinstance(location, str) and location.startswith(MLFLOW_SCHEME):
            try:
                location = self.mlflow_uris.from_mlflow(location)
            except TrackerError as error:  # its path is not a clean relative path
                raise invalid(f"{what} {location!r} is not allowed: {error.message}") from None
        place = _parse(location, what)
        if any(place.is_under(root) for root in self._places):
            return location
        raise invalid(
            f"{what} {location!r} is outside the artifact roots this tracker reads and "
            f"writes ({', '.join(self.roots)}). Use a location under one of them; "
            f"{ALLOW_ROOTS_HINT}"
        )
