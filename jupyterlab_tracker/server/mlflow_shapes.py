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
    Experiment,
    LoggedModel,
    Metric,
    ModelVersion,
    RegisteredModel,
    Run,
    RunInfo,
    RunTag,
)
from ..errors import invalid
from .request_parsing import (
    entity_list,
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


def run(r: Run, uris: MlflowArtifactUris) -> dict:
    return {
        "info": run_info(r.info, uris),
        "data": {
            "metrics": [metric(m) for m in r.data.metrics.values()],
            "params": key_value_list(r.data.params),
            "tags": key_value_list(r.data.tags),
        },
        "inputs": {"dataset_inputs": [dataset_input(i) for i in r.inputs]},
    }


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
    return {"info": _compact(info), "data": {"params": key_value_list(model.params)}}


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


def logged_model_status(fields: Mapping) -> str | None:
    status = optional_str(fields, "status")
    if status is None:
        return None
    if status not in LOGGED_MODEL_STATUS_FROM_MLFLOW:
        raise invalid(
            f"Invalid status {status!r}; use one of {list(LOGGED_MODEL_STATUS_FROM_MLFLOW)}"
        )
    return LOGGED_MODEL_STATUS_FROM_MLFLOW[status]
