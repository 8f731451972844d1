"""``models:/`` URIs of the registry (stdlib only): read by the client, which loads what
they name, and by the registry service, which resolves a copied version's source.

- ``models:/m-<32 hex>``: a logged model;
- ``models:/<name>/<version>``, ``models:/<name>/<stage>`` (the newest version in that
  stage), ``models:/<name>/latest`` (the newest version) and ``models:/<name>@<alias>``.

Registered model names may contain '/', so the last segment is split off from the right.
"""

from __future__ import annotations

import re

from .entities import MODEL_VERSION_STAGES, ModelVersion
from .errors import invalid, not_found

MODELS_SCHEME = "models:/"
MODEL_ID_PATTERN = re.compile(r"m-[0-9a-f]{32}")


def registered_version(registry, rest: str, uri: str) -> ModelVersion:
    """The version ``models:/<rest>`` names; ``registry``: anything with the registry's
    ``get_model_version``, ``get_model_version_by_alias`` and ``get_latest_versions``."""
    if "@" in rest:
        name, _, alias = rest.rpartition("@")
        return registry.get_model_version_by_alias(name, alias)
    name, _, reference = rest.rpartition("/")
    if not name or not reference:
        raise invalid(f"Expected models:/<name>/<version|stage|latest> or @alias, got {uri!r}")
    if reference.isdigit():
        return registry.get_model_version(name, reference)
    if reference.lower() == "latest":
        versions = registry.get_latest_versions(name)
    elif reference.lower() in (stage.lower() for stage in MODEL_VERSION_STAGES):
        versions = registry.get_latest_versions(name, [reference])
    else:
        raise invalid(f"{reference!r} in {uri!r} is not a version number, stage or 'latest'")
    if not versions:
        raise not_found(f"Registered model '{name}' has no version matching {uri!r}")
    return max(versions, key=lambda v: int(v.version))
