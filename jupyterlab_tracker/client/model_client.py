"""The artifact, logged-model and registry half of ``TrackerClient``.

``TrackerClient`` inherits these methods; they use two backends opened beside the
tracking backend (``backend.open_model_backends``): ``client.registry``, a
``contracts.RegistryBackend`` (the service in embedded mode, ``HttpRegistryBackend`` in
HTTP mode), and ``client.artifacts``, a ``contracts.ArtifactTransport``. The registry
methods named as ``MlflowClient``'s are one-line calls of ``client.registry``.
"""

from __future__ import annotations

import json
import os
import posixpath
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..artifacts.paths import normalize_artifact_path
from ..contracts import ArtifactTransport, RegistryBackend, TrackingBackend
from ..domain.limits import (
    LOGGED_MODEL_RESULTS_DEFAULT,
    REGISTERED_MODEL_RESULTS_DEFAULT,
    SEARCH_RESULTS_DEFAULT,
)
from ..domain.tags import LOGGED_ARTIFACTS_TAG, MODEL_VERSIONS_TAG
from ..entities import FileInfo, LoggedModel, ModelVersion, Page, RegisteredModel, Run
from ..errors import RESOURCE_ALREADY_EXISTS, TrackerError, invalid
from . import artifact_files, models
from .artifacts import MODEL_OWNER, RUN_OWNER
from .backend import open_model_backends
from .model_uris import resolve_model_uri

# Characters MLflow refuses in a table's name: its LIKE search of the tag could not match.
LOGGED_ARTIFACTS_FORBIDDEN = ('"', "'", ",", ":", "[", "]", "{", "}")


class ModelMethods:
    _model_backends: tuple[RegistryBackend, ArtifactTransport] | None = None

    if TYPE_CHECKING:  # TrackerClient's, which these methods are part of

        @property
        def backend(self) -> TrackingBackend: ...
        def get_run(self, run_id: str) -> Run: ...
        def set_tag(
            self, run_id: str, key: str, value: object, synchronous: bool | None = None
        ) -> None: ...

    def _open_model_backends(self) -> tuple[RegistryBackend, ArtifactTransport]:
        if self._model_backends is None:
            self._model_backends = open_model_backends(self.backend)
        return self._model_backends

    @property
    def registry(self) -> RegistryBackend:
        """The registry backend, opened beside the tracking backend on first use."""
        return self._open_model_backends()[0]

    @property
    def artifacts(self) -> ArtifactTransport:
        """The artifact transport, opened beside the tracking backend on first use."""
        return self._open_model_backends()[1]

    # -- artifacts ---------------------------------------------------------------------
    def log_artifact(self, run_id: str, local_path: str, artifact_path: str | None = None) -> None:
        """Upload a file (as ``<artifact_path>/<its name>``) or a directory's files."""
        if os.path.isdir(local_path):
            self.artifacts.upload_dir(RUN_OWNER, run_id, local_path, artifact_path)
        else:
            self.artifacts.upload_file(RUN_OWNER, run_id, local_path, artifact_path)

    def log_artifacts(self, run_id: str, local_dir: str, artifact_path: str | None = None) -> None:
        """Upload every file under ``local_dir`` into ``artifact_path``, keeping the layout."""
        self.artifacts.upload_dir(RUN_OWNER, run_id, local_dir, artifact_path)

    def _log_generated(self, run_id: str, artifact_file: str, write: Callable[[str], None]) -> None:
        """``write(local_path)`` makes the file; it is uploaded as ``artifact_file``."""
        directory, name = posixpath.split(normalize_artifact_path(artifact_file))
        if not name:
            raise invalid(f"artifact_file must name a file, got {artifact_file!r}")
        with tempfile.TemporaryDirectory() as tmp:
            local = os.path.join(tmp, name)
            write(local)
            self.artifacts.upload_file(RUN_OWNER, run_id, local, directory or None)

    def log_text(self, run_id: str, text: str, artifact_file: str) -> None:
        self._log_generated(run_id, artifact_file, lambda p: artifact_files.write_text(text, p))

    def log_dict(self, run_id: str, dictionary: dict[str, object], artifact_file: str) -> None:
        """JSON, or YAML when ``artifact_file`` ends in .yaml / .yml."""
        self._log_generated(
            run_id, artifact_file, lambda p: artifact_files.write_dict(dictionary, p)
        )

    def log_figure(
        self,
        run_id: str,
        figure: object,
        artifact_file: str,
        *,
        save_kwargs: dict[str, object] | None = None,
    ) -> None:
        """A matplotlib, plotly or Altair figure, in the format ``artifact_file``'s suffix names."""
        self._log_generated(
            run_id, artifact_file, lambda p: artifact_files.write_figure(figure, p, save_kwargs)
        )

    def log_image(self, run_id: str, image: object, artifact_file: str) -> None:
        """A numpy array or PIL image, as PNG."""
        self._log_generated(run_id, artifact_file, lambda p: artifact_files.write_image(image, p))

    def log_table(self, run_id: str, data: object, artifact_file: str) -> None:
        """A DataFrame or dict as a table file, as ``MlflowClient.log_table`` writes it:
        ``{"columns", "data"}`` JSON or Parquet (by the suffix), appended to the rows already
        in ``artifact_file``, listed in the run's ``mlflow.loggedArtifacts`` tag (where
        ``mlflow.load_table`` looks for tables)."""
        if not artifact_file.endswith(artifact_files.TABLE_SUFFIXES):
            raise invalid(
                f"A table's artifact_file must end in .json or .parquet, got {artifact_file!r}"
            )
        for char in LOGGED_ARTIFACTS_FORBIDDEN:
            if char in artifact_file:
                raise invalid(
                    f"artifact_file {artifact_file!r} contains {char!r}, which MLflow's "
                    "table search cannot match: rename the file"
                )
        frame = artifact_files.table_frame(data)
        with tempfile.TemporaryDirectory() as tmp:
            existing = self._download_if_present(run_id, artifact_file, tmp)
            if existing is not None:
                import pandas

                frame = pandas.concat(
                    [artifact_files.read_table(existing), frame], ignore_index=True
                )
        self._log_generated(run_id, artifact_file, lambda p: artifact_files.write_table(frame, p))
        self._record_logged_artifact(run_id, artifact_file, "table")

    def _download_if_present(self, run_id: str, artifact_file: str, dst_dir: str) -> str | None:
        """The local copy of run artifact ``artifact_file``, or None if it has none."""
        path = normalize_artifact_path(artifact_file)
        directory = posixpath.dirname(path) or None
        if path not in {f.path for f in self.list_artifacts(run_id, directory) if not f.is_dir}:
            return None
        return self.download_artifacts(run_id, path, dst_dir)

    def _record_logged_artifact(self, run_id: str, path: str, kind: str) -> None:
        """Add ``{"path", "type"}`` to the run's ``mlflow.loggedArtifacts`` tag (a JSON list)."""
        tags = self.get_run(run_id).data.tags
        try:
            entries = json.loads(tags.get(LOGGED_ARTIFACTS_TAG, "[]"))
        except ValueError:  # an untrusted tag that is not JSON: start the list again
            entries = []
        if not isinstance(entries, list):
            entries = []
        entry = {"path": path, "type": kind}
        if entry not in entries:
            self.set_tag(run_id, LOGGED_ARTIFACTS_TAG, json.dumps(entries + [entry]))

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[FileInfo]:
        return self.artifacts.list(RUN_OWNER, run_id, path)

    def download_artifacts(self, run_id: str, path: str, dst_path: str | None = None) -> str:
        """Copy artifact file or directory ``path`` to ``dst_path`` (default: a new temporary
        directory); returns the local path."""
        dst_path = dst_path or tempfile.mkdtemp(prefix="tracker-artifacts-")
        return self.artifacts.download(RUN_OWNER, run_id, path, dst_path)

    def get_artifact_uri(self, run_id: str, artifact_path: str | None = None) -> str:
        uri = self.artifacts.artifact_uri(RUN_OWNER, run_id).rstrip("/")
        return f"{uri}/{artifact_path.strip('/')}" if artifact_path else uri

    # -- logged models -----------------------------------------------------------------
    def log_model(
        self,
        run_id: str,
        model: object,
        name: str,
        input_example: object = None,
        registered_model_name: str | None = None,
        *,
        tags: dict[str, str] | None = None,
    ) -> LoggedModel:
        """Save ``model`` (sklearn, PyTorch or any picklable object) as a logged model of
        the run, in MLflow's model format (``models``: MLflow's loaders and ``mlflow models
        serve`` take it); READY once every file is uploaded. Registers a version when
        ``registered_model_name`` is given. ``tags``: the logged model's (the fluent
        ``jt.log_model`` gives it the run's user and source tags, as MLflow's does)."""
        run = self.get_run(run_id)
        # The run's params go with the model, as MLflow's log_model copies them.
        logged = self.registry.create_logged_model(
            run.info.experiment_id,
            name,
            run_id,
            model_type=models.detect_flavor(model),
            tags=tags,
            params=dict(run.data.params),
        )
        try:
            with tempfile.TemporaryDirectory() as tmp:
                models.save_model(
                    model,
                    tmp,
                    name=name,
                    model_id=logged.model_id,
                    run_id=run_id,
                    input_example=input_example,
                    artifact_uri=logged.artifact_uri,
                )
                self.artifacts.upload_dir(MODEL_OWNER, logged.model_id, tmp)
        except BaseException:
            self.registry.finalize_logged_model(logged.model_id, "FAILED")
            raise
        logged = self.registry.finalize_logged_model(logged.model_id, "READY")
        if registered_model_name:
            self.register_model(f"models:/{logged.model_id}", registered_model_name)
        return logged

    def load_model(self, model_uri: str) -> object:
        """The model at ``runs:/...`` or ``models:/...`` (see ``model_uris``), ready to predict:
        one jt or MLflow 3 wrote (sklearn in skops, cloudpickle or pickle; PyTorch pickled or
        ``torch.export``-ed; any other ``python_function`` model through ``mlflow.pyfunc``,
        which needs mlflow installed).

        **This runs code from the model's files**: the model is unpickled (``pickle.load``;
        ``torch.load(weights_only=False)`` for a whole PyTorch module, ``torch.export.load``
        for a ``.pt2`` archive; whatever a ``python_function`` loader does), which executes
        whatever the file says with your rights, and anyone who can write to the tracker
        can replace a model's files. Load only models you trust, exactly as with MLflow.
        Checked first: every file the ``MLmodel`` descriptor names is inside the model's
        directory; a PyTorch state dict is loaded with ``weights_only=True`` (no code)."""
        location = resolve_model_uri(self, model_uri)
        with tempfile.TemporaryDirectory() as tmp:
            local = self.artifacts.download(location.owner, location.owner_id, location.path, tmp)
            return models.load_model_from_directory(local)

    def register_model(
        self, model_uri: str, name: str, tags: dict[str, str] | None = None
    ) -> ModelVersion:
        """A new version of registered model ``name`` (created when missing) for ``model_uri``."""
        location = resolve_model_uri(self, model_uri)
        try:
            self.registry.create_registered_model(name)
        except TrackerError as error:
            if error.error_code != RESOURCE_ALREADY_EXISTS:
                raise
        source = f"models:/{location.model_id}" if location.model_id else model_uri
        version = self.registry.create_model_version(
            name, source, run_id=location.run_id, model_id=location.model_id, tags=tags
        )
        if location.model_id:
            self._record_model_version(location.model_id, version)
        return version

    def _record_model_version(self, model_id: str, version: ModelVersion) -> None:
        """List ``version`` in the logged model's ``mlflow.modelVersions`` tag, as
        ``mlflow.register_model`` does (the MLflow UI links a model to its versions by it)."""
        listed = self.registry.get_logged_model(model_id).tags.get(MODEL_VERSIONS_TAG)
        entries = json.loads(listed) if listed else []
        entries.append({"name": version.name, "version": version.version})
        self.registry.set_logged_model_tags(model_id, {MODEL_VERSIONS_TAG: json.dumps(entries)})

    def get_logged_model(self, model_id: str) -> LoggedModel:
        return self.registry.get_logged_model(model_id)

    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        name: str | None = None,
        source_run_id: str | None = None,
        max_results: int = LOGGED_MODEL_RESULTS_DEFAULT,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        return self.registry.search_logged_models(
            experiment_ids, name, source_run_id, max_results, page_token
        )

    # -- registry ----------------------------------------------------------------------
    def create_registered_model(
        self, name: str, tags: dict[str, str] | None = None, description: str | None = None
    ) -> RegisteredModel:
        return self.registry.create_registered_model(name, description or "", tags)

    def get_registered_model(self, name: str) -> RegisteredModel:
        return self.registry.get_registered_model(name)

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        return self.registry.rename_registered_model(name, new_name)

    def update_registered_model(self, name: str, description: str | None = None) -> RegisteredModel:
        """Set the description; None changes nothing (as in MLflow)."""
        if description is None:
            return self.registry.get_registered_model(name)
        return self.registry.update_registered_model(name, description)

    def delete_registered_model(self, name: str) -> None:
        self.registry.delete_registered_model(name)

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        self.registry.set_registered_model_tag(name, key, value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        self.registry.delete_registered_model_tag(name, key)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = REGISTERED_MODEL_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[RegisteredModel]:
        return self.registry.search_registered_models(
            filter_string or "", max_results, order_by, page_token
        )

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        model_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
    ) -> ModelVersion:
        return self.registry.create_model_version(name, source, run_id, model_id, description, tags)

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        return self.registry.get_model_version(name, version)

    def update_model_version(
        self, name: str, version: str, description: str | None = None
    ) -> ModelVersion:
        """Set the description; None changes nothing (as in MLflow)."""
        if description is None:
            return self.registry.get_model_version(name, version)
        return self.registry.update_model_version(name, version, description)

    def delete_model_version(self, name: str, version: str) -> None:
        self.registry.delete_model_version(name, version)

    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        return self.registry.transition_model_version_stage(
            name, version, stage, archive_existing_versions
        )

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        self.registry.set_model_version_tag(name, version, key, value)

    def delete_model_version_tag(self, name: str, version: str, key: str) -> None:
        self.registry.delete_model_version_tag(name, version, key)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[ModelVersion]:
        return self.registry.search_model_versions(
            filter_string or "", max_results, order_by, page_token
        )

    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        return self.registry.get_latest_versions(name, stages)

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        return self.registry.get_model_version_download_uri(name, version)

    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        self.registry.set_registered_model_alias(name, alias, version)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        self.registry.delete_registered_model_alias(name, alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        return self.registry.get_model_version_by_alias(name, alias)
