"""MLflow's REST JSON shapes: our entities out, MLflow request fields in.

MLflow speaks proto3 JSON: proto field names, ``[{key, value}]`` lists instead of
objects, enums by name, int64 as numbers, fields without a value left out. Artifact
locations leave as ``mlflow-artifacts:`` URIs (``MlflowArtifactUris``) so the official
client uploads through our artifact proxy.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..artifacts.mlflow_uris import MlflowArtifactUris
from ..entities import (
    DatasetInput,
    DatasetSummary,
    Experiment,
    FileInfo,
    LoggedModel,
    LoggedModelMetric,
    Metric,
    ModelOutput,
    ModelVersion,
    RegisteredModel,
    Run,
    RunInfo,
    RunTag,
)
from ..errors import TrackerError, invalid, preview
from ..search import LoggedModelOrderBy, parse_logged_model_order_field
from .request_parsing import (
    entity_list,
    optional_bool,
    optional_int,
    optional_str,
    parse_dataset,
    parse_metric,
    required_str,
    wrong_type,
)

# Logged model statuses: ours -> MLflow's enum names.
LOGGED_MODEL_STATUS = {
    "PENDING": "LOGGED_MODEL_PENDING",
    "READY": "LOGGED_MODEL_READY",
    "FAILED": "LOGGED_MODEL_UPLOAD_FAILED",
}
LOGGED_MODEL_STATUS_FROM_MLFLOW = {v: k for k, v in LOGGED_MODEL_STATUS.items()}
# The enum's numbers, which MLflow's JSON parser takes as well as its names.
LOGGED_MODEL_STATUS_NUMBERS = {
    1: "LOGGED_MODEL_PENDING",
    2: "LOGGED_MODEL_READY",
    3: "LOGGED_MODEL_UPLOAD_FAILED",
}


def _compact(fields: dict) -> dict:
    """Proto3 JSON leaves unset fields out."""
    return {k: v for k, v in fields.items() if v is not None}


def key_value_list(pairs: Mapping[str, str]) -> list[dict]:
    return [{"key": k, "value": v} for k, v in pairs.items()]


# -- out -------------------------------------------------------------------------------


def experiment(e: Experiment, uris: MlflowArtifactUris) -> dict:
    return _compact(
        {
            "experiment_id": e.experiment_id,
            "name": e.name,
            "artifact_location": uris.to_mlflow(e.artifact_location),
            "lifecycle_stage": e.lifecycle_stage,
            "creation_time": e.creation_time,
            "last_update_time": e.last_update_time,
            "tags": key_value_list(e.tags),
        }
    )


def metric(m: Metric, run_id: str | None = None) -> dict:
    return _compact(
        {"key": m.key, "value": m.value, "timestamp": m.timestamp, "step": m.step, "run_id": run_id}
    )


def run_info(info: RunInfo, uris: MlflowArtifactUris) -> dict:
    return _compact(
        {
            "run_id": info.run_id,
            "run_uuid": info.run_id,  # deprecated alias older clients still read
            "run_name": info.run_name,
            "experiment_id": info.experiment_id,
            "user_id": info.user_id,
            "status": info.status,
            "start_time": info.start_time,
            "end_time": info.end_time,
            "artifact_uri": uris.to_mlflow(info.artifact_uri),
            "lifecycle_stage": info.lifecycle_stage,
        }
    )


def dataset_input(item: DatasetInput) -> dict:
    return {"tags": key_value_list(item.tags), "dataset": _compact(item.dataset.to_dict())}


def dataset_summary(summary: DatasetSummary) -> dict:
    return _compact(
        {
            "experiment_id": summary.experiment_id,
            "name": summary.name,
            "digest": summary.digest,
            "context": summary.context,
        }
    )


def file_info(info: FileInfo) -> dict:
    return _compact(info.to_dict())


def run(r: Run, uris: MlflowArtifactUris) -> dict:
    inputs = {"dataset_inputs": [dataset_input(i) for i in r.inputs]}
    if r.model_inputs:
        inputs["model_inputs"] = [{"model_id": model_id} for model_id in r.model_inputs]
    shape = {
        "info": run_info(r.info, uris),
        "data": {
            "metrics": [metric(m) for m in r.data.latest_metrics.values()],
            "params": key_value_list(r.data.params),
            "tags": key_value_list(r.data.tags),
        },
        "inputs": inputs,
    }
    if r.outputs:
        shape["outputs"] = {
            "model_outputs": [{"model_id": o.model_id, "step": o.step} for o in r.outputs]
        }
    return shape


def logged_model_metric(point: LoggedModelMetric) -> dict:
    return _compact(
        {
            "key": point.key,
            "value": point.value,
            "timestamp": point.timestamp,
            "step": point.step,
            "dataset_name": point.dataset_name,
            "dataset_digest": point.dataset_digest,
            "model_id": point.model_id,
            "run_id": point.run_id,
        }
    )


def logged_model(model: LoggedModel, uris: MlflowArtifactUris) -> dict:
    info = {
        "model_id": model.model_id,
        "experiment_id": model.experiment_id,
        "name": model.name,
        "creation_timestamp_ms": model.creation_timestamp,
        "last_updated_timestamp_ms": model.last_updated_timestamp,
        "artifact_uri": uris.to_mlflow(model.artifact_uri),
        "status": LOGGED_MODEL_STATUS.get(model.status, model.status),
        "model_type": model.model_type or None,
        "source_run_id": model.source_run_id,
        "tags": key_value_list(model.tags),
    }
    data = {
        "params": key_value_list(model.params),
        "metrics": [logged_model_metric(point) for point in model.metrics],
    }
    return {"info": _compact(info), "data": data}


def model_version(v: ModelVersion) -> dict:
    return _compact(
        {
            "name": v.name,
            "version": v.version,
            "creation_timestamp": v.creation_timestamp,
            "last_updated_timestamp": v.last_updated_timestamp,
            "current_stage": v.current_stage,
            "description": v.description,
            "source": v.source,
            "run_id": v.run_id,
            "model_id": v.model_id,
            "status": v.status,
            "tags": key_value_list(v.tags),
            "aliases": list(v.aliases),
        }
    )


def registered_model(model: RegisteredModel) -> dict:
    return _compact(
        {
            "name": model.name,
            "creation_timestamp": model.creation_timestamp,
            "last_updated_timestamp": model.last_updated_timestamp,
            "description": model.description,
            "latest_versions": [model_version(v) for v in model.latest_versions],
            "tags": key_value_list(model.tags),
            "aliases": [{"alias": a, "version": v} for a, v in model.aliases.items()],
        }
    )


# -- in --------------------------------------------------------------------------------


def key_values(fields: Mapping, name: str, *, where: str = "") -> dict[str, str]:
    """MLflow's ``[{key, value}]`` list (tags, params) as a dict. A missing key is an empty
    one, as proto3 reads it, which the service then refuses as MLflow's store does."""
    return {tag.key: tag.value for tag in entity_list(fields, name, _key_value, where=where)}


def _key_value(item: Mapping, where: str) -> RunTag:
    return RunTag(
        optional_str(item, "key", "", where=where), optional_str(item, "value", "", where=where)
    )


class QueryFields(dict):
    """The fields of a GET request, from its query string: a list field given once is a
    single string there (a JSON body must send a list)."""


def repeated(fields: Mapping, name: str, *, ids: bool = False) -> list[str]:
    """A list field: a JSON list of strings, or a query argument given once (str) or
    repeated (list). ``ids``: numbers are taken as ids too (``"experiment_ids": [1]``)."""
    value = fields.get(name)
    if value is None:
        return []
    if isinstance(value, str) and isinstance(fields, QueryFields):
        return [value]
    allowed = (str, int) if ids else str
    if isinstance(value, list) and all(
        isinstance(v, allowed) and not isinstance(v, bool) for v in value
    ):
        return [str(v) for v in value]
    raise wrong_type(name, value)


def run_id(fields: Mapping) -> str:
    """``run_id``, or ``run_uuid`` as older clients send it when there is no ``run_id``."""
    value = fields.get("run_id")
    if value is None:
        value = fields.get("run_uuid")
    return required_str({"run_id": value}, "run_id")


def mlflow_metric(item: Mapping, where: str = "") -> Metric:
    """A metric of MLflow's API, where ``timestamp`` is required."""
    return parse_metric(item, where, timestamp_required=True)


def parse_dataset_input(item: Mapping, where: str = "") -> DatasetInput:
    dataset = item.get("dataset")
    if not isinstance(dataset, dict):
        raise wrong_type(f"{where}dataset", dataset)
    return DatasetInput(
        dataset=parse_dataset(dataset, f"{where}dataset."),
        tags=key_values(item, "tags", where=where),
    )


def missing_parameter(name: str) -> TrackerError:
    """MLflow's answer for a required field left out."""
    return invalid(
        f"Missing value for required parameter '{name}'. See the API docs for more "
        "information about request parameters."
    )


def logged_model_status(fields: Mapping) -> str:
    """A finalize request's required ``status``: MLflow's enum by name or by number."""
    status = fields.get("status")
    if status is None or status == "":
        raise missing_parameter("status")
    if isinstance(status, int) and not isinstance(status, bool):
        status = LOGGED_MODEL_STATUS_NUMBERS.get(status, status)
    if not isinstance(status, str) or status not in LOGGED_MODEL_STATUS_FROM_MLFLOW:
        raise invalid(
            f"Invalid status {preview(status)}; use one of {list(LOGGED_MODEL_STATUS_FROM_MLFLOW)}"
        )
    return LOGGED_MODEL_STATUS_FROM_MLFLOW[status]


def model_metric_link(
    item: Mapping, point: Metric, run_id: str, where: str = ""
) -> LoggedModelMetric | None:
    """The link of a metric point (``item`` parsed as ``point``) to a logged model, if
    ``item`` names one (``model_id``, with ``dataset_name`` and ``dataset_digest``)."""
    model_id = optional_str(item, "model_id", where=where)
    if not model_id:
        return None
    return LoggedModelMetric(
        point.key,
        point.value,
        point.timestamp,
        point.step,
        run_id,
        model_id,
        optional_str(item, "dataset_name", where=where) or None,
        optional_str(item, "dataset_digest", where=where) or None,
    )


def model_metric_links(fields: Mapping, points: list[Metric], run_id: str) -> list:
    """The links of a ``log-batch``'s points (``points`` parsed from ``fields["metrics"]``,
    so each item is an object): one dict lookup per point when none names a model."""
    items = fields.get("metrics") or []
    linked = [i for i, item in enumerate(items) if item.get("model_id") is not None]
    links = (model_metric_link(items[i], points[i], run_id, f"metrics[{i}].") for i in linked)
    return [link for link in links if link is not None]


def model_output(item: Mapping, where: str = "") -> ModelOutput:
    return ModelOutput(
        required_str(item, "model_id", where=where), optional_int(item, "step", 0, where=where)
    )


def search_dataset(item: Mapping, where: str = "") -> tuple[str, str | None]:
    """One of a logged-model search's ``datasets``: (name, digest or None)."""
    return (
        optional_str(item, "dataset_name", "", where=where),
        optional_str(item, "dataset_digest", where=where) or None,
    )


def logged_model_order_by(item: Mapping, where: str = "") -> LoggedModelOrderBy:
    """One of a logged-model search's ``order_by`` objects."""
    kind, key = parse_logged_model_order_field(optional_str(item, "field_name", "", where=where))
    return LoggedModelOrderBy(
        kind,
        key,
        ascending=optional_bool(item, "ascending", True, where=where),
        dataset_name=optional_str(item, "dataset_name", where=where) or None,
        dataset_digest=optional_str(item, "dataset_digest", where=where) or None,
    )
