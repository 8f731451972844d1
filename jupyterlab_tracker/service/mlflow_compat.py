"""The few rules only MLflow's protocol needs, on top of the tracking and registry services.

Everything else the MLflow-compatible API does is a plain call of those services; what
lives here is where MLflow's client expects behaviour our own API does not have.
"""

from __future__ import annotations

from ..entities import LoggedModel, Metric, Page, Param, RunTag
from ..search import parse_logged_model_filter
from .registry import ModelRegistryService
from .tracking import TrackingService


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

    def log_run_outputs(self, run_id: str, model_ids: list[str]) -> None:
        """``runs/outputs``: the run and the models must exist.

        A logged model is already recorded as an output of its source run when it is
        created, which is the only link ``log_model`` makes; links to other runs' models
        are accepted but not stored.
        """
        self.tracking.get_run(run_id)
        for model_id in model_ids:
            self.registry.get_logged_model(model_id)
