"""Reading an existing MLflow store without MLflow: its SQLite/PostgreSQL database (with
SQLAlchemy Core, on MLflow's own table names) or its ``mlruns`` file layout.

Both readers yield the same plain records, so the importer does not care which it got.
MLflow's run ids are kept; experiments are matched by name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..entities import Metric

# The file store writes run status as RunStatus enum numbers.
_FILE_RUN_STATUS = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}


@dataclass
class SourceExperiment:
    experiment_id: str
    name: str
    lifecycle_stage: str = "active"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class SourceRun:
    run_id: str
    experiment_id: str
    name: str
    user_id: str
    status: str
    start_time: int | None
    end_time: int | None
    lifecycle_stage: str
    artifact_dir: str | None  # a local directory with the run's artifacts, if reachable
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    metrics: list[Metric] = field(default_factory=list)


@dataclass
class SourceModelVersion:
    version: str
    source: str
    run_id: str | None
    description: str = ""
    current_stage: str = "None"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class SourceRegisteredModel:
    name: str
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    versions: list[SourceModelVersion] = field(default_factory=list)


def local_dir(uri: str | None) -> str | None:
    """A local artifact location as a directory path; None for remote ones."""
    if not uri:
        return None
    if uri.startswith("file://"):
        return uri[len("file://") :]
    return uri if "://" not in uri and not uri.startswith("mlflow-artifacts:") else None


def open_source(location: str):
    """``sqlite:///mlflow.db`` (any SQLAlchemy URL) or an ``mlruns`` directory."""
    if "://" in location and not location.startswith("file://"):
        return SqlMlflowSource(location)
    return FileMlflowSource(location.removeprefix("file://"))


# -- database --------------------------------------------------------------------------


class SqlMlflowSource:
    def __init__(self, uri: str):
        from sqlalchemy import MetaData, create_engine

        self.engine = create_engine(uri)
        self.tables = MetaData()
        self.tables.reflect(self.engine)

    def _rows(self, table: str, **where):
        from sqlalchemy import select

        if table not in self.tables.tables:
            return []
        t = self.tables.tables[table]
        query = select(t).where(*(t.c[k] == v for k, v in where.items()))
        with self.engine.connect() as conn:
            return conn.execute(query).mappings().all()

    def _pairs(self, table: str, **where) -> dict[str, str]:
        return {row["key"]: row["value"] or "" for row in self._rows(table, **where)}

    def experiments(self) -> list[SourceExperiment]:
        return [
            SourceExperiment(
                str(row["experiment_id"]),
                row["name"],
                row["lifecycle_stage"] or "active",
                self._pairs("experiment_tags", experiment_id=row["experiment_id"]),
            )
            for row in self._rows("experiments")
        ]

    def run_ids(self) -> list[str]:
        return [row["run_uuid"] for row in self._rows("runs")]

    def run(self, run_id: str) -> SourceRun:
        row = self._rows("runs", run_uuid=run_id)[0]
        metrics = [
            Metric(m["key"], float("nan") if m["is_nan"] else m["value"], m["timestamp"], m["step"])
            for m in self._rows("metrics", run_uuid=run_id)
        ]
        return SourceRun(
            run_id=run_id,
            experiment_id=str(row["experiment_id"]),
            name=row["name"] or "",
            user_id=row["user_id"] or "",
            status=row["status"] or "FINISHED",
            start_time=row["start_time"],
            end_time=row["end_time"],
            lifecycle_stage=row["lifecycle_stage"] or "active",
            artifact_dir=local_dir(row["artifact_uri"]),
            params=self._pairs("params", run_uuid=run_id),
            tags=self._pairs("tags", run_uuid=run_id),
            metrics=metrics,
        )

    def registered_models(self) -> list[SourceRegisteredModel]:
        models: list[SourceRegisteredModel] = []
        for row in self._rows("registered_models"):
            name = row["name"]
            versions = [
                SourceModelVersion(
                    version=str(v["version"]),
                    source=v["source"] or "",
                    run_id=v["run_id"] or None,
                    description=v["description"] or "",
                    current_stage=v["current_stage"] or "None",
                    tags=self._pairs("model_version_tags", name=name, version=v["version"]),
                )
                for v in self._rows("model_versions", name=name)
            ]
            aliases = {
                a["alias"]: str(a["version"])
                for a in self._rows("registered_model_aliases", name=name)
            }
            models.append(
                SourceRegisteredModel(
                    name,
                    row["description"] or "",
                    self._pairs("registered_model_tags", name=name),
                    aliases,
                    sorted(versions, key=lambda v: int(v.version)),
                )
            )
        return models


# -- mlruns directory --------------------------------------------------------------------


def _yaml(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text()) or {}


def _key_files(directory: Path) -> Iterator[tuple[str, Path]]:
    """``(key, file)`` for every file under ``directory``; keys may contain '/'."""
    if not directory.is_dir():
        return
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = Path(root) / name
            yield path.relative_to(directory).as_posix(), path


def _pairs(directory: Path) -> dict[str, str]:
    return {key: path.read_text() for key, path in _key_files(directory)}


class FileMlflowSource:
    def __init__(self, root: str):
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"No MLflow directory at {root}")

    def _experiment_dirs(self) -> list[Path]:
        dirs = [self.root, self.root / ".trash"]
        return [
            d
            for parent in dirs
            if parent.is_dir()
            for d in sorted(parent.iterdir())
            if (d / "meta.yaml").is_file() and d.name != "models"
        ]

    def experiments(self) -> list[SourceExperiment]:
        out = []
        for directory in self._experiment_dirs():
            meta = _yaml(directory / "meta.yaml")
            out.append(
                SourceExperiment(
                    str(meta["experiment_id"]),
                    meta["name"],
                    meta.get("lifecycle_stage") or "active",
                    _pairs(directory / "tags"),
                )
            )
        return out

    def _run_dirs(self) -> dict[str, Path]:
        return {
            run_dir.name: run_dir
            for experiment_dir in self._experiment_dirs()
            for run_dir in sorted(experiment_dir.iterdir())
            if (run_dir / "meta.yaml").is_file()
        }

    def run_ids(self) -> list[str]:
        return list(self._run_dirs())

    def run(self, run_id: str) -> SourceRun:
        directory = self._run_dirs()[run_id]
        meta = _yaml(directory / "meta.yaml")
        metrics = []
        for key, path in _key_files(directory / "metrics"):
            for line in path.read_text().splitlines():
                timestamp, value, *step = line.split()
                metrics.append(
                    Metric(key, float(value), int(timestamp), int(step[0] if step else 0))
                )
        status = meta.get("status", 3)
        return SourceRun(
            run_id=run_id,
            experiment_id=str(meta["experiment_id"]),
            name=meta.get("run_name") or "",
            user_id=meta.get("user_id") or "",
            status=_FILE_RUN_STATUS.get(status, str(status)) if isinstance(status, int) else status,
            start_time=meta.get("start_time"),
            end_time=meta.get("end_time"),
            lifecycle_stage=meta.get("lifecycle_stage") or "active",
            artifact_dir=local_dir(meta.get("artifact_uri")),
            params=_pairs(directory / "params"),
            tags=_pairs(directory / "tags"),
            metrics=metrics,
        )

    def registered_models(self) -> list[SourceRegisteredModel]:
        models: list[SourceRegisteredModel] = []
        models_dir = self.root / "models"
        if not models_dir.is_dir():
            return models
        for directory in sorted(models_dir.iterdir()):
            if not (directory / "meta.yaml").is_file():
                continue
            meta = _yaml(directory / "meta.yaml")
            versions = []
            for version_dir in directory.glob("version-*"):
                v = _yaml(version_dir / "meta.yaml")
                versions.append(
                    SourceModelVersion(
                        version=str(v["version"]),
                        source=v.get("source") or "",
                        run_id=v.get("run_id") or None,
                        description=v.get("description") or "",
                        current_stage=v.get("current_stage") or "None",
                        tags=_pairs(version_dir / "tags"),
                    )
                )
            aliases = {a: v.strip() for a, v in _pairs(directory / "aliases").items()}
            models.append(
                SourceRegisteredModel(
                    meta["name"],
                    meta.get("description") or "",
                    _pairs(directory / "tags"),
                    aliases,
                    sorted(versions, key=lambda v: int(v.version)),
                )
            )
        return models
