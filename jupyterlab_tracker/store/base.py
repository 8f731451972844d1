"""The tracking store interface: the only contract the service relies on.

Implementations return entities (``jupyterlab_tracker.entities``), never ORM rows, and
raise ``TrackerError`` for anything the caller did wrong. Batch is the primitive:
logging one metric is a ``log_batch`` of one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager

from ..domain.limits import SEARCH_RESULTS_DEFAULT
from ..entities import (
    ACTIVE_ONLY,
    DatasetInput,
    DatasetSummary,
    Experiment,
    LoggedModelMetric,
    Metric,
    Page,
    Param,
    Run,
    RunInfo,
    RunTag,
)


class Transactional:
    # Not abstract: a store's own contract, which the clients' backends do not mirror.
    def transaction(self) -> AbstractContextManager[None]:
        """A context in which this store's calls (and those of every store on the same
        database, in this thread) are one transaction: all of them are kept when it ends,
        none if it raises. What a service uses for a user action of several steps."""
        raise NotImplementedError


class TrackingStore(Transactional, ABC):
    # -- experiments -------------------------------------------------------------------
    @abstractmethod
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> str:
        """Create an experiment and return its id. RESOURCE_ALREADY_EXISTS if the name is taken."""

    @abstractmethod
    def get_experiment(self, experiment_id: str) -> Experiment:
        """RESOURCE_DOES_NOT_EXIST when missing (deleted experiments are returned)."""

    @abstractmethod
    def get_experiment_by_name(self, name: str) -> Experiment | None: ...

    @abstractmethod
    def search_experiments(
        self,
        view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        filter_string: str = "",
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Experiment]: ...

    @abstractmethod
    def rename_experiment(self, experiment_id: str, new_name: str) -> None: ...

    @abstractmethod
    def delete_experiment(self, experiment_id: str) -> None:
        """Soft delete: lifecycle_stage becomes 'deleted' (its runs too)."""

    @abstractmethod
    def restore_experiment(self, experiment_id: str) -> None: ...

    @abstractmethod
    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None: ...

    @abstractmethod
    def delete_experiment_tag(self, experiment_id: str, key: str) -> None: ...

    # -- runs --------------------------------------------------------------------------
    @abstractmethod
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

    @abstractmethod
    def get_run(self, run_id: str) -> Run: ...

    def insert_run_with_id(self, info: RunInfo) -> bool:
        """A run under ``info.run_id`` (an imported run keeps its id), active, with its
        place under its experiment's artifact location; False if the id is taken. The
        importer's (through ``TrackingService.import_run``): no client backend has it."""
        raise NotImplementedError

    @abstractmethod
    def update_run_info(
        self,
        run_id: str,
        status: str | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> RunInfo: ...

    @abstractmethod
    def delete_run(self, run_id: str) -> None: ...

    @abstractmethod
    def restore_run(self, run_id: str) -> None: ...

    @abstractmethod
    def log_batch(
        self,
        run_id: str,
        metrics: list[Metric] = (),
        params: list[Param] = (),
        tags: list[RunTag] = (),
        batch_id: str | None = None,
        *,
        skip_duplicate_points: bool = False,
        model_metrics: list[LoggedModelMetric] = (),
    ) -> None:
        """Write everything in one transaction.

        Params are immutable: a different value for an existing key is
        INVALID_PARAMETER_VALUE (the same value is fine). ``batch_id`` makes the call
        idempotent: a batch id seen before for this run with the same content is ignored,
        so a client may retry a batch whose answer it never got; the same id with other
        content is RESOURCE_ALREADY_EXISTS.

        ``skip_duplicate_points``: a metric point equal in key, value, timestamp and step
        to one the run already has, or to an earlier one of the batch, is not stored
        again (MLflow's store does this, and its clients rely on it when they retry).

        ``model_metrics``: links of points of this batch to logged models (which must
        exist), stored for the models' metrics; an exact repeat of a stored link is not
        stored again.
        """

    @abstractmethod
    def delete_tag(self, run_id: str, key: str) -> None: ...

    @abstractmethod
    def log_inputs(self, run_id: str, datasets: list[DatasetInput]) -> None: ...

    @abstractmethod
    def get_metric_history(
        self, run_id: str, key: str, max_results: int | None = None, page_token: str | None = None
    ) -> Page[Metric]:
        """The full history of one metric, ordered by step then timestamp."""

    @abstractmethod
    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        """At most about ``max_points`` points that keep the shape of a long history.

        Computed in the database: the step range is cut into buckets and each bucket keeps
        its first, last, min and max points, so spikes survive downsampling.
        Short histories come back whole.
        """

    @abstractmethod
    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]: ...

    @abstractmethod
    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        """The metric, param and tag keys used in these experiments' runs.

        ``{"metrics": [...], "params": [...], "tags": [...]}``, each sorted; the panel uses
        them for column pickers and filter completion.
        """

    # -- server-side only: clients reach these through the service ----------------------
    def dataset_summaries(self, experiment_ids: list[str], limit: int) -> list[DatasetSummary]:
        """The distinct (dataset, context) pairs the runs of these experiments used, runs of
        any lifecycle stage, at most ``limit``, ordered by experiment, name, digest, context
        (MLflow's ``experiments/search-datasets``)."""
        raise NotImplementedError

    # liveness
    def heartbeat(self, run_ids: list[str], now: int) -> list[str]:
        """Record that the clients of these RUNNING runs are alive at ``now`` (ms), in one
        write. Returns the ids that are unknown or no longer RUNNING (left as they are):
        the caller can stop beating for them."""
        raise NotImplementedError

    def reap_dead_runs(self, cutoff: int) -> list[str]:
        """Mark KILLED every RUNNING run whose last heartbeat is before ``cutoff`` (ms),
        with ``end_time`` = that heartbeat; return their ids. Runs that never sent a
        heartbeat are left alone."""
        raise NotImplementedError
