"""Interfaces of the logged-model store and the model registry store.

Like ``TrackingStore`` (``base.py``): implementations return entities and raise
``TrackerError``; every method is one transaction. The registry's methods are
``contracts.ModelRegistryCore``, the same on every layer; the logged-model store's are its
own (the service parses filters and checks statuses in front of it). They live beside the
tracking store and share its database (``db.Database``), but not its code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from ..contracts import ModelRegistryCore
from ..domain.limits import LOGGED_MODEL_RESULTS_DEFAULT
from ..entities import LoggedModel, ModelOutput, ModelVersion, Page
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
        comparisons: Sequence[Comparison] = (),
        datasets: Sequence[tuple[str, str | None]] = (),
        order_by: Sequence[LoggedModelOrderBy] = (),
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


class RegistryStore(ModelRegistryCore, Transactional, ABC):
    """``contracts.ModelRegistryCore`` in one transaction per call. The store's answer to
    ``get_model_version_download_uri`` is the version's storage location, else its source
    (MLflow's store answer; the service resolves it further)."""

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
        """The next version number of ``name``, allocated in this transaction.
        ``storage_location``: where the files are, if not at ``source`` itself (a source
        naming a logged model or another version)."""
