"""The tracking store interface: the only contract the service relies on.

The methods it shares with every tracking backend are ``contracts.TrackingCore``
(defined once there); this adds what only the store has. Implementations return entities
(``jupyterlab_tracker.entities``), never ORM rows, and raise ``TrackerError`` for anything
the caller did wrong. Batch is the primitive: logging one metric is a ``log_batch`` of one.
``sample_metric_history`` is computed in the database (step buckets keep their first,
last, min and max points, so spikes survive downsampling).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ..contracts import TrackingCore
from ..entities import (
    ArtifactOwnerPlace,
    DatasetSummary,
    LoggedModelMetric,
    Metric,
    Param,
    RunInfo,
    RunPlace,
    RunTag,
)

if TYPE_CHECKING:
    from .db import Database


class Transactional:
    # Not abstract: a store's own contract, which the clients' backends do not mirror.
    def transaction(self) -> AbstractContextManager[None]:
        """A context in which this store's calls (and those of every store on the same
        database, in this thread) are one transaction: all of them are kept when it ends,
        none if it raises. What a service uses for a user action of several steps."""
        raise NotImplementedError


class TrackingStore(TrackingCore, Transactional, ABC):
    artifact_root: str
    """Where runs' artifacts go by default (``<root>/<experiment id>/<run id>/artifacts``)."""
    db: Database
    """The database, which the logged-model and registry stores open beside this one."""

    @abstractmethod
    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        batch_id: str | None = None,
        *,
        skip_duplicate_points: bool = False,
        model_metrics: Sequence[LoggedModelMetric] = (),
    ) -> None:
        """``contracts.TrackingCore.log_batch``, plus:

        ``skip_duplicate_points``: a metric point equal in key, value, timestamp and step
        to one the run already has, or to an earlier one of the batch, is not stored
        again (MLflow's store does this, and its clients rely on it when they retry).

        ``model_metrics``: links of points of this batch to logged models (which must
        exist), stored for the models' metrics; an exact repeat of a stored link is not
        stored again.
        """

    # -- server-side only: clients reach these through the service ----------------------
    def insert_run_with_id(self, info: RunInfo) -> bool:
        """A run under ``info.run_id`` (an imported run keeps its id), active, with its
        place under its experiment's artifact location; False if the id is taken. The
        importer's (through ``TrackingService.import_run``): no client backend has it."""
        raise NotImplementedError

    @abstractmethod
    def sample_metric_histories(
        self,
        run_ids: Sequence[str],
        key: str,
        count: int,
        steps: tuple[int, int] | None = None,
    ) -> dict[str, list[Metric]]:
        """MLflow's ``get-history-bulk-interval`` sample of each run's points of ``key``
        with a step in ``steps`` (inclusive): at most ``count`` of them, picked evenly by
        rank as SQL's NTILE tiles (the last point always in), in (step, timestamp, value)
        order; a run id that matches no run has none."""

    @abstractmethod
    def dataset_summaries(self, experiment_ids: list[str], limit: int) -> list[DatasetSummary]:
        """The distinct (dataset, context) pairs the runs of these experiments used, runs of
        any lifecycle stage, at most ``limit``, ordered by experiment, name, digest, context
        (MLflow's ``experiments/search-datasets``)."""

    # many runs at once, and permanent deletion (the service checks ids and stages)
    @abstractmethod
    def run_places(self, run_ids: list[str]) -> dict[str, RunPlace]:
        """The place and stage of each of these runs that exists, by id."""

    @abstractmethod
    def experiment_run_places(self, experiment_ids: list[str]) -> list[RunPlace]:
        """Every run of these experiments, any stage, oldest first."""

    @abstractmethod
    def deleted_run_places(self, deleted_before: int | None) -> list[RunPlace]:
        """The runs in the deleted stage, deleted at or before ``deleted_before`` (ms) if given."""

    @abstractmethod
    def deleted_experiment_ids(self, updated_before: int | None) -> list[str]:
        """The deleted experiments, last updated before ``updated_before`` (ms) if given."""

    @abstractmethod
    def experiment_logged_model_places(self, experiment_ids: list[str]) -> list[ArtifactOwnerPlace]:
        """The logged models of these experiments and where their artifacts are."""

    @abstractmethod
    def metric_point_counts(self, run_ids: list[str]) -> dict[str, int]:
        """How many metric points each of these runs holds (runs with none are left out)."""

    @abstractmethod
    def set_runs_lifecycle(self, run_ids: list[str], stage: str) -> None:
        """Move these runs to ``stage`` in one write (``deleted_time`` stamped or cleared)."""

    @abstractmethod
    def set_runs_tags(self, run_ids: list[str], tags: dict[str, str]) -> None:
        """Set ``tags`` on every one of these runs in one write."""

    @abstractmethod
    def delete_runs_tags(self, run_ids: list[str], keys: list[str]) -> int:
        """Remove the tags ``keys`` from these runs in one write; how many rows went."""

    @abstractmethod
    def hard_delete_runs(self, run_ids: list[str]) -> None:
        """Delete the rows of these runs (deleted ones only) and everything under them."""

    @abstractmethod
    def hard_delete_experiments(self, experiment_ids: list[str]) -> None:
        """Delete the rows of these deleted experiments and everything under them."""

    # liveness
    @abstractmethod
    def heartbeat(self, run_ids: list[str], now: int) -> list[str]:
        """Record that the clients of these RUNNING runs are alive at ``now`` (ms), in one
        write. Returns the ids that are unknown or no longer RUNNING (left as they are):
        the caller can stop beating for them."""

    @abstractmethod
    def reap_dead_runs(self, cutoff: int) -> list[str]:
        """Mark KILLED every RUNNING run whose last heartbeat is before ``cutoff`` (ms),
        with ``end_time`` = that heartbeat; return their ids. Runs that never sent a
        heartbeat are left alone."""

    @abstractmethod
    def close(self) -> None:
        """Dispose of the database engine: its pooled connections are closed (a later call
        opens new ones)."""
