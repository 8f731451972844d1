"""The few rules only MLflow's protocol needs, on top of the tracking and registry services.

Everything else the MLflow-compatible API does is a plain call of those services; what
lives here is where MLflow's client expects behaviour our own API does not have.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..domain.limits import (
    INT64_MAX,
    MAX_BULK_HISTORY_POINTS,
    MAX_DATASET_SUMMARIES,
    MAX_EXPERIMENTS_PER_DATASET_SEARCH,
    MAX_INTERVAL_POINTS_PER_RUN,
    MAX_RUNS_PER_BULK_HISTORY,
)
from ..entities import DatasetSummary, LoggedModelMetric, Metric, Page, Param, RunTag
from ..errors import RESOURCE_DOES_NOT_EXIST, TrackerError, invalid
from . import validation as check
from .registry import ModelRegistryService
from .tracking import TrackingService

# MLflow's messages where scripts may match on them (mlflow/server/handlers.py).
_SEE_DOCS = " See the API docs for more information about request parameters."


def _point_order(metric: Metric) -> tuple:
    """MLflow's SQL order of one metric's points after (step, timestamp) or (timestamp,
    step): by value, where its table stores a NaN as 0 with ``is_nan`` set."""
    is_nan = math.isnan(metric.value)
    return (0.0 if is_nan else metric.value, is_nan)


def _check_id_count(ids: list[str], limit: int, request: str, what: str) -> None:
    """At least one id and at most ``limit``, in MLflow's words for its bulk requests."""
    if not ids:
        raise invalid(f"{request} request must specify at least one {what}.")
    if len(ids) > limit:
        raise invalid(
            f"{request} request cannot specify more than {limit} {what}s. "
            f"Received {len(ids)} {what}s."
        )


class MlflowCompatService:
    def __init__(self, tracking: TrackingService, registry: ModelRegistryService):
        self.tracking = tracking
        self.registry = registry

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        model_metrics: Sequence[LoggedModelMetric] = (),
    ) -> None:
        """``runs/log-batch`` and ``runs/log-metric``: a point the run already has (same key,
        value, timestamp and step), or that the request repeats, is stored once.

        MLflow's store does the same (those columns are its metric table's primary key),
        and its client relies on it twice: it retries a POST whose answer it lost, and
        after ``log_model`` it re-sends the run's points of that step with the new model's
        id. There the run's history gains nothing; ``model_metrics`` (the points that carry
        a ``model_id``) link them to the model, once however often they are re-sent.
        """
        self.tracking.log_batch(
            run_id,
            metrics,
            params,
            tags,
            skip_duplicate_points=True,
            model_metrics=model_metrics,
        )

    def log_metric(
        self, run_id: str, metric: Metric, model_metrics: Sequence[LoggedModelMetric] = ()
    ) -> None:
        """``runs/log-metric``: one point, stored once however often it is sent (as above)."""
        self.tracking.log_metric(
            run_id, metric, skip_duplicate_points=True, model_metrics=model_metrics
        )

    def get_metric_history(
        self, run_id: str, key: str, max_results: int | None = None, page_token: str | None = None
    ) -> Page[Metric]:
        """``metrics/get-history`` as MLflow's server answers it: every point unless
        ``max_results`` is given (any positive page size), and no points at all, rather
        than an error, for a run or a key that does not exist (its store looks for the
        points only)."""
        if max_results is not None and max_results <= 0:
            raise invalid(
                f"Invalid value {max_results} for parameter 'max_results' supplied. "
                "It must be a positive integer."
            )
        try:
            check.validate_key("metric", key)
        except TrackerError:  # no point can have that key
            return Page([])
        try:
            return self.tracking.get_metric_history(
                run_id, key, max_results, page_token, max_page_size=INT64_MAX
            )
        except TrackerError as error:
            if error.error_code == RESOURCE_DOES_NOT_EXIST:
                return Page([])
            raise

    # -- the routes of MLflow's web UI that scripts call too ------------------------------
    def _history_if_run_exists(self, run_id: str, key: str) -> list[Metric]:
        """A run's points of ``key``; none for a run that does not exist (MLflow's bulk
        queries select by run id, so an unknown id matches nothing)."""
        if not check.is_run_id(run_id):  # no run of ours has another id shape
            return []
        try:
            return self.tracking.get_metric_history(run_id, key).items
        except TrackerError as error:
            if error.error_code == RESOURCE_DOES_NOT_EXIST:
                return []
            raise

    def metric_history_bulk(
        self, run_ids: list[str], key: str, max_results: int = MAX_BULK_HISTORY_POINTS
    ) -> list[tuple[str, Metric]]:
        """``metrics/get-history-bulk``: (run id, point) for the points of ``key`` in these
        runs, by run id, then timestamp, step and value; at most ``max_results`` (and
        never more than MLflow's 25,000) in all."""
        _check_id_count(run_ids, MAX_RUNS_PER_BULK_HISTORY, "GetMetricHistoryBulk", "run_id")
        max_results = min(max_results, MAX_BULK_HISTORY_POINTS)
        points: list[tuple[str, Metric]] = []
        for run_id in sorted(set(run_ids)):
            if len(points) >= max_results:
                break
            history = self._history_if_run_exists(run_id, key)
            history.sort(key=lambda m: (m.timestamp, m.step, *_point_order(m)))
            points += [(run_id, metric) for metric in history]
        return points[:max_results]

    def metric_history_bulk_interval(
        self,
        run_ids: list[str],
        key: str,
        max_results: int = MAX_INTERVAL_POINTS_PER_RUN,
        start_step: int | None = None,
        end_step: int | None = None,
    ) -> list[tuple[str, Metric]]:
        """``metrics/get-history-bulk-interval``: for each run (in the order given), at most
        ``max_results`` of its points of ``key`` with a step in [start_step, end_step],
        sampled evenly as MLflow does (the store's ``sample_metric_histories``), in
        (step, timestamp, value) order."""
        if len(run_ids) > MAX_RUNS_PER_BULK_HISTORY:
            raise invalid(
                f"GetMetricHistoryBulkInterval request must specify at most "
                f"{MAX_RUNS_PER_BULK_HISTORY} run_ids. Received {len(run_ids)} run_ids." + _SEE_DOCS
            )
        if not 1 <= max_results <= MAX_INTERVAL_POINTS_PER_RUN:
            raise invalid(
                f"max_results must be between 1 and {MAX_INTERVAL_POINTS_PER_RUN}." + _SEE_DOCS
            )
        if (start_step is None) != (end_step is None):
            raise invalid("If either start step or end step are specified, both must be specified.")
        steps = None if start_step is None or end_step is None else (start_step, end_step)
        if steps and steps[0] > steps[1]:
            raise invalid(
                "end_step must be greater than start_step. "
                f"Found start_step={start_step} and end_step={end_step}."
            )
        if any(check.is_run_id(run_id) for run_id in run_ids):
            check.validate_key("metric", key)
        # One read for all runs; ids of another shape are no run of ours (as in
        # _history_if_run_exists).
        sampled = self.tracking.store.sample_metric_histories(
            [run_id for run_id in run_ids if check.is_run_id(run_id)],
            key,
            max_results,
            steps,
        )
        return [(run_id, metric) for run_id in run_ids for metric in sampled.get(run_id, [])]

    def search_datasets(self, experiment_ids: list[str]) -> list[DatasetSummary]:
        """``experiments/search-datasets``: the datasets these experiments' runs used, with
        their contexts (MLflow's web UI lists them)."""
        _check_id_count(
            experiment_ids, MAX_EXPERIMENTS_PER_DATASET_SEARCH, "SearchDatasets", "experiment_id"
        )
        for experiment_id in experiment_ids:
            check.validate_experiment_id(experiment_id)
        return self.tracking.store.dataset_summaries(experiment_ids, MAX_DATASET_SUMMARIES)
