"""Interfaces of the logged-model store and the model registry store.

Like ``TrackingStore`` (``base.py``): implementations return entities and raise
``TrackerError``; every method is one transaction. They live beside the tracking store
and share its database (``db.Database``), but not its code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from ..entities import LoggedModel, ModelVersion, Page, RegisteredModel


class LoggedModelStore(ABC):
    @abstractmethod
    def create_logged_model(
        self,
        experiment_id: str,
        name: str,
        source_run_id: str | None = None,
        model_type: str = "",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> LoggedModel:
        """A PENDING model with a new ``m-<32hex>`` id and artifact URI
        ``<experiment artifact location>/models/<model_id>/artifacts``; the source run (if
        any) gets it as an output."""

    @abstractmethod
    def get_logged_model(self, model_id: str) -> LoggedModel: ...

    @abstractmethod
    def set_logged_model_status(self, model_id: str, status: str) -> LoggedModel: ...

    @abstractmethod
    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None: ...

    @abstractmethod
    def delete_logged_model(self, model_id: str) -> None: ...

    @abstractmethod
    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        name: str | None = None,
        source_run_id: str | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        """Newest first; each argument given narrows the result."""


class RegistryStore(ABC):
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
        max_results: int = 100,
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
        max_results: int = 1000,
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
