"""The fluent API (``import jupyterlab_tracker as jt``), shaped like MLflow's.

One module-level session holds the tracking URI, the client, the current experiment and
the stack of active runs; every function here works through ``TrackerClient``. Like
MLflow, logging with no active run starts one in the current experiment.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from dataclasses import dataclass, field
from typing import Literal

from ..config import STORE_URI_ENV, default_store_uri
from ..domain.clock import now_ms
from ..domain.limits import ALL_RUNS_RESULTS_DEFAULT
from ..domain.tags import (
    DATASET_CONTEXT_TAG,
    NOTE_TAG,
    PARENT_RUN_TAG,
    RUN_NAME_TAG,
    SOURCE_NAME_TAG,
    SOURCE_TYPE_LOCAL,
    SOURCE_TYPE_NOTEBOOK,
    SOURCE_TYPE_TAG,
    USER_TAG,
)
from ..entities import (
    ACTIVE_ONLY,
    DEFAULT_EXPERIMENT_ID,
    DELETED,
    Dataset,
    DatasetInput,
    Experiment,
    Metric,
    Run,
)
from ..errors import INVALID_STATE, RESOURCE_ALREADY_EXISTS, TrackerError, invalid, not_found
from . import capture, mlflow_runs, system_metrics
from .backend import is_http_uri
from .tracker_client import TrackerClient

log = logging.getLogger(__name__)


class ActiveRun(Run):
    """The run ``start_run`` returned; as a context manager it ends the run on exit,
    FAILED if the block raised, else FINISHED."""

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(self, exc_type, exc, tb) -> Literal[False]:
        if not any(r.info.run_id == self.info.run_id for r in _run_stack()):
            return False  # already ended inside the block (through jt or mlflow)
        if exc_type is None:
            end_run("FINISHED")
        else:
            try:
                end_run("FAILED")
            except Exception as end_error:  # never hide the block's own exception
                log.warning(
                    "jupyterlab_tracker: ending run %s failed: %s", self.info.run_id, end_error
                )
        return False


@dataclass
class _Session:
    tracking_uri: str | None = None
    client: TrackerClient | None = None
    experiment_id: str | None = None
    run_stack: list[ActiveRun] = field(default_factory=list)
    last_run_id: str | None = None
    # The runs of run_stack that are on mlflow's active-run stack too (jt put them there,
    # or mlflow started them): gone from mlflow's stack means ended through mlflow.
    shared_run_ids: set[str] = field(default_factory=set)
    # The (jt, mlflow) innermost active runs last checked by _run_stack.
    checked_tops: tuple = (None, None)
    announced_run_id: str | None = None  # the MLFLOW_RUN_ID jt set for a later mlflow
    # System metrics: enable/disable_system_metrics_logging's choice (None: the env var),
    # the sampling interval (None: the env var or 10 s), and the monitor of each run.
    system_metrics_enabled: bool | None = None
    system_metrics_interval: float | None = None
    monitors: dict[str, system_metrics.SystemMetricsMonitor] = field(default_factory=dict)


_session = _Session()


def _client() -> TrackerClient:
    if _session.client is None:
        _session.client = TrackerClient(get_tracking_uri())
    return _session.client


# -- where to log ----------------------------------------------------------------------


def set_tracking_uri(uri: str) -> None:
    """Log to ``uri`` from now on (an http(s) tracker URL or a database URL)."""
    if _session.client is not None and _session.client.uri != uri:
        _session.client.close()  # writes what the old client still buffers
        _session.client = None
        _session.experiment_id = None  # experiment ids belong to the old store
    _session.tracking_uri = uri


def get_tracking_uri() -> str:
    """``set_tracking_uri``'s value, else ``$JUPYTERLAB_TRACKER_URI`` (a Jupyter server sets
    it for its kernels), else ``$MLFLOW_TRACKING_URI`` when it points at a tracker
    (``http(s)://.../tracker``), else the default SQLite file."""
    if _session.tracking_uri:
        return _session.tracking_uri
    if os.environ.get(STORE_URI_ENV):
        return os.environ[STORE_URI_ENV]
    mlflow_uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    if is_http_uri(mlflow_uri) and mlflow_uri.rstrip("/").endswith("/tracker"):
        return mlflow_uri
    return default_store_uri()


# -- experiments -----------------------------------------------------------------------


def create_experiment(
    name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
) -> str:
    return _client().create_experiment(name, artifact_location, tags)


def get_experiment(experiment_id: str) -> Experiment:
    return _client().get_experiment(experiment_id)


def get_experiment_by_name(name: str) -> Experiment | None:
    return _client().get_experiment_by_name(name)


def set_experiment(
    experiment_name: str | None = None, experiment_id: str | None = None
) -> Experiment:
    """Make an experiment current for new runs, creating it by name when it is missing."""
    if (experiment_name is None) == (experiment_id is None):
        raise invalid("Give exactly one of experiment_name and experiment_id")
    client = _client()
    if experiment_id is not None:
        experiment = client.get_experiment(str(experiment_id))
    else:
        assert experiment_name is not None  # exactly one of the two (checked above)
        found = client.get_experiment_by_name(experiment_name)
        if found is None:
            try:
                found = client.get_experiment(client.create_experiment(experiment_name))
            except TrackerError as error:
                # Another process created it between our look-up and our create.
                if error.error_code != RESOURCE_ALREADY_EXISTS:
                    raise
                found = client.get_experiment_by_name(experiment_name)
        if found is None:  # and deleted for good before we looked again
            raise not_found(f"Experiment '{experiment_name}' was removed while being created")
        experiment = found
    if experiment.lifecycle_stage == DELETED:
        raise TrackerError(
            f"Experiment '{experiment.name}' is deleted; restore it or pick another name",
            INVALID_STATE,
        )
    _session.experiment_id = experiment.experiment_id
    mlflow_runs.share_experiment(get_tracking_uri(), experiment.experiment_id)
    return experiment


def _current_experiment_id() -> str:
    """Where new runs go: the experiment set last, by ``jt.set_experiment`` or (when mlflow
    logs to the same store) ``mlflow.set_experiment``; else the default one."""
    return (
        mlflow_runs.active_experiment_id(get_tracking_uri())
        or _session.experiment_id
        or DEFAULT_EXPERIMENT_ID
    )


# -- runs ------------------------------------------------------------------------------


def start_run(
    run_id: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    tags: dict[str, str] | None = None,
    description: str | None = None,
    log_system_metrics: bool | None = None,
) -> ActiveRun:
    """Start a run (or resume ``run_id``) and make it the active run.

    A run is already active: pass ``nested=True`` to start a child of it (tagged
    ``mlflow.parentRunId``). Use as ``with jt.start_run(): ...`` to end it automatically.
    ``log_system_metrics``: sample ``system/...`` metrics until the run ends (None: as
    ``enable_system_metrics_logging`` or ``$JUPYTERLAB_TRACKER_ENABLE_SYSTEM_METRICS_LOGGING``
    say; off by default, as in MLflow).
    """
    stack = _run_stack()
    if stack and not nested:
        raise TrackerError(
            f"Run {stack[-1].info.run_id} is already active. End it with jt.end_run() first, "
            "or start a nested run with jt.start_run(nested=True).",
            INVALID_STATE,
        )
    client = _client()
    extra_tags = dict(tags or {})
    if description is not None:
        extra_tags[NOTE_TAG] = description
    if nested and stack:
        extra_tags[PARENT_RUN_TAG] = stack[-1].info.run_id

    if run_id is not None:
        run = _resume_run(client, run_id, experiment_id, run_name, extra_tags)
    else:
        # The caller's tags win; the service sets mlflow.runName from run_name (or a
        # generated name) and fills in the user.
        run_tags = {**_context_tags(), **capture.notebook_tags(), **extra_tags}
        run = client.create_run(
            str(experiment_id) if experiment_id is not None else _current_experiment_id(),
            user_id=run_tags.get(USER_TAG, ""),
            start_time=now_ms(),
            tags=run_tags,
            run_name=run_name,
        )
        capture.record_run_sources(client, run.info.run_id)
    active = ActiveRun(run.info, run.data, run.inputs)
    stack.append(active)
    _share_with_mlflow(active.info.run_id)
    if _system_metrics_wanted(log_system_metrics):
        _start_monitor(client, active.info.run_id)
    return active


def _resume_run(client, run_id, experiment_id, run_name, tags) -> Run:
    run = client.get_run(run_id)
    if experiment_id is not None and str(experiment_id) != run.info.experiment_id:
        raise invalid(
            f"Run {run_id} belongs to experiment {run.info.experiment_id}, not {experiment_id}"
        )
    if run.info.lifecycle_stage == DELETED:
        raise TrackerError(f"Run {run_id} is deleted; restore it first", INVALID_STATE)
    if run.info.status != "RUNNING" or run_name:
        client.update_run_info(run_id, status="RUNNING", run_name=run_name)
    client.watch_run(run_id)
    if run_name:
        tags = {**tags, RUN_NAME_TAG: run_name}
    if tags:
        client.set_tags(run_id, tags)
    return client.get_run(run_id)


def _context_tags() -> dict[str, str]:
    """Who and where, as MLflow records it: user, source name and source type."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name (some containers)
        user = "unknown"
    notebook = os.environ.get("JPY_SESSION_NAME", "")
    if notebook and _in_ipython():
        source_name, source_type = notebook, SOURCE_TYPE_NOTEBOOK
    else:
        source_name, source_type = (
            (sys.argv[0] if sys.argv and sys.argv[0] else "<console>"),
            SOURCE_TYPE_LOCAL,
        )
    return {USER_TAG: user, SOURCE_NAME_TAG: source_name, SOURCE_TYPE_TAG: source_type}


def _in_ipython() -> bool:
    ipython = sys.modules.get("IPython")  # never import IPython just to ask
    return ipython is not None and ipython.get_ipython() is not None


def end_run(status: str = "FINISHED") -> None:
    """End the active run: write its buffered metrics, then set ``status`` and the end time.
    A run shared with mlflow ends for mlflow too (``mlflow.end_run``)."""
    stack = _run_stack()
    if not stack:
        return
    run_id = stack[-1].info.run_id
    _stop_monitor(run_id)  # its last sample is buffered before the run's points are written
    try:
        _client().set_terminated(run_id, status)
    finally:
        stack.pop()
        _session.last_run_id = run_id
        _unshare_with_mlflow(run_id, status)


def active_run() -> ActiveRun | None:
    """The active run: the same run as ``mlflow.active_run()`` when mlflow is imported
    and logs to the same store."""
    stack = _run_stack()
    return stack[-1] if stack else None


def last_active_run() -> Run | None:
    """The active run, else the run that ended last (fetched fresh), else None."""
    stack = _run_stack()
    if stack:
        return get_run(stack[-1].info.run_id)
    return get_run(_session.last_run_id) if _session.last_run_id else None


def _active_run_id() -> str:
    """The active run's id; logging with no active run starts one, as in MLflow."""
    stack = _run_stack()
    return (stack[-1] if stack else start_run()).info.run_id


# -- one active run with mlflow (rules: docs/mlflow-compatibility.md) -------------------


def _run_stack() -> list[ActiveRun]:
    """jt's active runs, first brought in line with mlflow's when the kernel has imported
    mlflow. This is on every logging call: the usual case (no mlflow, or the same
    innermost runs as last time) costs a look-up and two identity checks."""
    stack = _session.run_stack
    fluent = mlflow_runs.loaded_fluent()
    if fluent is not None:
        tops = (stack[-1] if stack else None, fluent.active_run())
        if tops[0] is not _session.checked_tops[0] or tops[1] is not _session.checked_tops[1]:
            _check_mlflow(fluent, tops)
    return stack


def _check_mlflow(fluent, tops: tuple) -> None:
    """The innermost runs changed since last checked: follow mlflow if they now differ
    (and mlflow logs to the same store), then remember what was checked."""
    ids = [run.info.run_id if run is not None else None for run in tops]
    if ids[0] != ids[1] and mlflow_runs.shares_store(get_tracking_uri()):
        _follow_mlflow(fluent)
        stack = _session.run_stack
        tops = (stack[-1] if stack else None, fluent.active_run())
    # Different stores are not checked again (reading mlflow's URI costs more than a
    # logged point) until either innermost run changes.
    _session.checked_tops = tops


def _follow_mlflow(fluent) -> None:
    """The innermost runs differ: drop the shared runs mlflow ended, adopt the ones mlflow
    started, and give mlflow jt's innermost run if mlflow was imported after it began."""
    announced, _session.announced_run_id = _session.announced_run_id, None
    if announced is not None:
        if os.environ.get(mlflow_runs.RUN_ID_ENV) == announced:
            mlflow_runs.announce(None)  # not taken up: pushed below instead
        else:  # mlflow's first fluent call resumed it
            _session.shared_run_ids.add(announced)
    stack = _session.run_stack
    mlflow_ids = mlflow_runs.stack_run_ids(fluent)
    on_mlflow = set(mlflow_ids)
    kept = []
    for run in stack:
        if run.info.run_id in _session.shared_run_ids and run.info.run_id not in on_mlflow:
            _session.last_run_id = run.info.run_id  # ended through mlflow.end_run
            _stop_monitor(run.info.run_id)
        else:
            kept.append(run)
    known = {run.info.run_id for run in kept}
    for run_id in mlflow_ids:
        if run_id not in known:  # started through mlflow.start_run (or its autologging)
            started = _client().get_run(run_id)
            kept.append(ActiveRun(started.info, started.data, started.inputs))
    _session.shared_run_ids = on_mlflow
    stack[:] = kept
    if stack and stack[-1].info.run_id not in on_mlflow:
        mlflow_runs.push(fluent, stack[-1].info.run_id)
        _session.shared_run_ids.add(stack[-1].info.run_id)


def _share_with_mlflow(run_id: str) -> None:
    """jt started ``run_id``: make it mlflow's active run too (now, or when mlflow is
    imported later, through mlflow's own ``MLFLOW_RUN_ID``)."""
    fluent = mlflow_runs.loaded_fluent()
    uri = get_tracking_uri()
    if fluent is not None:
        if mlflow_runs.shares_store(uri):
            mlflow_runs.push(fluent, run_id)
            _session.shared_run_ids.add(run_id)
    elif mlflow_runs.env_would_share_store(uri):
        mlflow_runs.announce(run_id)
        _session.announced_run_id = run_id


def _unshare_with_mlflow(run_id: str, status: str) -> None:
    """jt ended ``run_id``: end it for mlflow too, and point a later mlflow at the run
    that is active now."""
    _session.shared_run_ids.discard(run_id)
    fluent = mlflow_runs.loaded_fluent()
    if fluent is not None and mlflow_runs.top_run_id(fluent) == run_id:
        fluent.end_run(status)  # pops mlflow's stack (and sets the same status again)
    if _session.announced_run_id == run_id:
        _session.announced_run_id = None
        if os.environ.get(mlflow_runs.RUN_ID_ENV) == run_id:  # not taken up by mlflow
            outer = _session.run_stack[-1].info.run_id if _session.run_stack else None
            mlflow_runs.announce(outer)
            _session.announced_run_id = outer


def get_run(run_id: str) -> Run:
    return _client().get_run(run_id)


# -- system metrics (names and steps: client/system_metrics.py) ------------------------


def enable_system_metrics_logging() -> None:
    """Log system metrics for every run started from now on (as MLflow's function)."""
    _session.system_metrics_enabled = True


def disable_system_metrics_logging() -> None:
    """Stop logging system metrics for runs started from now on (running monitors go on
    until their run ends, as in MLflow)."""
    _session.system_metrics_enabled = False


def set_system_metrics_sampling_interval(interval: float | None) -> None:
    """Seconds between samples for runs started from now on (None: the default, 10 s or
    ``$JUPYTERLAB_TRACKER_SYSTEM_METRICS_INTERVAL``)."""
    _session.system_metrics_interval = (
        None if interval is None else system_metrics.validate_interval(interval)
    )


def system_metrics_logging_enabled(default: bool = False) -> bool:
    """Whether a run started with ``log_system_metrics=None`` samples system metrics:
    enable/disable_system_metrics_logging's choice, else
    ``$JUPYTERLAB_TRACKER_ENABLE_SYSTEM_METRICS_LOGGING`` when set, else ``default``."""
    if _session.system_metrics_enabled is not None:
        return _session.system_metrics_enabled
    return system_metrics.enabled_by_env(default)


def _system_metrics_wanted(log_system_metrics: bool | None) -> bool:
    if log_system_metrics is not None:
        return bool(log_system_metrics)
    return system_metrics_logging_enabled()


def _start_monitor(client: TrackerClient, run_id: str) -> None:
    if run_id in _session.monitors:
        return
    interval = _session.system_metrics_interval or system_metrics.interval_from_env()

    def log_sample(metrics: dict[str, float], step: int) -> None:
        client.log_metrics(run_id, metrics, step=step)  # buffered: no call of its own

    try:
        sampler = system_metrics.SystemSampler()
    except Exception as exc:  # psutil missing or refused here: the run goes on without
        log.warning("jupyterlab_tracker: no system metrics for run %s: %s", run_id, exc)
        return
    monitor = system_metrics.SystemMetricsMonitor(log_sample, interval, sampler)
    _session.monitors[run_id] = monitor.start()


def _stop_monitor(run_id: str) -> None:
    monitor = _session.monitors.pop(run_id, None)
    if monitor is not None:
        monitor.stop()


def system_metrics_monitor(run_id: str) -> system_metrics.SystemMetricsMonitor | None:
    """The monitor sampling ``run_id``'s system metrics, if any (for tests and views)."""
    return _session.monitors.get(run_id)


# -- logging ---------------------------------------------------------------------------


def log_metric(
    key: str, value: float, step: int | None = None, timestamp: int | None = None
) -> None:
    """Buffer one metric point for the active run (step 0 by default, as in MLflow)."""
    _client().log_metric(_active_run_id(), key, value, timestamp, step)


def log_metrics(
    metrics: dict[str, float], step: int | None = None, timestamp: int | None = None
) -> None:
    _client().log_metrics(_active_run_id(), metrics, timestamp, step)


def log_param(key: str, value):
    """Write one param now (a different value for a logged key is an error); returns value."""
    _client().log_param(_active_run_id(), key, value)
    return value


def log_params(params: dict) -> None:
    _client().log_params(_active_run_id(), params)


def set_tag(key: str, value) -> None:
    _client().set_tag(_active_run_id(), key, value)


def set_tags(tags: dict) -> None:
    _client().set_tags(_active_run_id(), tags)


def delete_tag(key: str) -> None:
    _client().delete_tag(_active_run_id(), key)


def log_input(
    dataset,
    context: str | None = None,
    tags: dict[str, str] | None = None,
    name: str | None = None,
) -> Dataset:
    """Record that the active run used ``dataset`` (a pandas DataFrame or a ``Dataset``).

    For a DataFrame the name, digest, schema and profile are computed; ``context`` (e.g.
    "training") is stored as the ``mlflow.data.context`` tag. Returns the Dataset logged.
    """
    if not isinstance(dataset, Dataset):
        from .datasets import dataset_from_dataframe

        dataset = dataset_from_dataframe(
            dataset, name=name, source=_context_tags()[SOURCE_NAME_TAG]
        )
    input_tags = dict(tags or {})
    if context is not None:
        input_tags[DATASET_CONTEXT_TAG] = context
    _client().log_inputs(_active_run_id(), [DatasetInput(dataset, input_tags)])
    return dataset


def flush() -> None:
    """Block until every metric logged so far is written; raise what failed."""
    if _session.client is not None:
        _session.client.flush()


# -- reading ---------------------------------------------------------------------------


def get_metric_history(run_id: str, key: str) -> list[Metric]:
    """Every point of one metric, ordered by step."""
    return _client().get_metric_history(run_id, key)


def sample_metric_history(run_id: str, key: str, max_points: int) -> list[Metric]:
    """At most ``max_points`` (4 or more) points of one metric that keep its shape, in
    history order: the whole history if it fits, else the first, last, lowest and highest
    point of each of ``max_points // 4`` equal step ranges (so the newest point and spikes
    are kept). What the panel's and the notebook's charts draw."""
    return _client().sample_metric_history(run_id, key, max_points)


def _all_experiment_ids(client: TrackerClient) -> list[str]:
    """Every active experiment's id, page by page."""
    ids: list[str] = []
    token = None
    while True:
        page = client.search_experiments(page_token=token)
        ids += [e.experiment_id for e in page]
        token = page.token
        if not token:
            return ids


def search_runs(
    experiment_ids: list[str] | None = None,
    filter_string: str = "",
    run_view_type: str = ACTIVE_ONLY,
    max_results: int = ALL_RUNS_RESULTS_DEFAULT,
    order_by: list[str] | None = None,
    output_format: str = "pandas",
    experiment_names: list[str] | None = None,
    search_all_experiments: bool = False,
):
    """Runs matching an MLflow filter, as a DataFrame with MLflow's columns (or a list).

    Default experiments: ``experiment_names`` if given, else every active experiment with
    ``search_all_experiments=True`` (MLflow's argument), else the current experiment.
    """
    if output_format not in ("pandas", "list"):
        raise invalid(f"output_format must be 'pandas' or 'list', not {output_format!r}")
    client = _client()
    ids = [str(i) for i in experiment_ids or []]
    for experiment_name in experiment_names or []:
        experiment = client.get_experiment_by_name(experiment_name)
        if experiment is None:
            raise not_found(f"No experiment named '{experiment_name}'")
        ids.append(experiment.experiment_id)
    if experiment_names is None and not ids and search_all_experiments:
        ids = _all_experiment_ids(client)
    elif experiment_ids is None and experiment_names is None:
        ids = [_current_experiment_id()]
    runs = client.search_all_runs(ids, filter_string, run_view_type, max_results, order_by)
    if output_format == "list":
        return runs
    from .frames import runs_to_dataframe

    return runs_to_dataframe(runs)
