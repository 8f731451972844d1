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


@dataclass
class Page(Generic[T]):
    """One page of a listing; ``next_page_token`` is None on the last page."""

    items: list[T]
    next_page_token: str | None = None


@dataclass
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


@dataclass
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


@dataclass
class Param:
    key: str
    value: str

    def to_dict(self) -> dict:
        return {"key": self.key, "value": self.value}

    @classmethod
    def from_dict(cls, d: dict) -> Param:
        return cls(key=d["key"], value=str(d.get("value", "")))


@dataclass
class RunTag:
    key: str
    value: str

    def to_dict(self) -> dict:
        return {"key": self.key, "value": self.value}

    @classmethod
    def from_dict(cls, d: dict) -> RunTag:
        return cls(key=d["key"], value=str(d.get("value", "")))


@dataclass
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


@dataclass
class DatasetInput:
    """A dataset used by a run; ``tags`` carries e.g. ``mlflow.data.context``."""

    dataset: Dataset
    tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"dataset": self.dataset.to_dict(), "tags": dict(self.tags)}

    @classmethod
    def from_dict(cls, d: dict) -> DatasetInput:
        return cls(dataset=Dataset.from_dict(d["dataset"]), tags=dict(d.get("tags") or {}))


@dataclass
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


@dataclass
class RunData:
    """``metrics`` holds the latest value per key (the one search and sort use)."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "params": dict(self.params),
            "tags": dict(self.tags),
        }

    @classmethod
    def from_dict(cls, d: dict) -> RunData:
        return cls(
            metrics={k: Metric.from_dict(m) for k, m in (d.get("metrics") or {}).items()},
            params=dict(d.get("params") or {}),
            tags=dict(d.get("tags") or {}),
        )


@dataclass
class Run:
    info: RunInfo
    data: RunData = field(default_factory=RunData)
    inputs: list[DatasetInput] = field(default_factory=list)

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
