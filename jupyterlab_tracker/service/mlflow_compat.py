"""The few rules only MLflow's protocol needs, on top of the tracking and registry services.

Everything else the MLflow-compatible API does is a plain call of those services; what
lives here is where MLflow's client expects behaviour our own API does not have.
"""

from __future__ import annotations

import math

from ..entities import DatasetSummary, LoggedModel, Metric, Page, Param, RegisteredModel, RunTag
from ..errors import RESOURCE_DOES_NOT_EXIST, TrackerError, invalid
from ..limits import (
    MAX_BULK_HISTORY_POINTS,
    MAX_DATASET_SUMMARIES,
    MAX_EXPERIMENTS_PER_DATASET_SEARCH,
    MAX_INTERVAL_POINTS_PER_RUN,
    MAX_RUNS_PER_BULK_HISTORY,
)
from ..search import parse_logged_model_filter
from . import validation as check
from .registry import ModelRegistryService
from .tracking import TrackingService

# The clause MLflow's client appends to every registered-model search: "no prompts".
# Models without the tag must match it, which a tag comparison cannot say, so it is
# applied here instead (MLflow's own server special-cases it the same way).
PROMPT_TAG = "mlflow.prompt.is_prompt"
NO_PROMPTS_CLAUSE = f"tag.`{PROMPT_TAG}` != 'true'"
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


def sample_like_ntile(points: list, count: int) -> list:
    """MLflow's sample of ordered points (``get_metric_history_bulk_interval``): cut them
    into ``count`` tiles as SQL's ``NTILE`` does (the first ``len % count`` tiles one point
    longer), keep the first point of each, and make sure the last point is in (it replaces
    the last pick when there are already ``count``)."""
    size, longer = divmod(len(points), count)
    if size == 0:
        return list(points)
    picked = [points[i * size + min(i, longer)] for i in range(count)]
    if picked[-1] is not points[-1]:
        picked[-1] = points[-1]
    return picked


class MlflowCompatService:
    def __init__(self, tracking: TrackingService, registry: ModelRegistryService):
        self.tracking = tracking
        self.registry = registry

    def log_batch(
        self,
        run_id: str,
        metrics: list[Metric] = (),
        params: list[Param] = (),
        tags: list[RunTag] = (),
    ) -> None:
        """``runs/log-batch`` and ``runs/log-metric``: a point the run already has (same key,
        value, timestamp and step), or that the request repeats, is stored once.

        MLflow's store does the same (those columns are its metric table's primary key),
        and its client relies on it twice: it retries a POST whose answer it lost, and
        after ``log_model`` it re-sends the run's points of that step with the new model's
        id to link them (we keep no metric -> model links, so they are plain repeats).
        """
        self.tracking.log_batch(run_id, metrics, params, tags, skip_duplicate_points=True)

    def search_logged_models(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        max_results: int = 100,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        """MLflow's filter grammar narrowed to what the logged-model store searches."""
        equal = {c.key: c.value for c in parse_logged_model_filter(filter_string)}
        return self.registry.search_logged_models(
            experiment_ids or None,
            name=equal.get("name"),
            source_run_id=equal.get("source_run_id"),
            max_results=max_results,
            page_token=page_token,
        )

    def search_registered_models(
        self,
        filter_string: str = "",
        max_results: int = 100,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[RegisteredModel]:
        """The registry's search, with MLflow's "no prompts" clause applied here.

        Prompts are dropped from the page after the search, so a page may hold fewer
        than ``max_results`` models while a ``next_page_token`` still follows.
        """
        filter_string = filter_string or ""
        no_prompts = filter_string.endswith(NO_PROMPTS_CLAUSE)
        if no_prompts:
            filter_string = filter_string[: -len(NO_PROMPTS_CLAUSE)].strip()
            filter_string = filter_string.removesuffix(" AND").removesuffix(" and").strip()
        page = self.registry.search_registered_models(
            filter_string, max_results, order_by, page_token
        )
        if no_prompts:
            page.items = [m for m in page.items if m.tags.get(PROMPT_TAG) != "true"]
        return page

    def log_run_outputs(self, run_id: str, model_ids: list[str]) -> None:
        """``runs/outputs``: the run and the models must exist.

        A logged model is already recorded as an output of its source run when it is
        created, which is the only link ``log_model`` makes; links to other runs' models
        are accepted but not stored.
        """
        self.tracking.get_run(run_id)
        for model_id in model_ids:
            self.registry.get_logged_model(model_id)

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
        sampled evenly as MLflow does (``sample_like_ntile``), in (step, timestamp, value)
        order."""
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
        if start_step is not None and start_step > end_step:
            raise invalid(
                "end_step must be greater than start_step. "
                f"Found start_step={start_step} and end_step={end_step}."
            )
        points: list[tuple[str, Metric]] = []
        for run_id in run_ids:
            history = self._history_if_run_exists(run_id, key)
            if start_step is not None:
                history = [m for m in history if start_step <= m.step <= end_step]
            history.sort(key=lambda m: (m.step, m.timestamp, *_point_order(m)))
            points += [(run_id, metric) for metric in sample_like_ntile(history, max_results)]
        return points

    def search_datasets(self, experiment_ids: list[str]) -> list[DatasetSummary]:
        """``experiments/search-datasets``: the datasets these experiments' runs used, with
        their contexts (MLflow's web UI lists them)."""
        _check_id_count(
            experiment_ids, MAX_EXPERIMENTS_PER_DATASET_SEARCH, "SearchDatasets", "experiment_id"
        )
        for experiment_id in experiment_ids:
            check.validate_experiment_id(experiment_id)
        return self.tracking.store.dataset_summaries(experiment_ids, MAX_DATASET_SUMMARIES)
