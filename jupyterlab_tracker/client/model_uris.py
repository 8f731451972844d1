"""Resolving model URIs to the artifacts that hold the model.

- ``runs:/<run_id>/<name>``: the logged model named ``name`` whose source run is
  ``run_id`` (the newest, if several), else the run's own ``<name>/`` artifact directory;
- ``models:/...``: a logged model or a registered version (``registry_uris``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..entities import ModelVersion
from ..errors import invalid
from ..registry_uris import MODEL_ID_PATTERN, registered_version
from .artifacts import MODEL_OWNER, RUN_OWNER


@dataclass(frozen=True)
class ModelLocation:
    """Artifacts ``path`` of owner ``owner``/``owner_id`` hold the model."""

    owner: str
    owner_id: str
    path: str = ""
    run_id: str | None = None
    model_id: str | None = None


def resolve_model_uri(client, uri: str) -> ModelLocation:
    """``client``: anything with the registry methods of ``TrackerClient``."""
    if uri.startswith("runs:/"):
        run_id, _, name = uri[len("runs:/") :].strip("/").partition("/")
        if not run_id or not name:
            raise invalid(f"Expected runs:/<run_id>/<name>, got {uri!r}")
        found = client.search_logged_models(source_run_id=run_id, name=name, max_results=1)
        if found.items:
            return _logged_model_location(found.items[0].model_id, run_id)
        client.get_run(run_id)  # RESOURCE_DOES_NOT_EXIST for a wrong run id
        return ModelLocation(RUN_OWNER, run_id, name, run_id=run_id)
    if uri.startswith("models:/"):
        rest = uri[len("models:/") :].strip("/")
        if MODEL_ID_PATTERN.fullmatch(rest):
            return _logged_model_location(rest, client.get_logged_model(rest).source_run_id)
        return _version_location(client, registered_version(client, rest, uri))
    raise invalid(f"Unsupported model URI {uri!r}: use runs:/... or models:/...")


def _logged_model_location(model_id: str, run_id: str | None) -> ModelLocation:
    return ModelLocation(MODEL_OWNER, model_id, "", run_id=run_id, model_id=model_id)


def _version_location(client, version: ModelVersion) -> ModelLocation:
    if version.model_id:
        return _logged_model_location(version.model_id, version.run_id)
    if version.source.startswith(("runs:/", "models:/")):
        return resolve_model_uri(client, version.source)
    raise invalid(
        f"Version {version.version} of '{version.name}' has source {version.source!r}, "
        "which this client cannot load (expected runs:/ or models:/)"
    )
