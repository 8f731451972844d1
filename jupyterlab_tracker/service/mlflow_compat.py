"""The few rules only MLflow's protocol needs, on top of the tracking and registry services.

Everything else the MLflow-compatible API does is a plain call of those services; what
lives here is where MLflow's client expects behaviour our own API does not have.
"""

from __future__ import annotations

from ..entities import LoggedModelMetric, Metric, Page, Param, RegisteredModel, RunTag
from .registry import ModelRegistryService
from .tracking import TrackingService

# The clause MLflow's client appends to every registered-model search: "no prompts".
# Models without the tag must match it, which a tag comparison cannot say, so it is
# applied here instead (MLflow's own server special-cases it the same way).
PROMPT_TAG = "mlflow.prompt.is_prompt"
NO_PROMPTS_CLAUSE = f"tag.`{PROMPT_TAG}` != 'true'"


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
