"""Build every service on one store: what the server extension and the embedded client use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..artifacts.locations import ArtifactLocations
from ..store import open_model_stores, open_store
from .artifacts import ArtifactService
from .registry import ModelRegistryService
from .tracking import TrackingService


@dataclass
class Services:
    tracking: TrackingService
    registry: ModelRegistryService
    artifacts: ArtifactService


def model_services(tracking: TrackingService) -> tuple[ModelRegistryService, ArtifactService]:
    """The registry and artifact services over the tracking service's database."""
    logged_models, registry_store = open_model_stores(tracking.store)
    registry = ModelRegistryService(registry_store, logged_models, tracking)
    return registry, ArtifactService(tracking, registry)


def open_tracking(
    store_uri: str, artifact_root: str, allowed_artifact_roots: Iterable[str] = ()
) -> TrackingService:
    """The tracking service on ``store_uri``, artifacts confined to ``artifact_root`` and
    ``allowed_artifact_roots`` (``artifacts/locations.py``)."""
    locations = ArtifactLocations(artifact_root, allowed_artifact_roots)
    return TrackingService(open_store(store_uri, locations.artifact_root), locations)


def open_services(
    store_uri: str, artifact_root: str, allowed_artifact_roots: Iterable[str] = ()
) -> Services:
    tracking = open_tracking(store_uri, artifact_root, allowed_artifact_roots)
    return Services(tracking, *model_services(tracking))
