"""Copy an MLflow store (read by ``mlflow_sources``) into ours, through our services.

Idempotent: experiments are matched by name, runs keep MLflow's ids and registered
models their names, and anything already present is skipped whole, so a second import
duplicates nothing (and picks up what is new).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..domain.limits import MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_TAGS_PER_BATCH
from ..domain.tags import RUN_NAME_TAG
from ..entities import DELETED, STAGE_NONE, Param, RunInfo, RunTag
from ..errors import INVALID_PARAMETER_VALUE, TrackerError
from ..service.artifacts import RUN_OWNER
from .mlflow_sources import SourceRun


@dataclass
class ImportReport:
    experiments: int = 0
    runs: int = 0
    runs_skipped: int = 0
    metrics: int = 0
    artifacts: int = 0
    registered_models: int = 0
    model_versions: int = 0
    warnings: list[str] = field(default_factory=list)


def progress(items: list, description: str) -> Iterator:
    """tqdm when installed, else one stderr line rewritten in place."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        for done, item in enumerate(items, 1):
            yield item
            sys.stderr.write(f"\r{description}: {done}/{len(items)}")
        sys.stderr.write("\n" if items else "")
        return
    yield from tqdm(items, desc=description, unit="run")


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MlflowImporter:
    def __init__(self, services, show_progress: bool = True):
        self.tracking = services.tracking
        self.registry = services.registry
        self.artifacts = services.artifacts
        self.show_progress = show_progress
        self.report = ImportReport()

    def run(self, source) -> ImportReport:
        experiment_ids, deleted = self._experiments(source)
        run_ids = source.run_ids()
        items = progress(run_ids, "runs") if self.show_progress else run_ids
        for run_id in items:
            self._run(source.run(run_id), experiment_ids)
        self._registered_models(source)
        for experiment_id in deleted:  # last: a deleted experiment takes no runs
            self.tracking.delete_experiment(experiment_id)
        return self.report

    def _experiments(self, source) -> tuple[dict[str, str], list[str]]:
        ids, deleted = {}, []
        for experiment in source.experiments():
            ours = self.tracking.get_experiment_by_name(experiment.name)
            if ours is None:
                ids[experiment.experiment_id] = self.tracking.create_experiment(
                    experiment.name, tags=experiment.tags
                )
                self.report.experiments += 1
                if experiment.lifecycle_stage == DELETED:
                    deleted.append(ids[experiment.experiment_id])
                continue
            ids[experiment.experiment_id] = ours.experiment_id
            if ours.lifecycle_stage == DELETED:  # runs can only be added while it is active
                self.tracking.restore_experiment(ours.experiment_id)
                deleted.append(ours.experiment_id)
        return ids, deleted

    def _run(self, run: SourceRun, experiment_ids: dict[str, str]) -> None:
        info = RunInfo(
            run_id=run.run_id,
            experiment_id=experiment_ids[run.experiment_id],
            run_name=run.name or run.tags.get(RUN_NAME_TAG, ""),
            user_id=run.user_id,
            status=run.status,
            start_time=run.start_time,
            end_time=run.end_time,
            lifecycle_stage=run.lifecycle_stage,
            artifact_uri="",
        )
        if not self.tracking.import_run(info):
            self.report.runs_skipped += 1
            return
        params = list(run.params.items())
        tags = list(run.tags.items())
        for chunk in _chunks(params, MAX_PARAMS_PER_BATCH):
            self.tracking.log_batch(run.run_id, params=[Param(k, v) for k, v in chunk])
        for chunk in _chunks(tags, MAX_TAGS_PER_BATCH):
            self.tracking.log_batch(run.run_id, tags=[RunTag(k, v) for k, v in chunk])
        for chunk in _chunks(run.metrics, MAX_METRICS_PER_BATCH):
            self.tracking.log_batch(run.run_id, metrics=chunk)
        self.report.metrics += len(run.metrics)
        if run.artifact_dir and os.path.isdir(run.artifact_dir):
            self.artifacts.repository(RUN_OWNER, run.run_id, writing=True).log_dir(run.artifact_dir)
            self.report.artifacts += sum(len(files) for _, _, files in os.walk(run.artifact_dir))
        elif run.artifact_dir is None:
            self.report.warnings.append(f"run {run.run_id}: artifacts are not local; not copied")
        if run.lifecycle_stage == DELETED:
            self.tracking.delete_run(run.run_id)
        self.report.runs += 1

    def _registered_models(self, source) -> None:
        for model in source.registered_models():
            try:
                self.registry.get_registered_model(model.name)
                continue  # imported before
            except TrackerError:
                pass
            self.registry.create_registered_model(model.name, model.description, model.tags)
            self.report.registered_models += 1
            numbers = {}  # MLflow's version -> ours (they differ if MLflow's had gaps)
            for version in model.versions:
                run_id = version.run_id if self._run_exists(version.run_id) else None
                try:
                    ours = self.registry.import_model_version(
                        model.name,
                        _portable_source(version.source, run_id),
                        run_id=run_id,
                        description=version.description,
                        tags=version.tags,
                    )
                except TrackerError as error:
                    if error.error_code != INVALID_PARAMETER_VALUE:
                        raise
                    self.report.warnings.append(
                        f"version {version.version} of '{model.name}' not imported: {error.message}"
                    )
                    continue
                numbers[version.version] = ours.version
                if version.current_stage != STAGE_NONE:
                    self.registry.transition_model_version_stage(
                        model.name, ours.version, version.current_stage
                    )
                self.report.model_versions += 1
            for alias, version in model.aliases.items():
                if version in numbers:
                    self.registry.set_registered_model_alias(model.name, alias, numbers[version])

    def _run_exists(self, run_id: str | None) -> bool:
        if not run_id:
            return False
        try:
            self.tracking.get_run(run_id)
        except TrackerError:
            return False
        return True


def _portable_source(source: str, run_id: str | None) -> str:
    """A version's source inside its run's artifacts (``<...>/<run id>/artifacts/<path>``,
    local or ``mlflow-artifacts:``), as ``runs:/<run id>/<path>``: the run's files were
    copied here, and MLflow's location of them means nothing to this tracker."""
    if not run_id or source.startswith(("runs:/", "models:/")):
        return source
    _, marker, rest = source.partition(f"/{run_id}/artifacts")
    if not marker or rest[:1] not in ("", "/"):
        return source
    return f"runs:/{run_id}/{rest.strip('/')}".rstrip("/")
