"""The embedded backend: the tracking service on a store opened in this process.

The fastest path (no HTTP, no JSON): a ``sqlite:///`` or ``postgresql://`` URI. The
service is a ``contracts.TrackingBackend`` (and the registry service a
``RegistryBackend``), so each is the backend as it is. Importing this
module is what loads SQLAlchemy, so ``backend.open_backend`` imports it only on demand.
"""

from __future__ import annotations

from ..config import default_allowed_artifact_roots, default_artifact_root
from ..contracts import TrackingBackend
from ..service.factory import open_tracking
from ..service.registry import ModelRegistryService
from ..service.tracking import TrackingService
from .artifacts import EmbeddedArtifacts


def open_embedded_backend(
    uri: str, artifact_root: str | None = None, allowed_artifact_roots: list[str] | None = None
) -> TrackingService:
    """Artifacts are confined as on the server (``artifacts/locations.py``): kernels the
    server starts get its artifact root and allowed roots in their environment."""
    if allowed_artifact_roots is None:
        allowed_artifact_roots = default_allowed_artifact_roots()
    return open_tracking(uri, artifact_root or default_artifact_root(), allowed_artifact_roots)


def open_embedded_model_backends(
    backend: TrackingBackend,
) -> tuple[ModelRegistryService, EmbeddedArtifacts]:
    """The registry service and a direct-to-repository artifact transport, on the
    database of ``backend`` (which ``open_embedded_backend`` made)."""
    from ..service.factory import model_services

    if not isinstance(backend, TrackingService):
        raise TypeError(f"{backend!r} is not an embedded tracking backend")
    registry, artifacts = model_services(backend)
    return registry, EmbeddedArtifacts(artifacts)
