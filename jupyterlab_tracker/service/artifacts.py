"""Which artifact repository a run or a logged model has, and whether it may be used.

Shared by the server's artifact handlers and the embedded client, so both resolve an
owner to storage the same way. ``owner`` is ``"runs"`` or ``"logged-models"`` (the URL
segment of the native API). A stored location is untrusted (any client wrote it, perhaps
before the location policy existed): it is confined (``artifacts/locations.py``) each time
a repository is opened on it.
"""

from __future__ import annotations

from ..artifacts import ArtifactRepository
from ..artifacts.paths import normalize_artifact_path
from ..entities import ACTIVE, FileInfo
from ..errors import invalid
from . import validation as check
from .registry import MODEL_ID_PATTERN, ModelRegistryService
from .tracking import TrackingService

RUN_OWNER = "runs"
MODEL_OWNER = "logged-models"
_OWNER_NAMES = {RUN_OWNER: "run", MODEL_OWNER: "logged model"}
# Under the artifact root, a run's files are <...>/<run id>/artifacts/ and a logged model's
# <...>/models/<model id>/artifacts/ (the store's layout, which MLflow shares).
_ARTIFACTS_DIR = "artifacts"
_MODELS_DIR = "models"
# A model version's download URI may name another version (a copy's original), which may
# name a run or a logged model: a chain longer than this is refused.
_MAX_MODEL_URI_HOPS = 8


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

    def repository(self, owner: str, owner_id: str, *, writing: bool = False) -> ArtifactRepository:
        """The owner's files. ``writing``: to upload or delete, which a deleted run refuses
        (as its params and metrics do)."""
        return self._open(owner, owner_id, self._stored_uri(owner, owner_id, writing))

    def _stored_uri(self, owner: str, owner_id: str, writing: bool) -> str:
        if owner != RUN_OWNER:
            return self.artifact_uri(owner, owner_id)
        info = self.tracking.get_run(owner_id).info
        if writing and info.lifecycle_stage != ACTIVE:
            raise invalid(
                f"The run {owner_id} must be in the 'active' state to change its artifacts; "
                f"it is '{info.lifecycle_stage}' (restore it first)"
            )
        return info.artifact_uri

    def _open(self, owner: str, owner_id: str, uri: str) -> ArtifactRepository:
        what = f"The artifact location of {_OWNER_NAMES[owner]} {owner_id}"
        return ArtifactRepository(self.tracking.locations.confine(uri, what))

    def model_version_repository(self, name: str, version: str) -> ArtifactRepository:
        """The files of a registered model version: where its download URI leads
        (``ModelRegistryService.get_model_version_download_uri``), confined.

        A URI the client would resolve through the server is followed here:
        ``runs:/<run id>/<path>``, ``models:/m-<id>`` (a logged model) and
        ``models:/<name>/<version>`` (the original of a copied version).
        """
        what = f"The files of version {version} of '{name}'"
        uri = self.registry.get_model_version_download_uri(name, version)
        for _ in range(_MAX_MODEL_URI_HOPS):
            if uri.startswith("runs:/"):
                run_id, _, path = uri[len("runs:/") :].partition("/")
                uri = self.artifact_uri(RUN_OWNER, run_id).rstrip("/")
                if relative := normalize_artifact_path(path):
                    uri = f"{uri}/{relative}"
            elif uri.startswith("models:/"):
                reference = uri[len("models:/") :]
                if MODEL_ID_PATTERN.fullmatch(reference):
                    uri = self.artifact_uri(MODEL_OWNER, reference)
                else:
                    original_name, _, original_version = reference.rpartition("/")
                    uri = self.registry.get_model_version_download_uri(
                        original_name, original_version
                    )
            else:
                return ArtifactRepository(self.tracking.locations.confine(uri, what))
        raise invalid(f"{what} are behind more than {_MAX_MODEL_URI_HOPS} model URIs")

    def proxy_repository(self) -> ArtifactRepository:
        """Everything under the artifact root, for reads through MLflow's artifact proxy
        (``mlflow-artifacts:/<path>``, relative to the root). Writes go through
        ``proxy_target``."""
        return ArtifactRepository(self.tracking.locations.artifact_root)

    def proxy_list(self, path: str | None) -> list[FileInfo]:
        """The entries of directory ``path`` (relative to the artifact root; None: the
        root itself), as MLflow's proxy lists them."""
        return self.proxy_repository().list_artifacts(path)

    def proxy_target(self, path: str) -> tuple[ArtifactRepository, str]:
        """For an upload or delete through MLflow's artifact proxy, whose ``path`` is relative
        to the artifact root: the repository of the run or logged model whose artifacts hold
        ``path``, and the path inside them.

        So a proxy write can never replace or delete a run's whole artifact directory or
        anything above it, nor put a file where a run's directory belongs, and it meets the
        same checks as a native upload (the owner exists, a run is active).
        """
        parts = normalize_artifact_path(path).split("/")
        for i in range(len(parts) - 1):
            if parts[i + 1] != _ARTIFACTS_DIR:
                continue
            if check.is_run_id(parts[i]):
                owner = RUN_OWNER
            elif i > 0 and parts[i - 1] == _MODELS_DIR and MODEL_ID_PATTERN.fullmatch(parts[i]):
                owner = MODEL_OWNER
            else:
                continue
            uri = self._stored_uri(owner, parts[i], writing=True)
            expected = "/".join([self.tracking.locations.artifact_root, *parts[: i + 2]])
            if uri.rstrip("/") != expected:
                break  # the owner keeps its artifacts elsewhere
            inside = "/".join(parts[i + 2 :])
            if not inside:
                raise invalid(
                    f"Artifact path {path!r} is the whole artifact directory of "
                    f"{_OWNER_NAMES[owner]} {parts[i]}: name a file or directory inside it"
                )
            return self._open(owner, parts[i], uri), inside
        raise invalid(
            f"Artifact path {path!r} is not inside the artifacts of a run or logged model: "
            "uploads and deletes name <experiment id>/<run id>/artifacts/<path> or "
            "<experiment id>/models/<model id>/artifacts/<path>"
        )
