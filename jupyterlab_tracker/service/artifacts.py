"""Which artifact repository a run or a logged model has, and whether it may be used.

Shared by the server's artifact handlers and the embedded client, so both resolve an
owner to storage the same way. ``owner`` is ``"runs"`` or ``"logged-models"`` (the URL
segment of the native API). A stored location is untrusted (any client wrote it, perhaps
before the location policy existed): it is confined (``artifacts/locations.py``) each time
a repository is opened on it.
"""

from __future__ import annotations

from ..artifacts import ArtifactRepository
from ..errors import invalid
from .registry import ModelRegistryService
from .tracking import TrackingService

RUN_OWNER = "runs"
MODEL_OWNER = "logged-models"
_OWNER_NAMES = {RUN_OWNER: "run", MODEL_OWNER: "logged model"}


class ArtifactService:
    def __init__(self, tracking: TrackingService, registry: ModelRegistryService):
        self.tracking = tracking
        self.registry = registry

    def artifact_uri(self, owner: str, owner_id: str) -> str:
        if owner == RUN_OWNER:
            return self.tracking.get_run(owner_id).info.artifact_uri
        if owner == MODEL_OWNER:
            return self.registry.get_logged_model(owner_id).artifact_uri
        raise invalid(f"Unknown artifact owner {owner!r}")

    def repository(self, owner: str, owner_id: str) -> ArtifactRepository:
        what = f"The artifact location of {_OWNER_NAMES[owner]} {owner_id}"
        uri = self.artifact_uri(owner, owner_id)
        return ArtifactRepository(self.tracking.locations.confine(uri, what))
