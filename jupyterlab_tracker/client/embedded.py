"""The embedded backend: the tracking service on a store opened in this process.

The fastest path (no HTTP, no JSON): a ``sqlite:///`` or ``postgresql://`` URI. The
service has the TrackingStore methods, so it is the backend as it is. Importing this
module is what loads SQLAlchemy, so ``backend.open_backend`` imports it only on demand.
"""

from __future__ import annotations

from ..config import default_allowed_artifact_roots, default_artifact_root
from ..service.factory import open_tracking
from ..service.tracking import TrackingService


def open_embedded_backend(
    uri: str, artifact_root: str | None = None, allowed_artifact_roots: list[str] | None = None
) -> TrackingService:
    """Artifacts are confined as on the server (``artifacts/locations.py``): kernels the
    server starts get its artifact root and allowed roots in their environment."""
    if allowed_artifact_roots is None:
        allowed_artifact_roots = default_allowed_artifact_roots()
    return open_tracking(uri, artifact_root or default_artifact_root(), allowed_artifact_roots)


def open_embedded_model_backends(service: TrackingService):
    """The registry service and a direct-to-repository artifact transport."""
    from ..service.factory import model_services
    from .artifacts import EmbeddedArtifacts

    registry, artifacts = model_services(service)
    return registry, EmbeddedArtifacts(artifacts)
