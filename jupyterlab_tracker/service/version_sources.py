"""MLflow's rules for a model version's ``source``, with MLflow's error messages.

From MLflow's server (``mlflow/server/handlers.py``: ``_validate_source_run``,
``_validate_source_model``, ``_validate_non_local_source_contains_relative_paths``,
``_is_uri_within_root``): a source is tied to the run (``run_id``) or logged model
(``model_id``) of the request. A local path must lie inside that owner's local artifact
directory, a ``runs:/<id>/...`` source must name the request's run, ``models:/<id>`` its
logged model, an ``mlflow-artifacts:`` source must lie inside the owner's artifact URI,
and no source may hold ``.``/``..`` segments (also percent-encoded) or NUL.

Stdlib only. The registry service (``registry.py``) gives the lookups (``locate``: the
owner's artifact location, None if there is no such owner) and applies the tracker's own
artifact location policy after these rules: where MLflow refuses, we refuse as MLflow
does; the policy refuses more (``docs/mlflow-compatibility.md``).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, unquote_plus, urlsplit
from urllib.request import url2pathname

from ..errors import TrackerError, invalid

Locate = Callable[[str], "str | None"]
ToMlflow = Callable[[str], str]

# Schemes whose artifact repositories connect to the host named in the URI (MLflow's
# store/artifact/host_policy.py); mlflow-artifacts only with an authority.
HOST_ADDRESSED_SCHEMES = frozenset(
    {"ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss"}
)
_MLFLOW_ARTIFACTS_ROUTE = ("api", "2.0", "mlflow-artifacts", "artifacts")
_LOCAL_HOSTS = (".", "localhost", "127.0.0.1")


def invalid_source(source: str, id_name: str) -> TrackerError:
    return invalid(
        f"Invalid model version source: '{source}'. The {id_name} request parameter must "
        "identify the resource that contains the source."
    )


def _scheme(uri: str) -> str:
    return urlsplit(uri).scheme


def addresses_a_host(source: str) -> bool:
    """Whether reading ``source`` means connecting to the host it names."""
    parts = urlsplit(source)
    if parts.scheme not in HOST_ADDRESSED_SCHEMES:
        return False
    return parts.scheme != "mlflow-artifacts" or bool(parts.netloc)


def is_local(source: str) -> bool:
    """A path or a ``file:`` URI (MLflow's ``is_local_uri``)."""
    parts = urlsplit(source)
    if parts.scheme == "":
        return True
    if parts.scheme != "file":
        return False
    host = parts.hostname
    if host and not host.startswith(_LOCAL_HOSTS):
        raise invalid(
            f"{source} is not a valid remote uri. For remote access on windows, please "
            "consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>)."
        )
    return True


def _local_path(uri: str) -> str:
    """The path a local source names, resolved (symlinks too) as MLflow resolves it."""
    path = url2pathname(urlsplit(uri).path) if _scheme(uri) == "file" else uri
    return os.path.realpath(path)


def _contains(directory: str, path: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def check_no_relative_paths(source: str) -> None:
    """No ``..`` segment, NUL or non-normal path, after decoding as often as it decodes.

    MLflow compares the path with ``pathlib.Path(path).resolve()``, which also resolves
    symlinks on the server; here the comparison is lexical (the server's own files say
    nothing about where ``s3://bucket/a`` is), so the path must be absolute and normal."""
    message = (
        f"Invalid model version source: '{source}'. If supplying a source as an http, "
        "https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute "
        "path must be provided without relative path references present. "
        "Please provide an absolute path."
    )
    decoded = source
    while (once_more := unquote_plus(decoded)) != decoded:
        decoded = once_more
    path = re.sub(r"/+", "/", urlsplit(decoded).path.rstrip("/"))
    if "\x00" in path or ".." in decoded.split("/"):
        raise invalid(message)
    if not path.startswith("/") or posixpath.normpath(path) != path:
        raise invalid(message)


def _uri_parts(uri: str) -> tuple[str, str, tuple[str, ...]]:
    parts = urlsplit(uri)
    segments = []
    for segment in parts.path.split("/"):
        while (decoded := unquote(segment)) != segment:
            segment = decoded
        if segment:
            segments.append(segment)
    return parts.scheme.lower(), parts.netloc.lower(), tuple(segments)


def is_within(source: str, root: str) -> bool:
    """``source`` is ``root`` or under it: same scheme and authority, path segments."""
    scheme, authority, segments = _uri_parts(source)
    root_scheme, root_authority, root_segments = _uri_parts(root)
    return (
        (scheme, authority) == (root_scheme, root_authority)
        and bool(root_segments)
        and segments[: len(root_segments)] == root_segments
    )


def is_mlflow_artifacts(source: str) -> bool:
    """An ``mlflow-artifacts:`` URI, or an http(s) URL of an artifact proxy route."""
    scheme, _, segments = _uri_parts(source)
    if scheme == "mlflow-artifacts":
        return True
    size = len(_MLFLOW_ARTIFACTS_ROUTE)
    return scheme in ("http", "https") and any(
        segments[i : i + size] == _MLFLOW_ARTIFACTS_ROUTE for i in range(len(segments) - size + 1)
    )


def models_uri_model_id(source: str) -> str | None:
    """The logged model id of ``models:/<id>`` (one segment, no alias), else None.

    Raises MLflow's "model_id must identify" error for a ``models:/`` URI of no known
    form (``models:/``, ``models:/a/``, ``models:/a@``)."""
    path = urlsplit(source).path
    rest = path[1:] if path.startswith("/") else ""
    if not rest.split("/")[0].strip():
        raise invalid_source(source, "model_id")
    if "/" in rest:  # <name>/<version|stage|latest>
        if not rest.rpartition("/")[2].strip():
            raise invalid_source(source, "model_id")
        return None
    if "@" in rest:
        if not rest.rpartition("@")[2].strip():
            raise invalid_source(source, "model_id")
        return None
    return rest


def _check_local_source(source: str, owner_id: str | None, id_name: str, locate: Locate) -> None:
    """A local source lies in the local artifact directory of the owner ``owner_id``
    (a run, or a logged model), which must exist here."""
    shown = source
    if owner_id:
        location = locate(owner_id)
        if location is None:
            raise invalid_source(source, id_name)
        shown = _local_path(source)
        if is_local(location) and _contains(_local_path(location), shown):
            return
    raise invalid(
        f"Invalid model version source: '{shown}'. To use a local path as a model "
        f"version source, the {id_name} request parameter has to be specified and the local "
        "path has to be contained within the artifact directory of the run specified by "
        f"the {id_name}."
    )


def _check_proxied_source(
    source: str, owner_id: str | None, id_name: str, locate: Locate, to_mlflow: ToMlflow
) -> None:
    """An artifact proxy source lies inside the artifact URI of the owner ``owner_id``."""
    location = locate(owner_id) if owner_id else None
    if location is None or not is_within(source, to_mlflow(location)):
        raise invalid_source(source, id_name)


def check_run_source(source: str, run_id: str | None, locate: Locate, to_mlflow: ToMlflow) -> None:
    """MLflow's ``_validate_source_run``: ``source`` of a version of run ``run_id``."""
    if is_local(source):
        _check_local_source(source, run_id, "run_id", locate)
        return
    check_no_relative_paths(source)
    parts = urlsplit(source)
    if parts.scheme == "runs":
        source_run_id = parts.path[1:].split("/")[0] if parts.path.startswith("/") else ""
        if parts.netloc or not run_id or source_run_id != run_id:
            raise invalid_source(source, "run_id")
        return
    if parts.scheme == "models":
        if parts.netloc or models_uri_model_id(source) is not None:
            raise invalid_source(source, "model_id")
        return
    if is_mlflow_artifacts(source):
        _check_proxied_source(source, run_id, "run_id", locate, to_mlflow)


def check_model_source(source: str, model_id: str, locate: Locate, to_mlflow: ToMlflow) -> None:
    """MLflow's ``_validate_source_model``: ``source`` of a version of logged model
    ``model_id``."""
    if is_local(source):
        _check_local_source(source, model_id, "model_id", locate)
        return
    check_no_relative_paths(source)
    parts = urlsplit(source)
    if parts.scheme == "models":
        if parts.netloc:
            raise invalid_source(source, "model_id")
        source_model_id = models_uri_model_id(source)
        if source_model_id is not None and source_model_id != model_id:
            raise invalid_source(source, "model_id")
        return
    if parts.scheme == "runs":
        raise invalid_source(source, "model_id")
    if is_mlflow_artifacts(source):
        _check_proxied_source(source, model_id, "model_id", locate, to_mlflow)
