"""MLflow's REST API 2.0 (``<base_url>tracker/api/2.0/mlflow/...``) over our services.

So that ``mlflow.set_tracking_uri("http://host:port/<base_url>tracker")`` with
``MLFLOW_TRACKING_TOKEN=<jupyter token>`` works unchanged. Each endpoint is one function
``(api, fields) -> response``: it reads MLflow's request fields, makes one service call and
returns MLflow's response shape (``mlflow_shapes``). ``endpoint(get=..., post=...)`` makes
the tornado handler: GET fields come from the query string (repeated keys for lists),
POST/PATCH/DELETE fields from the JSON body; path parameters are added to them.
Errors use MLflow's HTTP statuses (RESOURCE_ALREADY_EXISTS is a 400 here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tornado.web import authenticated

from ..artifacts.mlflow_uris import MlflowArtifactUris
from ..domain.limits import (
    MAX_BULK_HISTORY_POINTS,
    MAX_INTERVAL_POINTS_PER_RUN,
    MAX_METRICS_PER_BATCH,
    MAX_PARAMS_PER_BATCH,
    MAX_RESULTS_LIMIT,
    MAX_TAGS_PER_BATCH,
    REGISTERED_MODEL_RESULTS_DEFAULT,
    SEARCH_RESULTS_DEFAULT,
)
from ..entities import ACTIVE_ONLY, DEFAULT_EXPERIMENT_ID, RUN_STATUSES, VIEW_TYPES
from ..errors import INVALID_STATE, RESOURCE_ALREADY_EXISTS, invalid
from ..gc_pause import gc_paused
from ..service.artifacts import MODEL_OWNER, RUN_OWNER, ArtifactService
from ..service.mlflow_compat import MlflowCompatService
from ..service.registry import ModelRegistryService
from ..service.tracking import TrackingService
from . import mlflow_shapes as shapes
from .handlers import NATIVE_STATUS, TrackerHandler
from .request_parsing import (
    entity_list,
    one_of,
    optional_bool,
    optional_int,
    optional_str,
    parse_param,
    parse_tag,
    required_id,
    required_str,
)

# The MLflow release whose REST API this server speaks (the client tests run that release):
# what ``GET <tracking_uri>/version`` answers, as MLflow's server answers its own version.
# The client reads it before it logs spans (``RestStore._get_server_version``).
MLFLOW_VERSION = "3.17.2"

# MLflow's ErrorCode -> HTTP status differs from ours in one place: it answers
# RESOURCE_ALREADY_EXISTS with 400 (its client relies on that in register_model).
MLFLOW_STATUS = {**NATIVE_STATUS, RESOURCE_ALREADY_EXISTS: 400, INVALID_STATE: 400}


@dataclass
class MlflowApi:
    """What an endpoint function works with."""

    tracking: TrackingService
    registry: ModelRegistryService
    compat: MlflowCompatService
    uris: MlflowArtifactUris
    artifacts: ArtifactService


class MlflowHandler(TrackerHandler):
    status_for_code = MLFLOW_STATUS

    @property
    def api(self) -> MlflowApi:
        tracker = self.tracker
        return MlflowApi(
            tracker.service,
            tracker.registry,
            MlflowCompatService(tracker.service, tracker.registry),
            tracker.service.locations.mlflow_uris,
            tracker.artifacts,
        )

    async def request_fields(self) -> dict:
        if self.request.method != "GET":
            return await self.json_body()
        fields = shapes.QueryFields()
        for name in self.request.query_arguments:
            values = self.get_query_arguments(name)
            fields[name] = values if len(values) > 1 else values[0]
        return fields


Endpoint = Callable[[MlflowApi, Mapping], dict]


def endpoint(**verbs: Endpoint) -> type[MlflowHandler]:
    """A handler class whose verbs (``get=fn``, ``post=fn``, ...) run ``fn(api, fields)``
    off the event loop and write what it returns."""

    def verb(fn: Endpoint):
        @authenticated
        async def handle(self, **path_args):
            fields = await self.request_fields()
            fields.update(path_args)
            self.write_json(await self.run_blocking(fn, self.api, fields))

        return handle

    first = next(iter(verbs.values())).__name__
    name = "Mlflow" + "".join(part.title() for part in first.split("_")) + "Handler"
    return type(name, (MlflowHandler,), {v: verb(fn) for v, fn in verbs.items()})


def _page(key: str, items: list, token: str | None) -> dict:
    return {key: items, "next_page_token": token} if token else {key: items}


# -- experiments -----------------------------------------------------------------------


def create_experiment(api: MlflowApi, fields: Mapping) -> dict:
    experiment_id = api.tracking.create_experiment(
        required_str(fields, "name"),
        artifact_location=optional_str(fields, "artifact_location"),  # confined there
        tags=shapes.key_values(fields, "tags"),
    )
    return {"experiment_id": experiment_id}


def get_experiment(api: MlflowApi, fields: Mapping) -> dict:
    experiment = api.tracking.get_experiment(required_id(fields, "experiment_id"))
    return {"experiment": shapes.experiment(experiment, api.uris)}


def get_experiment_by_name(api: MlflowApi, fields: Mapping) -> dict:
    name = required_str(fields, "experiment_name")
    experiment = api.tracking.experiment_named(name)
    return {"experiment": shapes.experiment(experiment, api.uris)}


def search_experiments(api: MlflowApi, fields: Mapping) -> dict:
    page = api.tracking.search_experiments(
        view_type=one_of(optional_str(fields, "view_type", ACTIVE_ONLY), "view_type", VIEW_TYPES),
        max_results=optional_int(fields, "max_results", SEARCH_RESULTS_DEFAULT, minimum=1),
        filter_string=optional_str(fields, "filter", ""),
        order_by=shapes.repeated(fields, "order_by"),
        page_token=optional_str(fields, "page_token"),
    )
    experiments = [shapes.experiment(e, api.uris) for e in page.items]
    return _page("experiments", experiments, page.next_page_token)


def update_experiment(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.rename_experiment(
        required_id(fields, "experiment_id"), required_str(fields, "new_name")
    )
    return {}


def delete_experiment(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.delete_experiment(required_id(fields, "experiment_id"))
    return {}


def restore_experiment(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.restore_experiment(required_id(fields, "experiment_id"))
    return {}


def set_experiment_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.set_experiment_tag(
        required_id(fields, "experiment_id"),
        required_str(fields, "key"),
        optional_str(fields, "value", ""),
    )
    return {}


def delete_experiment_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.delete_experiment_tag(
        required_id(fields, "experiment_id"), required_str(fields, "key")
    )
    return {}


# -- runs ------------------------------------------------------------------------------


def create_run(api: MlflowApi, fields: Mapping) -> dict:
    run = api.tracking.create_run(
        optional_str(fields, "experiment_id") or DEFAULT_EXPERIMENT_ID,
        user_id=optional_str(fields, "user_id", ""),
        start_time=optional_int(fields, "start_time"),
        tags=shapes.key_values(fields, "tags"),
        run_name=optional_str(fields, "run_name"),
    )
    return {"run": shapes.run(run, api.uris)}


def update_run(api: MlflowApi, fields: Mapping) -> dict:
    info = api.tracking.update_run_info(
        shapes.run_id(fields),
        status=one_of(optional_str(fields, "status"), "status", RUN_STATUSES),
        end_time=optional_int(fields, "end_time"),
        run_name=optional_str(fields, "run_name"),
    )
    return {"run_info": shapes.run_info(info, api.uris)}


def get_run(api: MlflowApi, fields: Mapping) -> dict:
    return {"run": shapes.run(api.tracking.get_run(shapes.run_id(fields)), api.uris)}


def delete_run(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.delete_run(shapes.run_id(fields))
    return {}


def restore_run(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.restore_run(shapes.run_id(fields))
    return {}


def search_runs(api: MlflowApi, fields: Mapping) -> dict:
    page = api.tracking.search_runs(
        shapes.repeated(fields, "experiment_ids", ids=True),
        filter_string=optional_str(fields, "filter", ""),
        run_view_type=one_of(
            optional_str(fields, "run_view_type", ACTIVE_ONLY), "run_view_type", VIEW_TYPES
        ),
        max_results=optional_int(
            fields, "max_results", SEARCH_RESULTS_DEFAULT, minimum=1, maximum=MAX_RESULTS_LIMIT
        ),
        order_by=shapes.repeated(fields, "order_by"),
        page_token=optional_str(fields, "page_token"),
    )
    return _page("runs", [shapes.run(r, api.uris) for r in page.items], page.next_page_token)


def log_metric(api: MlflowApi, fields: Mapping) -> dict:
    run_id, point = shapes.run_id(fields), shapes.mlflow_metric(fields)
    link = shapes.model_metric_link(fields, point, run_id)
    api.compat.log_metric(run_id, point, model_metrics=[link] if link else [])
    return {}


def log_param(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.log_param(shapes.run_id(fields), parse_param(fields))
    return {}


def set_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.set_tag(shapes.run_id(fields), parse_tag(fields))
    return {}


def delete_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.tracking.delete_tag(shapes.run_id(fields), required_str(fields, "key"))
    return {}


def log_batch(api: MlflowApi, fields: Mapping) -> dict:
    run_id = shapes.run_id(fields)
    metrics = entity_list(fields, "metrics", shapes.mlflow_metric, max_items=MAX_METRICS_PER_BATCH)
    api.compat.log_batch(
        run_id,
        metrics=metrics,
        params=entity_list(fields, "params", parse_param, max_items=MAX_PARAMS_PER_BATCH),
        tags=entity_list(fields, "tags", parse_tag, max_items=MAX_TAGS_PER_BATCH),
        model_metrics=shapes.model_metric_links(fields, metrics, run_id),
    )
    return {}


def log_inputs(api: MlflowApi, fields: Mapping) -> dict:
    run_id = shapes.run_id(fields)
    datasets = entity_list(fields, "datasets", shapes.parse_dataset_input)
    models = entity_list(fields, "models", lambda item, where: required_str(item, "model_id"))
    # The run is checked even with no datasets, as MLflow does.
    api.tracking.log_inputs(run_id, datasets)
    if models:
        api.registry.log_run_model_inputs(run_id, models)
    return {}


def log_outputs(api: MlflowApi, fields: Mapping) -> dict:
    run_id = shapes.run_id(fields)
    models = entity_list(fields, "models", shapes.model_output)
    if not models:
        raise shapes.missing_parameter("models")
    api.registry.log_run_outputs(run_id, models)
    return {}


def get_metric_history(api: MlflowApi, fields: Mapping) -> dict:
    page = api.compat.get_metric_history(
        shapes.run_id(fields),
        required_str(fields, "metric_key"),
        max_results=optional_int(fields, "max_results"),
        page_token=optional_str(fields, "page_token"),
    )
    return _page("metrics", [shapes.metric(m) for m in page.items], page.next_page_token)


def _points(points: list) -> list[dict]:
    return [shapes.metric(metric, run_id) for run_id, metric in points]


def get_metric_history_bulk(api: MlflowApi, fields: Mapping) -> dict:
    """``ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=..&run_id=..&metric_key=``."""
    key = optional_str(fields, "metric_key")
    if key is None:
        raise invalid("GetMetricHistoryBulk request must specify a metric_key.")
    points = api.compat.metric_history_bulk(
        shapes.repeated(fields, "run_id"),
        key,
        optional_int(fields, "max_results", MAX_BULK_HISTORY_POINTS, minimum=0),
    )
    return {"metrics": _points(points)}


@gc_paused()  # a chart's 100 runs x 200 points: 20k Metrics, then 20k dicts
def get_metric_history_bulk_interval(api: MlflowApi, fields: Mapping) -> dict:
    # An empty list is a missing field, as in proto3: required_str says so in MLflow's words.
    run_ids = shapes.repeated(fields, "run_ids") or [required_str(fields, "run_ids")]
    points = api.compat.metric_history_bulk_interval(
        run_ids,
        required_str(fields, "metric_key"),
        max_results=optional_int(fields, "max_results", MAX_INTERVAL_POINTS_PER_RUN),
        start_step=optional_int(fields, "start_step"),
        end_step=optional_int(fields, "end_step"),
    )
    return {"metrics": _points(points)} if points else {}


def search_datasets(api: MlflowApi, fields: Mapping) -> dict:
    summaries = api.compat.search_datasets(shapes.repeated(fields, "experiment_ids"))
    return (
        {"dataset_summaries": [shapes.dataset_summary(s) for s in summaries]} if summaries else {}
    )


def list_artifacts(api: MlflowApi, fields: Mapping) -> dict:
    """``artifacts/list``: a run's entries under ``path``, paths relative to the run's
    artifacts. Every entry is on one page, so a ``page_token`` is accepted and unused."""
    run_id = shapes.run_id(fields)
    path = optional_str(fields, "path")
    optional_str(fields, "page_token")
    repository = api.artifacts.repository(RUN_OWNER, run_id)
    files = [shapes.file_info(f) for f in repository.list_artifacts(path)]
    root = {"root_uri": api.uris.to_mlflow(repository.artifact_uri)}
    return {**root, "files": files} if files else root


# -- logged models (MLflow 3) ----------------------------------------------------------


def create_logged_model(api: MlflowApi, fields: Mapping) -> dict:
    model = api.registry.create_logged_model(
        required_id(fields, "experiment_id"),
        optional_str(fields, "name"),  # none or empty: a generated name, as in MLflow
        source_run_id=optional_str(fields, "source_run_id") or None,
        model_type=optional_str(fields, "model_type", ""),
        tags=shapes.key_values(fields, "tags"),
        params=shapes.key_values(fields, "params"),
        as_run_output=False,  # the client logs its outputs itself, with their steps
    )
    return {"model": shapes.logged_model(model, api.uris)}


def log_logged_model_params(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.log_logged_model_params(
        required_str(fields, "model_id"), shapes.key_values(fields, "params")
    )
    return {}


def get_logged_model(api: MlflowApi, fields: Mapping) -> dict:
    model = api.registry.get_logged_model(
        required_str(fields, "model_id"), optional_bool(fields, "allow_deleted")
    )
    return {"model": shapes.logged_model(model, api.uris)}


def finalize_logged_model(api: MlflowApi, fields: Mapping) -> dict:
    model = api.registry.finalize_logged_model(
        required_str(fields, "model_id"), shapes.logged_model_status(fields)
    )
    return {"model": shapes.logged_model(model, api.uris)}


def delete_logged_model(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.delete_logged_model(required_str(fields, "model_id"))
    return {}


def set_logged_model_tags(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.set_logged_model_tags(
        required_str(fields, "model_id"), shapes.key_values(fields, "tags")
    )
    return {}  # MLflow's server answers {} too (its proto has room for the model)


def delete_logged_model_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.delete_logged_model_tag(
        required_str(fields, "model_id"), required_str(fields, "tag_key")
    )
    return {}


def search_logged_models(api: MlflowApi, fields: Mapping) -> dict:
    experiment_ids = shapes.repeated(fields, "experiment_ids", ids=True)
    if not experiment_ids:
        raise shapes.missing_parameter("experiment_ids")
    page = api.registry.search_logged_models(
        experiment_ids,
        filter_string=optional_str(fields, "filter", ""),
        datasets=entity_list(fields, "datasets", shapes.search_dataset),
        # MLflow's server reads a missing max_results as its proto's default, 50.
        max_results=optional_int(fields, "max_results", 50, minimum=1),
        order_by=entity_list(fields, "order_by", shapes.logged_model_order_by),
        page_token=optional_str(fields, "page_token"),
    )
    models = [shapes.logged_model(m, api.uris) for m in page.items]
    return _page("models", models, page.next_page_token)


def list_logged_model_artifacts(api: MlflowApi, fields: Mapping) -> dict:
    """``logged-models/{id}/artifacts/directories``: one level of the model's files."""
    model_id = required_str(fields, "model_id")
    repository = api.artifacts.repository(MODEL_OWNER, model_id)
    files = repository.list_artifacts(optional_str(fields, "artifact_directory_path"))
    return {
        "root_uri": api.uris.to_mlflow(api.registry.get_logged_model(model_id).artifact_uri),
        "files": [shapes.file_info(f) for f in files],
    }


# -- registered models -----------------------------------------------------------------


def _registered_model(api: MlflowApi, name: str) -> dict:
    return {"registered_model": shapes.registered_model(api.registry.get_registered_model(name))}


def create_registered_model(api: MlflowApi, fields: Mapping) -> dict:
    model = api.registry.create_registered_model(
        required_str(fields, "name"),
        description=optional_str(fields, "description", ""),
        tags=shapes.key_values(fields, "tags"),
    )
    return {"registered_model": shapes.registered_model(model)}


def get_registered_model(api: MlflowApi, fields: Mapping) -> dict:
    return _registered_model(api, required_str(fields, "name"))


def rename_registered_model(api: MlflowApi, fields: Mapping) -> dict:
    model = api.registry.rename_registered_model(
        required_str(fields, "name"), required_str(fields, "new_name")
    )
    return {"registered_model": shapes.registered_model(model)}


def update_registered_model(api: MlflowApi, fields: Mapping) -> dict:
    model = api.registry.update_registered_model(
        required_str(fields, "name"), optional_str(fields, "description", "")
    )
    return {"registered_model": shapes.registered_model(model)}


def delete_registered_model(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.delete_registered_model(required_str(fields, "name"))
    return {}


def search_registered_models(api: MlflowApi, fields: Mapping) -> dict:
    page = api.registry.search_registered_models(
        filter_string=optional_str(fields, "filter", ""),
        max_results=optional_int(
            fields, "max_results", REGISTERED_MODEL_RESULTS_DEFAULT, minimum=1
        ),
        order_by=shapes.repeated(fields, "order_by"),
        page_token=optional_str(fields, "page_token"),
    )
    models = [shapes.registered_model(m) for m in page.items]
    return _page("registered_models", models, page.next_page_token)


def get_latest_versions(api: MlflowApi, fields: Mapping) -> dict:
    versions = api.registry.get_latest_versions(
        required_str(fields, "name"), shapes.repeated(fields, "stages")
    )
    return {"model_versions": [shapes.model_version(v) for v in versions]}


def set_registered_model_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.set_registered_model_tag(
        required_str(fields, "name"), required_str(fields, "key"), optional_str(fields, "value", "")
    )
    return {}


def delete_registered_model_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.delete_registered_model_tag(
        required_str(fields, "name"), required_str(fields, "key")
    )
    return {}


def set_alias(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.set_registered_model_alias(
        required_str(fields, "name"), required_str(fields, "alias"), required_id(fields, "version")
    )
    return {}


def delete_alias(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.delete_registered_model_alias(
        required_str(fields, "name"), required_str(fields, "alias")
    )
    return {}


def get_model_version_by_alias(api: MlflowApi, fields: Mapping) -> dict:
    version = api.registry.get_model_version_by_alias(
        required_str(fields, "name"), required_str(fields, "alias")
    )
    return {"model_version": shapes.model_version(version)}


# -- model versions --------------------------------------------------------------------


def _name_and_version(fields: Mapping) -> tuple[str, str]:
    return required_str(fields, "name"), required_id(fields, "version")


def create_model_version(api: MlflowApi, fields: Mapping) -> dict:
    version = api.registry.create_model_version(
        required_str(fields, "name"),
        required_str(fields, "source"),
        run_id=optional_str(fields, "run_id"),  # "" is given, None is not (lineage)
        model_id=optional_str(fields, "model_id"),
        description=optional_str(fields, "description", ""),
        tags=shapes.key_values(fields, "tags"),
    )
    return {"model_version": shapes.model_version(version)}


def get_model_version(api: MlflowApi, fields: Mapping) -> dict:
    version = api.registry.get_model_version(*_name_and_version(fields))
    return {"model_version": shapes.model_version(version)}


def update_model_version(api: MlflowApi, fields: Mapping) -> dict:
    version = api.registry.update_model_version(
        *_name_and_version(fields), optional_str(fields, "description", "")
    )
    return {"model_version": shapes.model_version(version)}


def delete_model_version(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.delete_model_version(*_name_and_version(fields))
    return {}


def transition_model_version_stage(api: MlflowApi, fields: Mapping) -> dict:
    version = api.registry.transition_model_version_stage(
        *_name_and_version(fields),
        required_str(fields, "stage"),
        archive_existing_versions=optional_bool(fields, "archive_existing_versions"),
    )
    return {"model_version": shapes.model_version(version)}


def search_model_versions(api: MlflowApi, fields: Mapping) -> dict:
    page = api.registry.search_model_versions(
        filter_string=optional_str(fields, "filter", ""),
        # MLflow's default is all of them (up to 200,000): here the largest page there is.
        max_results=optional_int(fields, "max_results", MAX_RESULTS_LIMIT, minimum=1),
        order_by=shapes.repeated(fields, "order_by"),
        page_token=optional_str(fields, "page_token"),
    )
    versions = [shapes.model_version(v) for v in page.items]
    return _page("model_versions", versions, page.next_page_token)


def get_model_version_download_uri(api: MlflowApi, fields: Mapping) -> dict:
    uri = api.registry.get_model_version_download_uri(*_name_and_version(fields))
    return {"artifact_uri": api.uris.to_mlflow(uri)}


def set_model_version_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.set_model_version_tag(
        *_name_and_version(fields), required_str(fields, "key"), optional_str(fields, "value", "")
    )
    return {}


def delete_model_version_tag(api: MlflowApi, fields: Mapping) -> dict:
    api.registry.delete_model_version_tag(*_name_and_version(fields), required_str(fields, "key"))
    return {}


# -- server info -----------------------------------------------------------------------


def plain_text(text: str) -> type[TrackerHandler]:
    """A handler answering ``GET`` with ``text``, as MLflow's ``/health`` and ``/version``
    do (200, the bare text), behind Jupyter's authentication like every route here."""

    class PlainTextHandler(TrackerHandler):
        @authenticated
        async def get(self):
            self.finish(text, set_content_type="text/plain; charset=utf-8")

    return PlainTextHandler


def server_info(api: MlflowApi, fields: Mapping) -> dict:
    """What ``mlflow`` probes before multipart uploads and for telemetry."""
    return {
        "store_type": "SqlStore",
        "workspaces_enabled": False,
        "multipart_uploads_enabled": False,
        "multipart_downloads_enabled": False,
    }
