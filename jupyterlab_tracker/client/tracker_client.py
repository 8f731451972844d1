"""``TrackerClient``: the explicit client, ``MlflowClient``'s methods over a backend.

The URI picks the backend (a ``contracts.TrackingBackend``: ``backend.open_backend``),
resolved on first use so that
creating a client is free. Metric logging is buffered (``buffer.MetricBuffer``); params and
tags are written at once, so an immutability error surfaces at the call that caused it.
Reads of runs and metrics flush the buffer first: what you logged is what you read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from ..config import DEFAULT_HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL_ENV
from ..contracts import TrackingBackend
from ..domain.clock import now_ms
from ..domain.limits import ALL_RUNS_RESULTS_DEFAULT, SEARCH_RESULTS_DEFAULT
from ..entities import (
    ACTIVE_ONLY,
    ACTIVE_ONLY_NUMBER,
    TERMINAL_STATUSES,
    DatasetInput,
    Experiment,
    Metric,
    Page,
    Param,
    Run,
    RunInfo,
    RunTag,
    view_type_name,
)
from ..errors import invalid
from .backend import open_backend
from .buffer import MetricBuffer
from .model_client import ModelMethods

T = TypeVar("T")


class TrackerClient(ModelMethods):
    """An explicit tracking client, like ``mlflow.MlflowClient``.

    Artifacts, logged models and the model registry: see ``ModelMethods``.

    ``uri``: ``http(s)://host:port/<base_url>/tracker`` (a Jupyter server; the token comes
    from ``token`` or ``$JUPYTERLAB_TRACKER_TOKEN``), or a database URL
    (``sqlite:///path.db``, ``postgresql://...``) written in-process. Default:
    ``get_tracking_uri()``. In-process, artifacts live under ``artifact_root`` (default
    ``$JUPYTERLAB_TRACKER_ARTIFACT_ROOT``) or ``allowed_artifact_roots`` (default the JSON
    list in ``$JUPYTERLAB_TRACKER_ALLOWED_ARTIFACT_ROOTS``), as on the server.

    While a run this client created (or set RUNNING) runs, the client sends a heartbeat
    for it every ``heartbeat_interval`` seconds (default ``$JUPYTERLAB_TRACKER_HEARTBEAT_INTERVAL``
    or 10; 0 turns them off); the server marks a run KILLED once they stop.
    """

    def __init__(
        self,
        uri: str | None = None,
        *,
        token: str | None = None,
        artifact_root: str | None = None,
        allowed_artifact_roots: list[str] | None = None,
        flush_interval: float = 1.0,
        heartbeat_interval: float | None = None,
    ):
        if uri is None:
            from .fluent import get_tracking_uri

            uri = get_tracking_uri()
        self.uri = uri
        self._token = token
        self._artifact_root = artifact_root
        self._allowed_artifact_roots = allowed_artifact_roots
        self._backend: TrackingBackend | None = None
        if heartbeat_interval is None:
            heartbeat_interval = float(
                os.environ.get(HEARTBEAT_INTERVAL_ENV, DEFAULT_HEARTBEAT_INTERVAL)
            )
        self._buffer = MetricBuffer(
            self._write_metrics,
            flush_interval=flush_interval,
            send_heartbeats=lambda run_ids: self.backend.heartbeat(run_ids),
            heartbeat_interval=heartbeat_interval,
        )

    @property
    def backend(self) -> TrackingBackend:
        """The backend, opened on first use."""
        if self._backend is None:
            self._backend = open_backend(
                self.uri,
                token=self._token,
                artifact_root=self._artifact_root,
                allowed_artifact_roots=self._allowed_artifact_roots,
            )
        return self._backend

    def __repr__(self) -> str:
        return f"TrackerClient({self.uri!r})"

    # -- buffered metrics --------------------------------------------------------------
    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        timestamp: int | None = None,
        step: int | None = None,
        synchronous: bool | None = None,
    ) -> None:
        """Buffer one point; it is written within about a second, or by ``flush()``;
        ``synchronous=True``: written (flushed) before this returns."""
        if not isinstance(key, str) or not key:
            raise invalid(f"Metric key must be a non-empty string, got {key!r}")
        try:
            point = (
                run_id,
                key,
                float(value),
                now_ms() if timestamp is None else int(timestamp),
                0 if step is None else int(step),
            )
        except (TypeError, ValueError) as exc:
            raise invalid(f"Invalid metric {key!r}: {exc}") from exc
        self._buffer.add(point)
        if synchronous:
            self._buffer.flush()

    def log_metrics(
        self,
        run_id: str,
        metrics: dict[str, float],
        timestamp: int | None = None,
        step: int | None = None,
    ) -> None:
        timestamp = now_ms() if timestamp is None else timestamp
        for key, value in metrics.items():
            self.log_metric(run_id, key, value, timestamp, step)

    def flush(self) -> None:
        """Block until every metric logged so far is written; raise what failed."""
        self._buffer.flush()

    def close(self) -> None:
        """Flush (logging, not raising, what fails) and release the connection: the HTTP
        session, or in-process the database engine (its pooled connections are closed)."""
        self._buffer.close()
        if self._backend is not None:
            self._backend.close()

    def _write_metrics(self, run_id: str, metrics: list[Metric], batch_id: str) -> None:
        self.backend.log_batch(run_id, metrics=metrics, batch_id=batch_id)

    def watch_run(self, run_id: str) -> None:
        """Send heartbeats for this running run until it ends (``create_run`` does it)."""
        self._buffer.watch_run(run_id)

    def _flush_if_buffered(self) -> None:
        # A read sees every point logged before it, also those the writer thread holds.
        if self._buffer.unwritten:
            self._buffer.flush()

    # -- synchronous helpers -----------------------------------------------------------
    def log_param(
        self, run_id: str, key: str, value: object, synchronous: bool | None = None
    ) -> Any:
        """Written at once (``synchronous`` is accepted for MLflow's sake: params are never
        queued); returns ``value``, as ``MlflowClient.log_param`` does (annotated ``Any`` as
        MlflowClient's is: test_client_mlflow_signatures compares them)."""
        self.backend.log_batch(run_id, params=[Param(key, _as_str(value))])
        return value

    def log_params(self, run_id: str, params: Mapping[str, object]) -> None:
        self.backend.log_batch(run_id, params=[Param(k, _as_str(v)) for k, v in params.items()])

    def set_tag(
        self, run_id: str, key: str, value: object, synchronous: bool | None = None
    ) -> None:
        """Written at once (``synchronous``: as for ``log_param``)."""
        self.backend.log_batch(run_id, tags=[RunTag(key, _as_str(value))])

    def set_tags(self, run_id: str, tags: Mapping[str, object]) -> None:
        self.backend.log_batch(run_id, tags=[RunTag(k, _as_str(v)) for k, v in tags.items()])

    def set_terminated(
        self, run_id: str, status: str | None = None, end_time: int | None = None
    ) -> RunInfo:
        """End a run: flush its metrics, then set a terminal status (FINISHED when None, as
        in MLflow) and end time."""
        status = status or "FINISHED"
        if status not in TERMINAL_STATUSES:
            raise invalid(f"A run ends as one of {TERMINAL_STATUSES}, not {status!r}")
        try:
            self.flush()
        finally:  # the run ends even if its last metrics could not be written
            info = self.update_run_info(run_id, status=status, end_time=end_time or now_ms())
        return info

    # -- the tracking backend's methods, in MlflowClient's shapes ------------------------
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> str:
        return self.backend.create_experiment(name, artifact_location, tags)

    def get_experiment(self, experiment_id: str) -> Experiment:
        return self.backend.get_experiment(experiment_id)

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        return self.backend.get_experiment_by_name(name)

    def search_experiments(
        self,
        view_type: int | str = ACTIVE_ONLY_NUMBER,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Experiment]:
        """``view_type``: MLflow's ``ViewType`` number or its name ("ACTIVE_ONLY", ...)."""
        return self.backend.search_experiments(
            view_type_name(view_type), max_results, filter_string or "", order_by, page_token
        )

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        self.backend.rename_experiment(experiment_id, new_name)

    def delete_experiment(self, experiment_id: str) -> None:
        self.backend.delete_experiment(experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        self.backend.restore_experiment(experiment_id)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        self.backend.set_experiment_tag(experiment_id, key, value)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        self.backend.delete_experiment_tag(experiment_id, key)

    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
        *,
        user_id: str = "",
        heartbeat: bool = True,
    ) -> Run:
        """Create a RUNNING run; ``heartbeat``: this client sends heartbeats for it while it
        runs (unless its heartbeat interval is 0), the first recorded with the run."""
        beating = heartbeat and self._buffer.sends_heartbeats
        run = self.backend.create_run(
            experiment_id, user_id, start_time, tags, run_name, heartbeat=beating
        )
        if beating:  # its first heartbeat was recorded with the run
            self._buffer.watch_run(run.info.run_id, first_beat_sent=True)
        return run

    def get_run(self, run_id: str) -> Run:
        self._flush_if_buffered()
        return self.backend.get_run(run_id)

    def update_run_info(
        self,
        run_id: str,
        status: str | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> RunInfo:
        if status in TERMINAL_STATUSES:
            self._buffer.unwatch_run(run_id)
        info = self.backend.update_run_info(run_id, status, end_time, run_name)
        if status == "RUNNING":
            self.watch_run(run_id)
        return info

    def delete_run(self, run_id: str) -> None:
        self.backend.delete_run(run_id)

    def restore_run(self, run_id: str) -> None:
        self.backend.restore_run(run_id)

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        synchronous: bool | None = None,
        *,
        batch_id: str | None = None,
    ) -> None:
        """Write at once (unbuffered; ``synchronous`` as for ``log_param``), in one
        transaction; a ``batch_id`` sent again is stored once (retries)."""
        self.backend.log_batch(run_id, list(metrics), list(params), list(tags), batch_id)

    def delete_tag(self, run_id: str, key: str) -> None:
        self.backend.delete_tag(run_id, key)

    def log_inputs(self, run_id: str, datasets: list[DatasetInput] | None = None) -> None:
        self.backend.log_inputs(run_id, list(datasets or []))

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every point of one metric, in (step, timestamp) order, as ``MlflowClient``'s:
        the store's pages are followed here."""
        self._flush_if_buffered()
        return _all_items(
            lambda token: self.backend.get_metric_history(run_id, key, page_token=token)
        )

    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        self._flush_if_buffered()
        return self.backend.sample_metric_history(run_id, key, max_points)

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: int | str = ACTIVE_ONLY_NUMBER,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        """``run_view_type``: MLflow's ``ViewType`` number or its name."""
        self._flush_if_buffered()
        return self.backend.search_runs(
            experiment_ids,
            filter_string,
            view_type_name(run_view_type),
            max_results,
            order_by,
            page_token,
        )

    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        self._flush_if_buffered()
        return self.backend.list_run_keys(experiment_ids)

    # -- conveniences over pages -------------------------------------------------------
    def get_full_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """The older name of ``get_metric_history`` (which now follows pages itself)."""
        return self.get_metric_history(run_id, key)

    def search_all_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = ALL_RUNS_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
    ) -> list[Run]:
        """Up to ``max_results`` runs, following pages."""
        page_size = min(max_results, SEARCH_RESULTS_DEFAULT)

        def page(token: str | None) -> Page[Run]:
            return self.search_runs(
                experiment_ids, filter_string, run_view_type, page_size, order_by, token
            )

        return _all_items(page, limit=max_results)


def _all_items(fetch_page: Callable[[str | None], Page[T]], limit: int | None = None) -> list[T]:
    items: list[T] = []
    token: str | None = None
    while True:
        page = fetch_page(token)
        items.extend(page.items)
        token = page.next_page_token
        if not token or (limit is not None and len(items) >= limit):
            return items[:limit] if limit is not None else items


def _as_str(value: object) -> str:
    """Param and tag values are strings; MLflow stores other values as ``str(value)``."""
    return value if isinstance(value, str) else str(value)
