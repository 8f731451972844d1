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
    Metric,
    ModelVersion,
    RegisteredModel,
    Run,
    RunInfo,
)
from ..errors import invalid
from .request_parsing import entity_list, optional_str, parse_dataset, parse_tag, required_str

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
    """MLflow's ``[{key, value}]`` list (tags, params) as a dict."""
    return {tag.key: tag.value for tag in entity_list(fields, name, parse_tag, where=where)}


def repeated(fields: Mapping, name: str) -> list[str]:
    """A list field: a JSON list, or a query argument given once (str) or repeated (list)."""
    value = fields.get(name)
    if value is None:
        return []
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [str(v) for v in value]
    raise invalid(f"Invalid value {value!r} for '{name}': expected a list of strings")


def run_id(fields: Mapping) -> str:
    """``run_id``, or ``run_uuid`` as older clients send it."""
    return optional_str(fields, "run_id") or required_str(fields, "run_uuid")


def parse_dataset_input(item: Mapping, where: str = "") -> DatasetInput:
    dataset = item.get("dataset")
    if not isinstance(dataset, dict):
        raise invalid(f"Invalid value {dataset!r} for '{where}dataset': expected an object")
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
