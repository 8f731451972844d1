"""Which backend a tracking URI means, imported only when it is needed.

A backend is a ``contracts.TrackingBackend``: ``TrackingService`` in embedded mode,
``HttpBackend`` in HTTP mode; beside it a ``RegistryBackend`` and an ``ArtifactTransport``
of the same mode. This module names no backend at import time, so HTTP mode never loads
SQLAlchemy or the store.
"""

from __future__ import annotations

import os

from ..config import TOKEN_ENV
from ..contracts import ArtifactTransport, RegistryBackend, TrackingBackend
from ..errors import invalid

HTTP_SCHEMES = ("http://", "https://")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgres")


def is_http_uri(uri: str) -> bool:
    return uri.startswith(HTTP_SCHEMES)


def open_backend(
    uri: str,
    *,
    token: str | None = None,
    artifact_root: str | None = None,
    allowed_artifact_roots: list[str] | None = None,
) -> TrackingBackend:
    """The backend for ``uri``; HTTP mode takes ``token`` or ``$JUPYTERLAB_TRACKER_TOKEN``,
    embedded mode ``artifact_root`` and ``allowed_artifact_roots`` (the server's own)."""
    if is_http_uri(uri):
        from .http import HttpBackend

        return HttpBackend(uri, token if token is not None else os.environ.get(TOKEN_ENV))
    scheme = uri.split(":", 1)[0].split("+", 1)[0]
    if scheme in DATABASE_SCHEMES:
        from .embedded import open_embedded_backend

        return open_embedded_backend(uri, artifact_root, allowed_artifact_roots)
    raise invalid(
        f"Unsupported tracking URI {uri!r}: use http(s)://host:port/<base_url>/tracker, "
        "sqlite:///path/to/file.db or postgresql://..."
    )


def open_model_backends(
    tracking_backend: TrackingBackend,
) -> tuple[RegistryBackend, ArtifactTransport]:
    """(registry backend, artifact transport) beside ``tracking_backend``, same mode."""
    from .http import HttpBackend

    if isinstance(tracking_backend, HttpBackend):
        from .artifacts import HttpArtifacts
        from .http_registry import HttpRegistryBackend

        return HttpRegistryBackend(tracking_backend), HttpArtifacts(tracking_backend)
    from .embedded import open_embedded_model_backends

    return open_embedded_model_backends(tracking_backend)
