"""Domain entities shared by every layer (stdlib only).

The store returns these (never ORM rows); the server serialises them with ``to_dict``
(the native JSON API's shapes); the HTTP client rebuilds them with ``from_dict``.
Times are integer milliseconds since the epoch, as in MLflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

ACTIVE = "active"
DELETED = "deleted"
LIFECYCLE_STAGES = (ACTIVE, DELETED)

RUN_STATUSES = ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")
TERMINAL_STATUSES = ("FINISHED", "FAILED", "KILLED")

# view_type / run_view_type values, as MLflow spells them.
ACTIVE_ONLY = "ACTIVE_ONLY"
DELETED_ONLY = "DELETED_ONLY"
ALL = "ALL"
VIEW_TYPES = (ACTIVE_ONLY, DELETED_ONLY, ALL)
# MLflow's ViewType numbers (mlflow.entities.ViewType), which TrackerClient also takes.
VIEW_TYPE_NUMBERS = {1: ACTIVE_ONLY, 2: DELETED_ONLY, 3: ALL}
ACTIVE_ONLY_NUMBER = 1


def view_type_name(view_type: int | str) -> str:
    """``view_type`` as jt spells it (a name) when it is one of MLflow's ViewType numbers;
    anything else as given, for the service's validation to judge."""
    if isinstance(view_type, str):
        return view_type
    if isinstance(view_type, bool):  # an int to Python, but no view type
        return str(view_type)
    return VIEW_TYPE_NUMBERS.get(view_type, str(view_type))


DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"


def float_to_json(value: float) -> float | str:
    """JSON has no NaN/Infinity: send them as MLflow does, as strings."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def float_from_json(value: float | int | str) -> float:
    """Accept numbers and MLflow's "NaN" / "Infinity" / "-Infinity" strings."""
    return float(value)


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a listing; ``next_page_token`` is None on the last page.

    List-like, as MLflow's ``PagedList`` is: ``len(page)``, ``for item in page``,
    ``page[0]`` and ``page.token`` (MLflow's name for the next page's token)."""

    items: list[T]
    next_page_token: str | None = None

    @property
    def token(self) -> str | None:
        return self.next_page_token

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, index):
        return self.items[index]


@dataclass(slots=True)
class Experiment:
    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: str = ACTIVE
    creation_time: int | None = None
    last_update_time: int | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "experiment_id": self.experiment_id,
            "name": self.name,
            "artifact_location": self.artifact_location,
            "lifecycle_stage": self.lifecycle_stage,
            "creation_time": self.creation_time,
            "last_update_time": self.last_update_time,
            "tags": dict(self.tags),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Experiment:
        return cls(
            experiment_id=str(d["experiment_id"]),
            name=d["name"],
            artifact_location=d.get("artifact_location", ""),
            lifecycle_stage=d.get("lifecycle_stage", ACTIVE),
            creation_time=d.get("creation_time"),
            last_update_time=d.get("last_update_time"),
            tags=dict(d.get("tags") or {}),
        )


@dataclass(slots=True)
class Metric:
    key: str
    value: float
    timestamp: int
    step: int = 0

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "value": float_to_json(self.value),
            "timestamp": self.timestamp,
            "step": self.step,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Metric:
        return cls(
            key=d["key"],
            value=float_from_json(d["value"]),
            timestamp=int(d.get("timestamp") or 0),
            step=int(d.get("step") or 0),
        )


@dataclass(slots=True)
class Param:
    key: str
    value: str

    def to_dict(self) -> dict:
        return {"key": self.key, "value": self.value}

    @classmethod
    def from_dict(cls, d: dict) -> Param:
        return cls(key=d["key"], value=str(d.get("value", "")))


@dataclass(slots=True)
class RunTag:
    key: str
    value: str

    def to_dict(self) -> dict:
        return {"key": self.key, "value": self.value}

    @classmethod
    def from_dict(cls, d: dict) -> RunTag:
        return cls(key=d["key"], value=str(d.get("value", "")))


@dataclass(slots=True)
class Dataset:
    name: str
    digest: str
    source_type: str = ""
    source: str = ""
    schema: str = ""
    profile: str = ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "digest": self.digest,
            "source_type": self.source_type,
            "source": self.source,
            "schema": self.schema,
            "profile": self.profile,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Dataset:
        return cls(
            name=d["name"],
            digest=d["digest"],
            source_type=d.get("source_type", "") or "",
            source=d.get("source", "") or "",
            schema=d.get("schema", "") or "",
            profile=d.get("profile", "") or "",
        )


@dataclass(slots=True)
class DatasetInput:
    """A dataset used by a run; ``tags`` carries e.g. ``mlflow.data.context``."""

    dataset: Dataset
    tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"dataset": self.dataset.to_dict(), "tags": dict(self.tags)}

    @classmethod
    def from_dict(cls, d: dict) -> DatasetInput:
        return cls(dataset=Dataset.from_dict(d["dataset"]), tags=dict(d.get("tags") or {}))


@dataclass(slots=True, frozen=True)
class DatasetSummary:
    """A dataset some run of an experiment used, with the context it was used in
    (the ``mlflow.data.context`` tag of that input; None without one)."""

    experiment_id: str
    name: str
    digest: str
    context: str | None = None


@dataclass(slots=True)
class RunInfo:
    run_id: str
    experiment_id: str
    run_name: str
    user_id: str
    status: str
    start_time: int | None
    end_time: int | None
    lifecycle_stage: str
    artifact_uri: str

    def to_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "experiment_id": self.experiment_id,
            "run_name": self.run_name,
            "user_id": self.user_id,
            "status": self.status,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "lifecycle_stage": self.lifecycle_stage,
            "artifact_uri": self.artifact_uri,
        }

    @classmethod
    def from_dict(cls, d: dict) -> RunInfo:
        return cls(
            run_id=d["run_id"],
            experiment_id=str(d["experiment_id"]),
            run_name=d.get("run_name", ""),
            user_id=d.get("user_id", ""),
            status=d.get("status", "RUNNING"),
            start_time=d.get("start_time"),
            end_time=d.get("end_time"),
            lifecycle_stage=d.get("lifecycle_stage", ACTIVE),
            artifact_uri=d.get("artifact_uri", ""),
        )


@dataclass(slots=True)
class RunData:
    """``latest_metrics`` holds the latest point per key (the one search and sort use);
    ``metrics`` is MLflow's view of it, ``{key: value}`` (``mlflow.entities.RunData``)."""

    latest_metrics: dict[str, Metric] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, float]:
        return {key: point.value for key, point in self.latest_metrics.items()}

    def to_dict(self) -> dict:
        return {
            "metrics": {k: m.to_dict() for k, m in self.latest_metrics.items()},
            "params": dict(self.params),
            "tags": dict(self.tags),
        }

    @classmethod
    def from_dict(cls, d: dict) -> RunData:
        return cls(
            latest_metrics={k: Metric.from_dict(m) for k, m in (d.get("metrics") or {}).items()},
            params=dict(d.get("params") or {}),
            tags=dict(d.get("tags") or {}),
        )


@dataclass(slots=True)
class ModelOutput:
    """A logged model a run produced, at a step of the run (MLflow's run outputs)."""

    model_id: str
    step: int = 0


@dataclass(slots=True)
class Run:
    """``outputs``: the logged models the run produced; ``model_inputs``: ids of the logged
    models it used (MLflow's ``run.inputs.model_inputs``; only ``get_run`` fills them, as
    MLflow's store does). Neither is in the native API's shape."""

    info: RunInfo
    data: RunData = field(default_factory=RunData)
    inputs: list[DatasetInput] = field(default_factory=list)
    outputs: list[ModelOutput] = field(default_factory=list)
    model_inputs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "info": self.info.to_dict(),
            "data": self.data.to_dict(),
            "inputs": [i.to_dict() for i in self.inputs],
        }

    @classmethod
    def from_dict(cls, d: dict) -> Run:
        return cls(
            info=RunInfo.from_dict(d["info"]),
            data=RunData.from_dict(d.get("data") or {}),
            inputs=[DatasetInput.from_dict(i) for i in d.get("inputs") or []],
        )


# -- artifacts, logged models and the model registry ----------------------------------

LOGGED_MODEL_STATUSES = ("PENDING", "READY", "FAILED")
MODEL_VERSION_STATUSES = ("PENDING_REGISTRATION", "FAILED_REGISTRATION", "READY")
# Model version stages, as MLflow spells them ("None" is a stage name, not a null).
STAGE_NONE, STAGE_STAGING, STAGE_PRODUCTION, STAGE_ARCHIVED = (
    "None",
    "Staging",
    "Production",
    "Archived",
)
MODEL_VERSION_STAGES = (STAGE_NONE, STAGE_STAGING, STAGE_PRODUCTION, STAGE_ARCHIVED)


@dataclass(slots=True, frozen=True)
class RunPlace:
    """Where a run is and in which stage: what run actions and clean-up decide by."""

    run_id: str
    experiment_id: str
    lifecycle_stage: str
    artifact_uri: str
    deleted_time: int | None = None


@dataclass(slots=True, frozen=True)
class ArtifactOwnerPlace:
    """A logged model's artifact location (what an experiment's clean-up also removes)."""

    model_id: str
    artifact_uri: str


@dataclass(slots=True)
class FileInfo:
    """One entry of an artifact listing; ``path`` is relative to the artifact root."""

    path: str
    is_dir: bool
    file_size: int | None = None

    def to_dict(self) -> dict:
        return {"path": self.path, "is_dir": self.is_dir, "file_size": self.file_size}

    @classmethod
    def from_dict(cls, d: dict) -> FileInfo:
        return cls(path=d["path"], is_dir=bool(d.get("is_dir")), file_size=d.get("file_size"))


@dataclass(slots=True)
class LoggedModelMetric:
    """A metric point of a run linked to a logged model (``model_id`` on MLflow's metrics),
    optionally computed on a dataset (its name and digest)."""

    key: str
    value: float
    timestamp: int
    step: int
    run_id: str
    model_id: str
    dataset_name: str | None = None
    dataset_digest: str | None = None

    def to_dict(self) -> dict:
        return {
            **Metric(self.key, self.value, self.timestamp, self.step).to_dict(),
            "run_id": self.run_id,
            "model_id": self.model_id,
            "dataset_name": self.dataset_name,
            "dataset_digest": self.dataset_digest,
        }

    @classmethod
    def from_dict(cls, d: dict) -> LoggedModelMetric:
        point = Metric.from_dict(d)
        return cls(
            point.key,
            point.value,
            point.timestamp,
            point.step,
            run_id=d["run_id"],
            model_id=d["model_id"],
            dataset_name=d.get("dataset_name"),
            dataset_digest=d.get("dataset_digest"),
        )


@dataclass(slots=True)
class LoggedModel:
    """A model logged by a run (MLflow 3): its own id, artifacts and lifecycle status.

    ``metrics``: every point linked to the model, in logging order. A deleted model
    (``lifecycle_stage`` deleted) is found only when asked for explicitly."""

    model_id: str
    experiment_id: str
    name: str
    artifact_uri: str
    status: str = "PENDING"
    source_run_id: str | None = None
    model_type: str = ""
    creation_timestamp: int | None = None
    last_updated_timestamp: int | None = None
    tags: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    metrics: list[LoggedModelMetric] = field(default_factory=list)
    lifecycle_stage: str = ACTIVE

    @property
    def model_uri(self) -> str:
        """``models:/<model_id>``: what loads or registers this model (as MLflow's)."""
        return f"models:/{self.model_id}"

    def to_dict(self) -> dict:
        return {
            "model_id": self.model_id,
            "experiment_id": self.experiment_id,
            "name": self.name,
            "artifact_uri": self.artifact_uri,
            "status": self.status,
            "source_run_id": self.source_run_id,
            "model_type": self.model_type,
            "creation_timestamp": self.creation_timestamp,
            "last_updated_timestamp": self.last_updated_timestamp,
            "tags": dict(self.tags),
            "params": dict(self.params),
            "metrics": [metric.to_dict() for metric in self.metrics],
            "lifecycle_stage": self.lifecycle_stage,
        }

    @classmethod
    def from_dict(cls, d: dict) -> LoggedModel:
        return cls(
            model_id=d["model_id"],
            experiment_id=str(d["experiment_id"]),
            name=d["name"],
            artifact_uri=d.get("artifact_uri", ""),
            status=d.get("status", "PENDING"),
            source_run_id=d.get("source_run_id"),
            model_type=d.get("model_type") or "",
            creation_timestamp=d.get("creation_timestamp"),
            last_updated_timestamp=d.get("last_updated_timestamp"),
            tags=dict(d.get("tags") or {}),
            params=dict(d.get("params") or {}),
            metrics=[LoggedModelMetric.from_dict(m) for m in d.get("metrics") or []],
            lifecycle_stage=d.get("lifecycle_stage", ACTIVE),
        )


@dataclass(slots=True)
class ModelVersion:
    """Version ``version`` of registered model ``name``; versions are strings, as in MLflow."""

    name: str
    version: str
    source: str
    creation_timestamp: int | None = None
    last_updated_timestamp: int | None = None
    description: str = ""
    run_id: str | None = None
    model_id: str | None = None
    status: str = "READY"
    current_stage: str = STAGE_NONE
    tags: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "creation_timestamp": self.creation_timestamp,
            "last_updated_timestamp": self.last_updated_timestamp,
            "description": self.description,
            "run_id": self.run_id,
            "model_id": self.model_id,
            "status": self.status,
            "current_stage": self.current_stage,
            "tags": dict(self.tags),
            "aliases": list(self.aliases),
        }

    @classmethod
    def from_dict(cls, d: dict) -> ModelVersion:
        return cls(
            name=d["name"],
            version=str(d["version"]),
            source=d.get("source", ""),
            creation_timestamp=d.get("creation_timestamp"),
            last_updated_timestamp=d.get("last_updated_timestamp"),
            description=d.get("description") or "",
            run_id=d.get("run_id"),
            model_id=d.get("model_id"),
            status=d.get("status", "READY"),
            current_stage=d.get("current_stage") or STAGE_NONE,
            tags=dict(d.get("tags") or {}),
            aliases=list(d.get("aliases") or []),
        )


@dataclass(slots=True)
class RegisteredModel:
    """A named model; ``aliases`` maps alias -> version, ``latest_versions`` has the newest
    version of each stage."""

    name: str
    creation_timestamp: int | None = None
    last_updated_timestamp: int | None = None
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    latest_versions: list[ModelVersion] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "creation_timestamp": self.creation_timestamp,
            "last_updated_timestamp": self.last_updated_timestamp,
            "description": self.description,
            "tags": dict(self.tags),
            "aliases": dict(self.aliases),
            "latest_versions": [v.to_dict() for v in self.latest_versions],
        }

    @classmethod
    def from_dict(cls, d: dict) -> RegisteredModel:
        return cls(
            name=d["name"],
            creation_timestamp=d.get("creation_timestamp"),
            last_updated_timestamp=d.get("last_updated_timestamp"),
            description=d.get("description") or "",
            tags=dict(d.get("tags") or {}),
            aliases=dict(d.get("aliases") or {}),
            latest_versions=[ModelVersion.from_dict(v) for v in d.get("latest_versions") or []],
        )
