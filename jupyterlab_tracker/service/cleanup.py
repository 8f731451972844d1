"""Storage used by runs and experiments, and permanent deletion of deleted ones.

One implementation for every surface: the runs view's "Delete permanently…" (its
confirmation is a dry run, which says what would be freed) and ``jupyter tracker gc``.
The rules are MLflow's ``mlflow gc`` (``mlflow/cli/__init__.py: _gc_tracking_resources``):

- with neither run ids nor experiment ids, every run in the deleted stage and every
  deleted experiment goes (with ``older_than``: runs deleted at least that long ago,
  experiments last updated before then);
- named runs must be in the deleted stage (and old enough); named experiments must be
  deleted (and old enough), and all their runs go with them;
- files go first, then rows (``TrackingStore.hard_delete_runs``/``..._experiments``).

Differences, on purpose: every check is made before anything is removed (MLflow stops
half-way at the first run that fails one); files are removed only where the artifact
policy allows (``ArtifactLocations.confine``): a run whose location is outside every
artifact root, or is a symbolic link, keeps its files and its rows, and is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from ..artifacts import ArtifactRepository
from ..domain.clock import now_ms
from ..domain.limits import MAX_RUNS_PER_ACTION
from ..entities import ACTIVE_ONLY, ALL, DELETED, DELETED_ONLY, ArtifactOwnerPlace, RunPlace
from ..errors import TrackerError, invalid, not_found
from . import validation as check
from .tracking import TrackingService

# MLflow's --older-than: days, hours, minutes, seconds, each optional, decimals allowed.
_OLDER_THAN = re.compile(
    r"^((?P<days>[\.\d]+?)d)?((?P<hours>[\.\d]+?)h)?((?P<minutes>[\.\d]+?)m)?((?P<seconds>[\.\d]+?)s)?$"
)


def parse_older_than(text: str) -> int:
    """MLflow's ``--older-than`` (``1d2h3m4s``, ``1.5d``, ``30m``) in milliseconds."""
    parts = _OLDER_THAN.match(text or "") if isinstance(text, str) else None
    try:
        values = {name: float(v) for name, v in parts.groupdict().items() if v} if parts else {}
    except ValueError:  # "1.2.3d"
        values = {}
    if not values:
        raise invalid(
            f"Could not parse any time information from '{text}'. "
            "Examples of valid strings: '8h', '2d8h5m20s', '2m4s'"
        )
    return int(timedelta(**values).total_seconds() * 1000)


@dataclass(slots=True)
class Usage:
    """What a run (or a logged model) keeps: artifact bytes and files, metric points."""

    artifact_bytes: int = 0
    artifact_files: int = 0
    metric_points: int = 0

    def add(self, other: Usage) -> None:
        self.artifact_bytes += other.artifact_bytes
        self.artifact_files += other.artifact_files
        self.metric_points += other.metric_points

    def to_dict(self) -> dict:
        return {
            "artifact_bytes": self.artifact_bytes,
            "artifact_files": self.artifact_files,
            "metric_points": self.metric_points,
        }


@dataclass(slots=True)
class StorageReport:
    """The storage of some runs, each and in total. ``unreadable``: run ids whose files
    could not be measured (outside the artifact roots), with why."""

    runs: dict[str, Usage] = field(default_factory=dict)
    total: Usage = field(default_factory=Usage)
    unreadable: dict[str, str] = field(default_factory=dict)

    def to_dict(self, per_run: bool = True) -> dict:
        answer = {
            "run_count": len(self.runs),
            **self.total.to_dict(),
            "unreadable": [{"run_id": k, "message": v} for k, v in self.unreadable.items()],
        }
        if per_run:
            answer["runs"] = {run_id: usage.to_dict() for run_id, usage in self.runs.items()}
        return answer


@dataclass(slots=True)
class PurgeReport:
    """What a permanent delete removed (or, as a dry run, would remove)."""

    dry_run: bool
    runs: list[str] = field(default_factory=list)
    experiments: list[str] = field(default_factory=list)
    logged_models: list[str] = field(default_factory=list)
    freed: Usage = field(default_factory=Usage)
    kept: list[dict[str, str]] = field(default_factory=list)
    """Runs or experiments left in place, each with why (``id``, ``kind``, ``message``)."""

    def to_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "run_ids": self.runs,
            "experiment_ids": self.experiments,
            "logged_model_ids": self.logged_models,
            "freed": self.freed.to_dict(),
            "kept": self.kept,
        }


class CleanupService:
    def __init__(self, tracking: TrackingService):
        self.tracking = tracking
        self.store = tracking.store

    # -- storage -----------------------------------------------------------------------
    def run_storage(self, run_id: str) -> StorageReport:
        check.validate_run_id(run_id)
        place = self.store.run_places([run_id]).get(run_id)
        if place is None:
            raise not_found(f"Run with id={run_id} not found")
        return self._storage([place])

    def experiment_storage(self, experiment_id: str, view_type: str = ACTIVE_ONLY) -> StorageReport:
        """The runs of one experiment in ``view_type`` (computed now: artifact files are
        walked, metric points counted in one query)."""
        self.tracking.get_experiment(experiment_id)  # checks the id; 404 if there is none
        check.validate_view_type(view_type)
        places = self.store.experiment_run_places([experiment_id])
        if view_type != ALL:
            wanted = DELETED if view_type == DELETED_ONLY else "active"
            places = [p for p in places if p.lifecycle_stage == wanted]
        return self._storage(places)

    def _storage(self, places: list[RunPlace]) -> StorageReport:
        report = StorageReport()
        points = self.store.metric_point_counts([p.run_id for p in places])
        for place in places:
            usage = Usage(metric_points=points.get(place.run_id, 0))
            try:
                usage.artifact_bytes, usage.artifact_files = self._repository(place).usage()
            except TrackerError as refused:
                report.unreadable[place.run_id] = refused.message
            report.runs[place.run_id] = usage
            report.total.add(usage)
        return report

    def _repository(self, place: RunPlace | ArtifactOwnerPlace) -> ArtifactRepository:
        if isinstance(place, RunPlace):
            what = f"The artifact location of run {place.run_id}"
        else:
            what = f"The artifact location of logged model {place.model_id}"
        return ArtifactRepository(self.tracking.locations.confine(place.artifact_uri, what))

    # -- permanent deletion ------------------------------------------------------------
    def purge(
        self,
        run_ids: list[str] | None = None,
        experiment_ids: list[str] | None = None,
        older_than: str | None = None,
        *,
        dry_run: bool = False,
    ) -> PurgeReport:
        """Permanently delete deleted runs and experiments, files and rows (see the module
        docstring for which): ``run_ids`` and ``experiment_ids`` both None means every
        deleted one; two empty lists are refused. ``dry_run``: measure and report, remove
        nothing."""
        runs, experiments = self._purge_targets(run_ids, experiment_ids, older_than)
        models = self.store.experiment_logged_model_places(experiments) if experiments else []
        report = PurgeReport(dry_run=dry_run)
        storage = self._storage(runs)
        blocked_experiments: set[str] = set()
        removable: list[str] = []
        for place in runs:
            reason = storage.unreadable.get(place.run_id)
            if reason is None and not dry_run:
                reason = self._remove_files(place)
            if reason is not None:
                report.kept.append({"id": place.run_id, "kind": "run", "message": reason})
                blocked_experiments.add(place.experiment_id)
                continue
            removable.append(place.run_id)
            report.freed.add(storage.runs[place.run_id])
        for model in models:
            try:
                repository = self._repository(model)
                measured = Usage(*repository.usage())
                if not dry_run:
                    repository.delete_all()
            except (TrackerError, OSError) as error:
                report.kept.append(
                    {"id": model.model_id, "kind": "logged model", "message": _why(error)}
                )
                continue
            report.logged_models.append(model.model_id)
            report.freed.add(measured)
        report.runs = removable
        report.experiments = [e for e in experiments if e not in blocked_experiments]
        for experiment_id in sorted(blocked_experiments & set(experiments)):
            report.kept.append(
                {
                    "id": experiment_id,
                    "kind": "experiment",
                    "message": "kept: some of its runs' files could not be removed",
                }
            )
        if not dry_run:
            with self.store.transaction():
                self.store.hard_delete_runs(removable)
                self.store.hard_delete_experiments(report.experiments)
        return report

    def _remove_files(self, place: RunPlace) -> str | None:
        try:
            self._repository(place).delete_all()
        except (TrackerError, OSError) as error:
            return _why(error)
        return None

    def _purge_targets(
        self, run_ids: list[str] | None, experiment_ids: list[str] | None, older_than: str | None
    ) -> tuple[list[RunPlace], list[str]]:
        """The runs and experiments to delete, every check made (nothing removed yet)."""
        age = parse_older_than(older_than) if older_than else None
        threshold = None if age is None else now_ms() - age
        if run_ids is not None and experiment_ids is not None and not (run_ids or experiment_ids):
            raise invalid("Name the runs (run_ids) or experiments (experiment_ids) to delete")
        for ids, name in ((run_ids, "run_ids"), (experiment_ids, "experiment_ids")):
            if ids is not None and (not isinstance(ids, list) or len(ids) > MAX_RUNS_PER_ACTION):
                raise invalid(f"{name} must be a list of at most {MAX_RUNS_PER_ACTION} ids")
        if run_ids:
            check.validate_run_ids(run_ids, MAX_RUNS_PER_ACTION)
        for experiment_id in experiment_ids or []:
            check.validate_experiment_id(experiment_id)
        if run_ids is None and experiment_ids is None:  # the CLI without ids: all deleted
            runs = self.store.deleted_run_places(threshold)
            experiments = self.store.deleted_experiment_ids(threshold)
        else:
            runs = self._named_runs(run_ids or [], threshold, older_than)
            experiments = self._named_experiments(experiment_ids or [], threshold, older_than)
        if experiments:
            runs += self.store.experiment_run_places(experiments)
        unique = {place.run_id: place for place in runs}
        return list(unique.values()), experiments

    def _named_runs(
        self, run_ids: list[str], threshold: int | None, older_than: str | None
    ) -> list[RunPlace]:
        places = self.store.run_places(run_ids)
        for run_id in dict.fromkeys(run_ids):
            place = places.get(run_id)
            if place is None:
                raise not_found(f"Run with id={run_id} not found")
            if place.lifecycle_stage != DELETED:
                raise invalid(
                    f"Run {run_id} is not in `deleted` lifecycle stage. Only runs in "
                    "`deleted` lifecycle stage can be deleted."
                )
            if threshold is not None and (place.deleted_time or 0) > threshold:
                raise invalid(
                    f"Run {run_id} is not older than the required age. "
                    f"Only runs older than {older_than} can be deleted."
                )
        return [places[run_id] for run_id in dict.fromkeys(run_ids)]

    def _named_experiments(
        self, experiment_ids: list[str], threshold: int | None, older_than: str | None
    ) -> list[str]:
        experiments = [self.tracking.get_experiment(e) for e in dict.fromkeys(experiment_ids)]
        active = [e.experiment_id for e in experiments if e.lifecycle_stage != DELETED]
        if active:
            raise invalid(
                f"Experiments {active} are not in the deleted lifecycle stage. Only "
                "experiments in the deleted lifecycle stage can be hard-deleted."
            )
        if threshold is not None:
            young = [
                e.experiment_id
                for e in experiments
                if e.last_update_time is None or e.last_update_time >= threshold
            ]
            if young:
                raise invalid(
                    f"Experiments {young} are not older than the required age. Only "
                    f"experiments older than {older_than} can be deleted."
                )
        return [e.experiment_id for e in experiments]


def _why(error: Exception) -> str:
    return error.message if isinstance(error, TrackerError) else f"{type(error).__name__}: {error}"
