"""Interfaces of the logged-model store and the model registry store.

Like ``TrackingStore`` (``base.py``): implementations return entities and raise
``TrackerError``; every method is one transaction. They live beside the tracking store
and share its database (``db.Database``), but not its code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from ..domain.limits import (
    LOGGED_MODEL_RESULTS_DEFAULT,
    REGISTERED_MODEL_RESULTS_DEFAULT,
    SEARCH_RESULTS_DEFAULT,
)
from ..entities import LoggedModel, ModelOutput, ModelVersion, Page, RegisteredModel
from ..search import Comparison, LoggedModelOrderBy
from .base import Transactional


class LoggedModelStore(Transactional, ABC):
    """MLflow 3's logged models. Deleting one marks it deleted: it keeps its rows, ``get``
    finds it only with ``allow_deleted``, search skips it, and the other writes still
    apply to it (as in MLflow)."""

    @abstractmethod
    def create_logged_model(
        self,
        experiment_id: str,
        name: str,
        source_run_id: str | None = None,
        model_type: str = "",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        *,
        as_run_output: bool = True,
    ) -> LoggedModel:
        """A PENDING model with a new ``m-<32hex>`` id and artifact URI
        ``<experiment artifact location>/models/<model_id>/artifacts``, in an active
        experiment. ``as_run_output``: the source run (if any) gets it as an output at step
        0 (MLflow's client records outputs itself, with their steps)."""

    @abstractmethod
    def log_logged_model_params(self, model_id: str, params: dict[str, str]) -> None:
        """New params; one already logged with the same value is left as it is, another
        value is INVALID_PARAMETER_VALUE (params are immutable, as a run's)."""

    @abstractmethod
    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel: ...

    @abstractmethod
    def set_logged_model_status(self, model_id: str, status: str) -> LoggedModel: ...

    @abstractmethod
    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None: ...

    @abstractmethod
    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        """RESOURCE_DOES_NOT_EXIST if the model has no such tag."""

    @abstractmethod
    def delete_logged_model(self, model_id: str) -> None: ...

    @abstractmethod
    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        comparisons: list[Comparison] = (),
        datasets: list[tuple[str, str | None]] = (),
        order_by: list[LoggedModelOrderBy] = (),
        max_results: int = LOGGED_MODEL_RESULTS_DEFAULT,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        """Active models of ``experiment_ids`` (None: of every experiment) matching every
        comparison; metric comparisons look only at points on ``datasets`` ((name, digest
        or None) pairs) when given. Ordered by ``order_by``, then newest first."""

    @abstractmethod
    def log_run_outputs(self, run_id: str, outputs: list[ModelOutput]) -> None:
        """The active run produced these (existing) models; a model already recorded as
        an output of the run keeps its first step."""

    @abstractmethod
    def log_run_model_inputs(self, run_id: str, model_ids: list[str]) -> None:
        """The active run used these (existing) models."""


class RegistryStore(Transactional, ABC):
    # -- registered models -------------------------------------------------------------
    @abstractmethod
    def create_registered_model(
        self, name: str, description: str = "", tags: dict[str, str] | None = None
    ) -> RegisteredModel:
        """RESOURCE_ALREADY_EXISTS if the name is taken."""

    @abstractmethod
    def get_registered_model(self, name: str) -> RegisteredModel: ...

    @abstractmethod
    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """The versions, tags and aliases follow the model."""

    @abstractmethod
    def update_registered_model(self, name: str, description: str) -> RegisteredModel: ...

    @abstractmethod
    def delete_registered_model(self, name: str) -> None:
        """Deletes its versions, tags and aliases too."""

    @abstractmethod
    def set_registered_model_tag(self, name: str, key: str, value: str) -> None: ...

    @abstractmethod
    def delete_registered_model_tag(self, name: str, key: str) -> None: ...

    @abstractmethod
    def search_registered_models(
        self,
        filter_string: str = "",
        max_results: int = REGISTERED_MODEL_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[RegisteredModel]: ...

    # -- versions ----------------------------------------------------------------------
    @abstractmethod
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        model_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
        storage_location: str | None = None,
    ) -> ModelVersion:
        """The next version number of ``name`` (1, 2, ...), allocated in this transaction;
        numbers of deleted versions are never given again. ``storage_location``: where
        the files are, if not at ``source`` itself (a source naming a logged model or
        another version)."""

    @abstractmethod
    def get_model_version(self, name: str, version: str) -> ModelVersion: ...

    @abstractmethod
    def update_model_version(self, name: str, version: str, description: str) -> ModelVersion: ...

    @abstractmethod
    def delete_model_version(self, name: str, version: str) -> None: ...

    @abstractmethod
    def get_model_version_download_uri(self, name: str, version: str) -> str:
        """The version's storage location, else its source (MLflow's store answer)."""

    @abstractmethod
    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        """With ``archive_existing_versions``, other versions in ``stage`` become Archived."""

    @abstractmethod
    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None: ...

    @abstractmethod
    def delete_model_version_tag(self, name: str, version: str, key: str) -> None: ...

    @abstractmethod
    def search_model_versions(
        self,
        filter_string: str = "",
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[ModelVersion]: ...

    @abstractmethod
    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        """The newest version in each stage (of ``stages``, or of every stage)."""

    # -- aliases -----------------------------------------------------------------------
    @abstractmethod
    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        """Points ``alias`` at ``version``, moving it if it pointed elsewhere."""

    @abstractmethod
    def delete_registered_model_alias(self, name: str, alias: str) -> None: ...

    @abstractmethod
    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion: ...
