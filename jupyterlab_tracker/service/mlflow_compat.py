"""The few rules only MLflow's protocol needs, on top of the tracking and registry services.

Everything else the MLflow-compatible API does is a plain call of those services; what
lives here is where MLflow's client expects behaviour our own API does not have.
"""

from __future__ import annotations

from ..entities import LoggedModel, Metric, Page, Param, RegisteredModel, RunTag
from ..errors import RESOURCE_DOES_NOT_EXIST, TrackerError, invalid
from ..limits import INT64_MAX
from ..search import parse_logged_model_filter
from . import validation as check
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
    ) -> None:
        """``runs/log-batch`` and ``runs/log-metric``: a point the run already has (same key,
        value, timestamp and step), or that the request repeats, is stored once.

        MLflow's store does the same (those columns are its metric table's primary key),
        and its client relies on it twice: it retries a POST whose answer it lost, and
        after ``log_model`` it re-sends the run's points of that step with the new model's
        id to link them (we keep no metric -> model links, so they are plain repeats).
        """
        self.tracking.log_batch(run_id, metrics, params, tags, skip_duplicate_points=True)

    def log_metric(self, run_id: str, metric: Metric) -> None:
        """``runs/log-metric``: one point, stored once however often it is sent (as above)."""
        self.tracking.log_metric(run_id, metric, skip_duplicate_points=True)

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
