"""The backend contracts: each interface between the layers, written once.

Stdlib, entities and domain only, so the light HTTP client imports it
(``tests/test_import_boundaries``).
mypy (``scripts/test.sh``) checks every implementation against its contract: each one
subclasses its Protocol explicitly, so a missing method is "Cannot instantiate abstract
class" and a changed signature is "incompatible with supertype".

Who implements which contract:

- ``TrackingCore``: what the store and the backends share. ``store.base.TrackingStore``
  (so the SQL store) extends it with store-only calls: ``heartbeat(run_ids, now)``,
  ``reap_dead_runs``, ``dataset_summaries``, ``close``.
- ``TrackingBackend``: what ``TrackerClient`` talks to, the core plus
  ``heartbeat(run_ids)`` (the server knows the time) and ``close()``.
  ``service.tracking.TrackingService`` (the embedded backend is the service itself) and
  ``client.http.HttpBackend``.
- ``ModelRegistryCore``: registered models, versions, aliases, one shape on every layer.
  ``store.registry_base.RegistryStore`` extends it; every ``RegistryBackend`` has it.
- ``RegistryBackend``: the core plus the logged-model calls clients make.
  ``service.registry.ModelRegistryService`` (embedded) and
  ``client.http_registry.HttpRegistryBackend``. The store's logged models
  (``LoggedModelStore``) legitimately differ (parsed filters, a raw status) and keep
  their own ABC beside ``RegistryStore``.
- ``ArtifactTransport``: moving files for the client. ``client.artifacts``'
  ``EmbeddedArtifacts`` and ``HttpArtifacts``. The service side
  (``service.artifacts.ArtifactService``) hands out repositories instead, which the
  embedded transport drives.

``TrackerClient`` implements none of them: its methods mirror ``mlflow.MlflowClient``'s
(argument order, ``synchronous``, whole metric histories), which
``tests/test_client_mlflow_signatures.py`` checks; it calls a ``TrackingBackend``, and
``client.registry`` is its ``RegistryBackend``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .domain.limits import (
    LOGGED_MODEL_RESULTS_DEFAULT,
    REGISTERED_MODEL_RESULTS_DEFAULT,
    SEARCH_RESULTS_DEFAULT,
)
from .entities import (
    ACTIVE_ONLY,
    DatasetInput,
    Experiment,
    FileInfo,
    LoggedModel,
    Metric,
    ModelVersion,
    Page,
    Param,
    RegisteredModel,
    Run,
    RunInfo,
    RunTag,
)

# -- tracking ---------------------------------------------------------------------------


class TrackingCore(Protocol):
    """Experiments, runs, metrics: the same methods, arguments and answers on the store,
    the service and the HTTP client. Answers are entities; errors are ``TrackerError``."""

    # experiments
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> str:
        """Create an experiment and return its id. RESOURCE_ALREADY_EXISTS if the name is taken."""
        ...

    def get_experiment(self, experiment_id: str) -> Experiment:
        """RESOURCE_DOES_NOT_EXIST when missing (deleted experiments are returned)."""
        ...

    def get_experiment_by_name(self, name: str) -> Experiment | None: ...

    def search_experiments(
        self,
        view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        filter_string: str = "",
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Experiment]: ...

    def rename_experiment(self, experiment_id: str, new_name: str) -> None: ...

    def delete_experiment(self, experiment_id: str) -> None:
        """Soft delete: lifecycle_stage becomes 'deleted' (its runs too)."""
        ...

    def restore_experiment(self, experiment_id: str) -> None: ...

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None: ...

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None: ...

    # runs
    def create_run(
        self,
        experiment_id: str,
        user_id: str = "",
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
        heartbeat: bool = False,
    ) -> Run:
        """Create a RUNNING run. A missing run_name gets a generated one (``brave-owl-12``).

        ``heartbeat``: the caller will send heartbeats for this run; its first one is
        recorded now, in the same write (so the run can be reaped from the start).
        """
        ...

    def get_run(self, run_id: str) -> Run: ...

    def update_run_info(
        self,
        run_id: str,
        status: str | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> RunInfo: ...

    def delete_run(self, run_id: str) -> None: ...

    def restore_run(self, run_id: str) -> None: ...

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        batch_id: str | None = None,
    ) -> None:
        """Write everything in one transaction.

        Params are immutable: a different value for an existing key is
        INVALID_PARAMETER_VALUE (the same value is fine). ``batch_id`` makes the call
        idempotent: a batch id seen before for this run with the same content is ignored,
        so a client may retry a batch whose answer it never got; the same id with other
        content is RESOURCE_ALREADY_EXISTS. (Store and service take more keywords.)
        """
        ...

    def delete_tag(self, run_id: str, key: str) -> None: ...

    def log_inputs(self, run_id: str, datasets: list[DatasetInput]) -> None: ...

    def get_metric_history(
        self, run_id: str, key: str, max_results: int | None = None, page_token: str | None = None
    ) -> Page[Metric]:
        """The full history of one metric, ordered by step then timestamp."""
        ...

    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        """At most about ``max_points`` points that keep the shape of a long history
        (each step bucket keeps its first, last, min and max points). Short histories
        come back whole."""
        ...

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]: ...

    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        """``{"metrics": [...], "params": [...], "tags": [...]}``: the keys used in these
        experiments' runs, each sorted (column pickers, filter completion)."""
        ...


class TrackingBackend(TrackingCore, Protocol):
    """What ``TrackerClient`` talks to: ``TrackingService`` in-process, ``HttpBackend``
    over HTTP."""

    def heartbeat(self, run_ids: list[str]) -> list[str]:
        """The clients of these runs are alive now; returns the ids that are unknown or
        no longer RUNNING (stop beating for them)."""
        ...

    def close(self) -> None:
        """Release connections (database engine, HTTP session). A later call reconnects."""
        ...


# -- model registry ---------------------------------------------------------------------


class ModelRegistryCore(Protocol):
    """Registered models, their versions and aliases: one shape on the store, the service
    and the HTTP client."""

    def create_registered_model(
        self, name: str, description: str = "", tags: dict[str, str] | None = None
    ) -> RegisteredModel:
        """RESOURCE_ALREADY_EXISTS if the name is taken."""
        ...

    def get_registered_model(self, name: str) -> RegisteredModel: ...

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """The versions, tags and aliases follow the model."""
        ...

    def update_registered_model(self, name: str, description: str) -> RegisteredModel: ...

    def delete_registered_model(self, name: str) -> None:
        """Deletes its versions, tags and aliases too."""
        ...

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None: ...

    def delete_registered_model_tag(self, name: str, key: str) -> None: ...

    def search_registered_models(
        self,
        filter_string: str = "",
        max_results: int = REGISTERED_MODEL_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[RegisteredModel]: ...

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        model_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
    ) -> ModelVersion:
        """The next version number of ``name`` (1, 2, ...); numbers of deleted versions
        are never given again."""
        ...

    def get_model_version(self, name: str, version: str) -> ModelVersion: ...

    def update_model_version(self, name: str, version: str, description: str) -> ModelVersion: ...

    def delete_model_version(self, name: str, version: str) -> None: ...

    def get_model_version_download_uri(self, name: str, version: str) -> str: ...

    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        """With ``archive_existing_versions``, other versions in ``stage`` become Archived."""
        ...

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None: ...

    def delete_model_version_tag(self, name: str, version: str, key: str) -> None: ...

    def search_model_versions(
        self,
        filter_string: str = "",
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[ModelVersion]: ...

    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        """The newest version in each stage (of ``stages``, or of every stage)."""
        ...

    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        """Points ``alias`` at ``version``, moving it if it pointed elsewhere."""
        ...

    def delete_registered_model_alias(self, name: str, alias: str) -> None: ...

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion: ...


class RegistryBackend(ModelRegistryCore, Protocol):
    """What ``client.registry`` is: ``ModelRegistryService`` in-process,
    ``HttpRegistryBackend`` over HTTP. Adds the logged-model calls clients make."""

    def create_logged_model(
        self,
        experiment_id: str,
        name: str,
        source_run_id: str | None = None,
        model_type: str = "",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> LoggedModel:
        """A new PENDING model (``m-<32 hex>`` id) in an active experiment."""
        ...

    def get_logged_model(self, model_id: str) -> LoggedModel: ...

    def finalize_logged_model(self, model_id: str, status: str) -> LoggedModel:
        """``READY`` or ``FAILED``, once the files are uploaded (or could not be)."""
        ...

    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None: ...

    def delete_logged_model(self, model_id: str) -> None: ...

    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        name: str | None = None,
        source_run_id: str | None = None,
        max_results: int = LOGGED_MODEL_RESULTS_DEFAULT,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        """Active models of ``experiment_ids`` (None: every experiment), newest first."""
        ...


# -- artifacts --------------------------------------------------------------------------


class ArtifactTransport(Protocol):
    """Moving files between this machine and a run's or logged model's artifacts.

    ``owner`` is ``"runs"`` or ``"logged-models"``; paths are relative ``/``-paths."""

    def list(self, owner: str, owner_id: str, path: str | None = None) -> list[FileInfo]: ...

    def upload_file(
        self, owner: str, owner_id: str, local_file: str, artifact_path: str | None = None
    ) -> None:
        """Upload ``local_file`` as ``<artifact_path>/<its name>``."""
        ...

    def download_file(self, owner: str, owner_id: str, path: str, local_file: str) -> None: ...

    def upload_dir(
        self, owner: str, owner_id: str, local_dir: str, artifact_path: str | None = None
    ) -> None:
        """Every file under ``local_dir``, keeping the layout, into ``artifact_path``."""
        ...

    def download(self, owner: str, owner_id: str, path: str | None, dst_dir: str) -> str:
        """Copy file or directory ``path`` ('' or None: everything) into ``dst_dir``;
        returns the local path of what ``path`` names."""
        ...

    def artifact_uri(self, owner: str, owner_id: str) -> str: ...
