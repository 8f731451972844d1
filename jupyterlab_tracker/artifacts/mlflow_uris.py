"""Our stored artifact locations <-> MLflow's ``mlflow-artifacts:`` URIs (stdlib only).

The one place that translates between them. We store real locations
(``<artifact_root>/<exp_id>/<run_id>/artifacts``); the official MLflow client wants
``mlflow-artifacts:/<exp_id>/<run_id>/artifacts`` so that it uploads through the server's
artifact proxy (``api/2.0/mlflow-artifacts/artifacts/<path>``) instead of writing files
itself. Both layouts are the same path under one root, so the translation is a prefix swap.
Locations outside the artifact root (an experiment created with its own location) are
handed to MLflow unchanged.
"""

from __future__ import annotations

from typing import overload

from .paths import normalize_artifact_path

SCHEME = "mlflow-artifacts:"


class MlflowArtifactUris:
    def __init__(self, artifact_root: str):
        self.root = artifact_root.rstrip("/")

    @overload
    def to_mlflow(self, location: str) -> str: ...
    @overload
    def to_mlflow(self, location: None) -> None: ...
    def to_mlflow(self, location: str | None) -> str | None:
        """``<root>/a/b`` -> ``mlflow-artifacts:/a/b``; other locations as they are."""
        if location is None:
            return None
        if location == self.root:
            return f"{SCHEME}/"
        if location.startswith(self.root + "/"):
            return f"{SCHEME}/{location[len(self.root) + 1 :]}"
        return location

    @overload
    def from_mlflow(self, uri: str) -> str: ...
    @overload
    def from_mlflow(self, uri: None) -> None: ...
    def from_mlflow(self, uri: str | None) -> str | None:
        """``mlflow-artifacts:/a/b`` -> ``<root>/a/b`` (path-checked); others as they are."""
        if not uri or not uri.startswith(SCHEME):
            return uri
        path = uri[len(SCHEME) :]
        if path.startswith("//"):  # mlflow-artifacts://host:port/path names a server
            path = path[2:].partition("/")[2]
        relative = normalize_artifact_path(path.lstrip("/"))
        return f"{self.root}/{relative}" if relative else self.root
