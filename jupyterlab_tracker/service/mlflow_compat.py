"""The few rules only MLflow's protocol needs, on top of the tracking and registry services.

Everything else the MLflow-compatible API does is a plain call of those services; what
lives here is where MLflow's client expects behaviour our own API does not have.
"""

from __future__ import annotations

from ..entities import LoggedModelMetric, Metric, Page, Param, RunTag
from ..errors import RESOURCE_DOES_NOT_EXIST, TrackerError, invalid
from ..limits import INT64_MAX
from . import validation as check
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
        model_metrics: list[LoggedModelMetric] = (),
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
        self, run_id: str, metric: Metric, model_metrics: list[LoggedModelMetric] = ()
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
