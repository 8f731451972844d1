"""The tracking service: input checks and MLflow's defaults in front of a store.

A ``contracts.TrackingBackend`` (the embedded client's backend is this service); every
surface (REST handlers, the embedded client) calls this, so each rule lives here once.
The store still enforces what needs a transaction (param immutability, lifecycle checks,
uniqueness).
"""

from __future__ import annotations

import functools
import getpass
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..artifacts.locations import ArtifactLocations
from ..contracts import TrackingBackend
from ..domain.clock import now_ms
from ..domain.limits import (
    MAX_RESULTS_LIMIT,
    MAX_RUNS_PER_ACTION,
    MAX_TAGS_PER_ACTION,
    SEARCH_RESULTS_DEFAULT,
)
from ..domain.tags import RUN_NAME_TAG, USER_TAG
from ..entities import (
    ACTIVE,
    ACTIVE_ONLY,
    DELETED,
    TERMINAL_STATUSES,
    DatasetInput,
    Experiment,
    LoggedModelMetric,
    Metric,
    Page,
    Param,
    Run,
    RunInfo,
    RunTag,
)
from ..errors import ParamValueChanged, TrackerError, invalid, not_found
from ..store.base import TrackingStore
from . import validation as check

# What the runs view does to many selected runs at once (``update_runs``).
RUN_ACTIONS = ("delete", "restore", "set_tags", "delete_tags")


@dataclass(slots=True)
class RunsUpdate:
    """What ``update_runs`` did: the runs changed, and each run it could not change with
    the reason (an MLflow error code and message)."""

    updated: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"updated": self.updated, "failed": self.failed}


@functools.cache  # a password-database lookup per created run otherwise (~50 µs)
def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): leave it empty
        return ""


class TrackingService(TrackingBackend):
    """``locations``: where artifacts may be (default: only under the store's artifact root)."""

    def __init__(self, store: TrackingStore, locations: ArtifactLocations | None = None):
        self.store = store
        self.locations = locations or ArtifactLocations(store.artifact_root)

    # -- experiments -------------------------------------------------------------------
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> str:
        """``artifact_location``: under an allowed root (``mlflow-artifacts:`` translated);
        empty means ``<artifact root>/<experiment id>``."""
        check.validate_experiment_name(name)
        if artifact_location:
            check.validate_uri("artifact location", artifact_location)
        self._check_tags(tags or {})
        if artifact_location:
            artifact_location = self.locations.confine_new_location(
                artifact_location, "artifact_location"
            )
        return self.store.create_experiment(name, artifact_location or None, tags)

    def new_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> Experiment:
        """``create_experiment``, answered with the experiment made (one transaction)."""
        with self.store.transaction():
            return self.get_experiment(self.create_experiment(name, artifact_location, tags))

    def get_experiment(self, experiment_id: str) -> Experiment:
        check.validate_experiment_id(experiment_id)
        return self.store.get_experiment(experiment_id)

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        check.validate_experiment_name(name)
        return self.store.get_experiment_by_name(name)

    def experiment_named(self, name: str) -> Experiment:
        """The experiment called ``name``; RESOURCE_DOES_NOT_EXIST (MLflow's words) if
        there is none."""
        experiment = self.get_experiment_by_name(name)
        if experiment is None:  # MLflow's client turns this 404 into None
            raise not_found(f"Could not find experiment with name '{name}'")
        return experiment

    def search_experiments(
        self,
        view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        filter_string: str = "",
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Experiment]:
        check.validate_view_type(view_type)
        check.validate_max_results(max_results)
        check.validate_order_by(order_by)
        return self.store.search_experiments(
            view_type, max_results, filter_string or "", order_by, page_token
        )

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        check.validate_experiment_id(experiment_id)
        check.validate_experiment_name(new_name)
        self.store.rename_experiment(experiment_id, new_name)

    def renamed_experiment(self, experiment_id: str, new_name: str) -> Experiment:
        """``rename_experiment``, answered with the experiment renamed (one transaction)."""
        with self.store.transaction():
            self.rename_experiment(experiment_id, new_name)
            return self.store.get_experiment(experiment_id)

    def delete_experiment(self, experiment_id: str) -> None:
        check.validate_experiment_id(experiment_id)
        self.store.delete_experiment(experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        check.validate_experiment_id(experiment_id)
        self.store.restore_experiment(experiment_id)

    def restored_experiment(self, experiment_id: str) -> Experiment:
        """``restore_experiment``, answered with the experiment restored (one transaction)."""
        with self.store.transaction():
            self.restore_experiment(experiment_id)
            return self.store.get_experiment(experiment_id)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        check.validate_experiment_id(experiment_id)
        self._check_tags({key: value})
        self.store.set_experiment_tag(experiment_id, key, value)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        check.validate_experiment_id(experiment_id)
        check.validate_key("tag", key)
        self.store.delete_experiment_tag(experiment_id, key)

    # -- runs --------------------------------------------------------------------------
    def create_run(
        self,
        experiment_id: str,
        user_id: str = "",
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
        heartbeat: bool = False,
    ) -> Run:
        """MLflow's defaults: start_time now; ``run_name`` and the ``mlflow.runName`` tag
        agree (either one fills the other); ``user_id`` and ``mlflow.user`` likewise, with
        the login name when neither is given."""
        check.validate_experiment_id(experiment_id)
        check.validate_int64("start_time", start_time)
        tags = dict(tags or {})
        self._check_run_tags(tags)
        if run_name:
            check.validate_run_name(run_name)
        tagged_name = tags.get(RUN_NAME_TAG)
        if run_name and tagged_name and run_name != tagged_name:
            raise invalid(
                f"run_name '{run_name}' and tag {RUN_NAME_TAG} '{tagged_name}' differ; "
                "give one of them or make them equal"
            )
        run_name = run_name or tagged_name or None
        user_id = user_id or tags.get(USER_TAG) or _default_user()
        check.validate_user(user_id)
        tags.setdefault(USER_TAG, user_id)
        return self.store.create_run(
            experiment_id,
            user_id=user_id,
            start_time=now_ms() if start_time is None else start_time,
            tags=tags,
            run_name=run_name,  # the store generates one when None, and sets the tag
            heartbeat=heartbeat,
        )

    def import_run(self, info: RunInfo) -> bool:
        """A run copied from another tracker (``jupyter tracker import-mlflow``), under its
        own id, active (the importer deletes it after copying its data if it was deleted);
        its ``artifact_uri`` is ignored: it gets its place under its experiment's location.
        False if a run already has the id (imported before): nothing is written then."""
        check.validate_mlflow_run_id(info.run_id)
        check.validate_experiment_id(info.experiment_id)
        if info.run_name:
            check.validate_run_name(info.run_name)
        check.validate_user(info.user_id)
        check.validate_run_status(info.status)
        check.validate_int64("start_time", info.start_time)
        check.validate_int64("end_time", info.end_time)
        return self.store.insert_run_with_id(info)

    def get_run(self, run_id: str) -> Run:
        check.validate_run_id(run_id)
        return self.store.get_run(run_id)

    def update_run_info(
        self,
        run_id: str,
        status: str | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> RunInfo:
        """Terminating a run (FINISHED/FAILED/KILLED) without an end_time stamps it now."""
        check.validate_run_id(run_id)
        if run_name:
            check.validate_run_name(run_name)
        check.validate_int64("end_time", end_time)
        if status is not None:
            check.validate_run_status(status)
            if status in TERMINAL_STATUSES and end_time is None:
                end_time = now_ms()
        return self.store.update_run_info(run_id, status, end_time, run_name or None)

    def delete_run(self, run_id: str) -> None:
        check.validate_run_id(run_id)
        self.store.delete_run(run_id)

    def restore_run(self, run_id: str) -> None:
        check.validate_run_id(run_id)
        self.store.restore_run(run_id)

    def update_runs(
        self,
        run_ids: list[str],
        action: str,
        tags: Sequence[RunTag] = (),
        keys: Sequence[str] = (),
    ) -> RunsUpdate:
        """One action on many runs, in one transaction: ``delete`` or ``restore`` them, or
        ``set_tags`` / ``delete_tags`` (by ``keys``) on each. Input is checked first, with
        MLflow's rules (a bad tag key or value fails the whole request); then a run that
        does not exist, or is deleted when tags change (MLflow's rule: only active runs
        change), is reported in ``failed`` and the others are changed."""
        if not isinstance(run_ids, list | tuple) or not run_ids:
            raise invalid("run_ids must be a non-empty list of run ids")
        check.validate_run_ids(list(run_ids), MAX_RUNS_PER_ACTION)
        if action not in RUN_ACTIONS:
            raise invalid(f"action must be one of {', '.join(RUN_ACTIONS)}, got {action!r}")
        tag_values = self._action_tags(action, tags, keys)
        ids = list(dict.fromkeys(run_ids))
        outcome = RunsUpdate()
        with self.store.transaction():
            places = self.store.run_places(ids)
            changing = []
            for run_id in ids:
                place = places.get(run_id)
                if place is None:
                    outcome.failed.append(
                        _failure(run_id, not_found(f"Run with id={run_id} not found"))
                    )
                elif action in ("set_tags", "delete_tags") and place.lifecycle_stage != ACTIVE:
                    outcome.failed.append(
                        _failure(
                            run_id,
                            invalid(
                                f"The run {run_id} must be in the 'active' state. "
                                f"Current state is {place.lifecycle_stage}."
                            ),
                        )
                    )
                else:
                    changing.append(run_id)
            if changing:
                if action == "delete":
                    self.store.set_runs_lifecycle(changing, DELETED)
                elif action == "restore":
                    self.store.set_runs_lifecycle(changing, ACTIVE)
                elif action == "set_tags":
                    self.store.set_runs_tags(changing, tag_values)
                else:
                    self.store.delete_runs_tags(changing, list(keys))
            outcome.updated = changing
        return outcome

    @staticmethod
    def _action_tags(action: str, tags: Sequence[RunTag], keys: Sequence[str]) -> dict[str, str]:
        """The tags of a ``set_tags`` action, checked (and the keys of ``delete_tags``)."""
        if action == "set_tags":
            if not tags or len(tags) > MAX_TAGS_PER_ACTION:
                raise invalid(f"set_tags needs 1 to {MAX_TAGS_PER_ACTION} tags, got {len(tags)}")
            for index, tag in enumerate(tags):
                check.validate_run_tag(tag.key, tag.value, f"tags[{index}]")
            return {tag.key: tag.value for tag in tags}
        if action == "delete_tags":
            if not keys or len(keys) > MAX_TAGS_PER_ACTION:
                raise invalid(f"delete_tags needs 1 to {MAX_TAGS_PER_ACTION} keys, got {len(keys)}")
            for index, key in enumerate(keys):
                check.validate_key("tag", key, f"keys[{index}]")
        elif tags or keys:
            raise invalid(f"The action {action} takes no tags or keys")
        return {}

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        batch_id: str | None = None,
        *,
        skip_duplicate_points: bool = False,
        model_metrics: Sequence[LoggedModelMetric] = (),
    ) -> None:
        """See ``TrackingStore.log_batch``. ``model_metrics`` link points of ``metrics`` to
        logged models (MLflow's ``model_id`` on a metric). Checked in MLflow's order, with its
        messages (each naming its item: ``params[2].key``)."""
        check.validate_mlflow_run_id(run_id)
        check.validate_metrics(metrics)
        check.validate_model_metric_links(model_metrics)
        for index, param in enumerate(params):
            check.validate_param(param.key, param.value, f"params[{index}]")
        for index, tag in enumerate(tags):
            check.validate_run_tag(tag.key, tag.value, f"tags[{index}]")
        check.validate_batch_limits(metrics, params, tags)
        check.validate_param_keys_unique(params)
        if batch_id is not None:
            check.validate_batch_id(batch_id)
        if not (metrics or params or tags):
            return
        self._log(
            run_id,
            list(metrics),
            list(params),
            list(tags),
            batch_id,
            skip_duplicate_points,
            list(model_metrics),
        )

    def log_metric(
        self,
        run_id: str,
        metric: Metric,
        *,
        skip_duplicate_points: bool = False,
        model_metrics: Sequence[LoggedModelMetric] = (),
    ) -> None:
        """One point: ``log_batch`` of it, with MLflow's messages for a single metric (its
        fields are named ``name``, ``value``, ... rather than ``metrics[0].name``)."""
        check.validate_run_id(run_id)
        check.validate_metric(metric)
        check.validate_model_metric_links(model_metrics)
        self._log(run_id, [metric], [], [], None, skip_duplicate_points, list(model_metrics))

    def log_param(self, run_id: str, param: Param) -> None:
        """One param, with MLflow's messages for a single one."""
        check.validate_run_id(run_id)
        check.validate_param(param.key, param.value)
        try:
            self._log(run_id, [], [param], [], None, False)
        except ParamValueChanged as changed:
            (key, old_value, new_value), *_ = changed.conflicts
            raise invalid(
                f"Changing param values is not allowed. Param with key='{key}' was already "
                f"logged with value='{old_value}' for run ID='{run_id}'. Attempted logging "
                f"new value '{new_value}'."
            ) from None

    def set_tag(self, run_id: str, tag: RunTag) -> None:
        """One tag, with MLflow's messages for a single one."""
        check.validate_run_id(run_id)
        check.validate_run_tag(tag.key, tag.value)
        self._log(run_id, [], [], [tag], None, False)

    def _log(
        self,
        run_id: str,
        metrics: list[Metric],
        params: list[Param],
        tags: list[RunTag],
        batch_id: str | None,
        skip_duplicate_points: bool,
        model_metrics: list[LoggedModelMetric] | None = None,
    ) -> None:
        self.store.log_batch(
            run_id,
            metrics,
            params,
            tags,
            batch_id,
            skip_duplicate_points=skip_duplicate_points,
            model_metrics=model_metrics or [],
        )

    def delete_tag(self, run_id: str, key: str) -> None:
        check.validate_run_id(run_id)
        check.validate_key("tag", key)
        self.store.delete_tag(run_id, key)

    def log_inputs(self, run_id: str, datasets: list[DatasetInput]) -> None:
        check.validate_mlflow_run_id(run_id)
        for dataset_input in datasets:
            check.validate_dataset_input(dataset_input)
        self.store.log_inputs(run_id, list(datasets))

    def get_metric_history(
        self,
        run_id: str,
        key: str,
        max_results: int | None = None,
        page_token: str | None = None,
        *,
        max_page_size: int = MAX_RESULTS_LIMIT,
    ) -> Page[Metric]:
        """All points, or a page of ``max_results`` (at most ``max_page_size``) from
        ``page_token`` on."""
        check.validate_run_id(run_id)
        check.validate_key("metric", key)
        if max_results is not None:
            check.validate_max_results(max_results, max_page_size)
        return self.store.get_metric_history(run_id, key, max_results, page_token)

    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        check.validate_run_id(run_id)
        check.validate_key("metric", key)
        check.validate_max_results(max_points)
        return self.store.sample_metric_history(run_id, key, max(max_points, 4))

    def metric_overview(self, run_id: str, key: str, max_points: int) -> tuple[list[Metric], bool]:
        """A metric's history for a chart of at most about ``max_points`` points, and
        whether it was downsampled: a history that fits comes back whole, only a longer one
        is sampled (``sample_metric_history``)."""
        head = self.get_metric_history(run_id, key, max_results=max_points)
        if head.next_page_token is None:
            return head.items, False
        return self.sample_metric_history(run_id, key, max_points), True

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        for experiment_id in experiment_ids:
            check.validate_experiment_id(experiment_id)
        check.validate_view_type(run_view_type)
        check.validate_max_results(max_results)
        check.validate_order_by(order_by)
        return self.store.search_runs(
            experiment_ids, filter_string or "", run_view_type, max_results, order_by, page_token
        )

    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        for experiment_id in experiment_ids:
            check.validate_experiment_id(experiment_id)
        return self.store.list_run_keys(experiment_ids)

    # -- liveness ----------------------------------------------------------------------
    def heartbeat(self, run_ids: list[str]) -> list[str]:
        """The clients of these runs are alive (each client calls this every few seconds
        with its RUNNING runs). Returns the ids that are unknown or no longer RUNNING."""
        check.validate_run_ids(run_ids)
        return self.store.heartbeat(run_ids, now_ms())

    def reap_dead_runs(self, now: int, timeout: float) -> list[str]:
        """Mark KILLED the RUNNING runs whose last heartbeat is more than ``timeout``
        seconds before ``now`` (ms); their end_time is that last heartbeat. Returns
        their ids. Runs that never sent a heartbeat (MLflow clients) are never reaped."""
        if not timeout > 0:
            raise invalid(f"The heartbeat timeout must be positive, got {timeout!r}")
        return self.store.reap_dead_runs(now - int(timeout * 1000))

    def close(self) -> None:
        """Dispose of the store's database engine (the registry's stores share it)."""
        self.store.close()

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _check_tags(tags: dict[str, str]) -> None:
        for key, value in tags.items():
            check.validate_key("tag", key)
            check.validate_tag_value(key, value)

    @staticmethod
    def _check_run_tags(tags: dict[str, str]) -> None:
        for key, value in tags.items():
            check.validate_run_tag(key, value)


def _failure(run_id: str, error: TrackerError) -> dict[str, str]:
    return {"run_id": run_id, "error_code": error.error_code, "message": error.message}
