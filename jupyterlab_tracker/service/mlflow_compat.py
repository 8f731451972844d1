"""The few rules only MLflow's protocol needs, on top of the tracking and registry services.

Everything else the MLflow-compatible API does is a plain call of those services; what
lives here is where MLflow's client expects behaviour our own API does not have.
"""

from __future__ import annotations

from ..entities import LoggedModelMetric, Metric, Param, RunTag
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
