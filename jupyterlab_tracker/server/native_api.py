"""The native JSON API (``<base_url>tracker/api/...``) the lab frontend and the client use.

Each handler reads its fields with ``request_parsing``, makes one service call off the
event loop (``run_blocking``) and writes entities with ``to_dict``: a user action of
several steps is one service method (one transaction), never a sequence of calls here.
Errors are mapped to HTTP once, in ``TrackerHandler``. ``openapi.json`` beside this file
documents every route.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from tornado.web import authenticated

from ..domain.limits import (
    MAX_METRICS_PER_BATCH,
    MAX_PARAMS_PER_BATCH,
    MAX_TAGS_PER_ACTION,
    MAX_TAGS_PER_BATCH,
    SEARCH_RESULTS_DEFAULT,
)
from ..entities import ACTIVE_ONLY, RUN_STATUSES, VIEW_TYPES
from ..service.cleanup import CleanupService
from .handlers import TrackerHandler
from .request_parsing import (
    entity_list,
    one_of,
    optional_bool,
    optional_int,
    optional_str,
    parse_dataset_input,
    parse_metric,
    parse_param,
    parse_tag,
    query_args,
    required_id,
    required_str,
    str_dict,
    str_list,
)

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


class VersionHandler(TrackerHandler):
    @authenticated
    async def get(self):
        self.write_json(self.tracker.describe())


class OpenAPIHandler(TrackerHandler):
    @authenticated
    async def get(self):
        self.write_json(openapi_document())


@cache
def openapi_document() -> dict:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


# -- experiments -----------------------------------------------------------------------


class ExperimentsHandler(TrackerHandler):
    @authenticated
    async def get(self):
        query = query_args(self)
        page = await self.run_blocking(
            self.service.search_experiments,
            view_type=one_of(query.get("view_type", ACTIVE_ONLY), "view_type", VIEW_TYPES),
            max_results=optional_int(query, "max_results", SEARCH_RESULTS_DEFAULT, minimum=1),
            filter_string=optional_str(query, "filter", ""),
            order_by=self.get_query_arguments("order_by"),
            page_token=optional_str(query, "page_token"),
        )
        self.write_json(
            {
                "experiments": [e.to_dict() for e in page.items],
                "next_page_token": page.next_page_token,
            }
        )

    @authenticated
    async def post(self):
        body = await self.json_body()
        experiment = await self.run_blocking(
            self.service.new_experiment,
            required_str(body, "name"),
            artifact_location=optional_str(body, "artifact_location"),
            tags=str_dict(body, "tags"),
        )
        self.write_json({"experiment": experiment.to_dict()}, status=201)


class ExperimentByNameHandler(TrackerHandler):
    @authenticated
    async def get(self):
        name = required_str(query_args(self), "name")
        experiment = await self.run_blocking(self.service.experiment_named, name)
        self.write_json({"experiment": experiment.to_dict()})


class ExperimentHandler(TrackerHandler):
    @authenticated
    async def get(self, experiment_id: str):
        experiment = await self.run_blocking(self.service.get_experiment, experiment_id)
        self.write_json({"experiment": experiment.to_dict()})

    @authenticated
    async def patch(self, experiment_id: str):
        new_name = required_str(await self.json_body(), "name")
        experiment = await self.run_blocking(
            self.service.renamed_experiment, experiment_id, new_name
        )
        self.write_json({"experiment": experiment.to_dict()})

    @authenticated
    async def delete(self, experiment_id: str):
        await self.run_blocking(self.service.delete_experiment, experiment_id)
        self.write_json({})


class ExperimentRestoreHandler(TrackerHandler):
    @authenticated
    async def post(self, experiment_id: str):
        experiment = await self.run_blocking(self.service.restored_experiment, experiment_id)
        self.write_json({"experiment": experiment.to_dict()})


class ExperimentTagsHandler(TrackerHandler):
    @authenticated
    async def put(self, experiment_id: str):
        body = await self.json_body()
        key, value = required_str(body, "key"), optional_str(body, "value", "")
        await self.run_blocking(self.service.set_experiment_tag, experiment_id, key, value)
        self.write_json({})

    @authenticated
    async def delete(self, experiment_id: str):
        key = required_str(query_args(self), "key")
        await self.run_blocking(self.service.delete_experiment_tag, experiment_id, key)
        self.write_json({})


# -- runs ------------------------------------------------------------------------------


class RunsHandler(TrackerHandler):
    @authenticated
    async def post(self):
        body = await self.json_body()
        run = await self.run_blocking(
            self.service.create_run,
            required_id(body, "experiment_id"),
            user_id=optional_str(body, "user_id", ""),
            start_time=optional_int(body, "start_time"),
            tags=str_dict(body, "tags"),
            run_name=optional_str(body, "run_name"),
            heartbeat=optional_bool(body, "heartbeat"),
        )
        self.write_json({"run": run.to_dict()}, status=201)


class RunSearchHandler(TrackerHandler):
    @authenticated
    async def post(self):
        body = await self.json_body()
        page = await self.run_blocking(
            self.service.search_runs,
            str_list(body.get("experiment_ids"), "experiment_ids"),
            filter_string=optional_str(body, "filter", ""),
            run_view_type=one_of(
                optional_str(body, "run_view_type", ACTIVE_ONLY), "run_view_type", VIEW_TYPES
            ),
            max_results=optional_int(body, "max_results", SEARCH_RESULTS_DEFAULT, minimum=1),
            order_by=str_list(body.get("order_by"), "order_by"),
            page_token=optional_str(body, "page_token"),
        )
        self.write_json(
            {"runs": [r.to_dict() for r in page.items], "next_page_token": page.next_page_token}
        )


class RunKeysHandler(TrackerHandler):
    @authenticated
    async def get(self):
        experiment_ids = self.get_query_arguments("experiment_ids")
        self.write_json(await self.run_blocking(self.service.list_run_keys, experiment_ids))


class RunHandler(TrackerHandler):
    @authenticated
    async def get(self, run_id: str):
        run = await self.run_blocking(self.service.get_run, run_id)
        self.write_json({"run": run.to_dict()})

    @authenticated
    async def patch(self, run_id: str):
        body = await self.json_body()
        run_info = await self.run_blocking(
            self.service.update_run_info,
            run_id,
            status=one_of(optional_str(body, "status"), "status", RUN_STATUSES),
            end_time=optional_int(body, "end_time"),
            run_name=optional_str(body, "run_name"),
        )
        self.write_json({"run_info": run_info.to_dict()})

    @authenticated
    async def delete(self, run_id: str):
        await self.run_blocking(self.service.delete_run, run_id)
        self.write_json({})


class RunRestoreHandler(TrackerHandler):
    @authenticated
    async def post(self, run_id: str):
        await self.run_blocking(self.service.restore_run, run_id)
        self.write_json({})


class RunHeartbeatsHandler(TrackerHandler):
    @authenticated
    async def post(self):
        # The service checks that this is a list of run ids.
        body = await self.json_body()
        stopped = await self.run_blocking(self.service.heartbeat, body.get("run_ids"))
        self.write_json({"stopped_run_ids": stopped})


class RunBatchHandler(TrackerHandler):
    @authenticated
    async def post(self, run_id: str):
        body = await self.json_body()
        await self.run_blocking(
            self.service.log_batch,
            run_id,
            metrics=entity_list(body, "metrics", parse_metric, max_items=MAX_METRICS_PER_BATCH),
            params=entity_list(body, "params", parse_param, max_items=MAX_PARAMS_PER_BATCH),
            tags=entity_list(body, "tags", parse_tag, max_items=MAX_TAGS_PER_BATCH),
            batch_id=optional_str(body, "batch_id"),
        )
        self.write_json({})


class RunTagsHandler(TrackerHandler):
    @authenticated
    async def put(self, run_id: str):
        tag = parse_tag(await self.json_body())
        await self.run_blocking(self.service.log_batch, run_id, tags=[tag])
        self.write_json({})

    @authenticated
    async def delete(self, run_id: str):
        key = required_str(query_args(self), "key")
        await self.run_blocking(self.service.delete_tag, run_id, key)
        self.write_json({})


class RunInputsHandler(TrackerHandler):
    @authenticated
    async def post(self, run_id: str):
        datasets = entity_list(await self.json_body(), "datasets", parse_dataset_input)
        await self.run_blocking(self.service.log_inputs, run_id, datasets)
        self.write_json({})


class MetricHistoryHandler(TrackerHandler):
    """The full history page by page, or with ``max_points`` a downsampled overview."""

    @authenticated
    async def get(self, run_id: str):
        query = query_args(self)
        key = required_str(query, "key")
        max_points = optional_int(query, "max_points", minimum=1)
        if max_points is not None:
            metrics, sampled = await self.run_blocking(
                self.service.metric_overview, run_id, key, max_points
            )
            overview = {"metrics": [m.to_dict() for m in metrics], "sampled": sampled}
            self.write_json(overview, finite=True)
            return
        page = await self.run_blocking(
            self.service.get_metric_history,
            run_id,
            key,
            max_results=optional_int(query, "max_results", minimum=1),
            page_token=optional_str(query, "page_token"),
        )
        # Metric.to_dict already spells NaN/Infinity as strings: no need to walk 100k points.
        metrics = [m.to_dict() for m in page.items]
        self.write_json({"metrics": metrics, "next_page_token": page.next_page_token}, finite=True)


# -- run actions, storage and permanent deletion ----------------------------------------


class RunsBatchUpdateHandler(TrackerHandler):
    """One action (delete, restore, set_tags, delete_tags) on many runs in one request."""

    @authenticated
    async def post(self):
        body = await self.json_body()
        outcome = await self.run_blocking(
            self.service.update_runs,
            str_list(body.get("run_ids"), "run_ids"),
            required_str(body, "action"),
            tags=entity_list(body, "tags", parse_tag, max_items=MAX_TAGS_PER_ACTION),
            keys=str_list(body.get("keys"), "keys"),
        )
        self.write_json(outcome.to_dict())


class CleanupHandler(TrackerHandler):
    @property
    def cleanup(self) -> CleanupService:
        return CleanupService(self.service)


class RunStorageHandler(CleanupHandler):
    @authenticated
    async def get(self, run_id: str):
        report = await self.run_blocking(self.cleanup.run_storage, run_id)
        self.write_json(report.to_dict())


class ExperimentStorageHandler(CleanupHandler):
    @authenticated
    async def get(self, experiment_id: str):
        query = query_args(self)
        report = await self.run_blocking(
            self.cleanup.experiment_storage,
            experiment_id,
            one_of(query.get("view_type", ACTIVE_ONLY), "view_type", VIEW_TYPES),
        )
        self.write_json(report.to_dict(per_run=optional_bool(query, "per_run", True)))


class PurgeHandler(CleanupHandler):
    """Permanent deletion of named deleted runs and experiments (``dry_run``: what it
    would free). Over HTTP the ids are always named: "everything deleted" is the CLI's."""

    @authenticated
    async def post(self):
        body = await self.json_body()
        report = await self.run_blocking(
            self.cleanup.purge,
            str_list(body.get("run_ids"), "run_ids"),
            str_list(body.get("experiment_ids"), "experiment_ids"),
            optional_str(body, "older_than"),
            dry_run=optional_bool(body, "dry_run"),
        )
        self.write_json(report.to_dict())
