"""Runs: their lifecycle (create, end, delete, restore, import, heartbeats), and what a batch
writes in one transaction (params, tags and metric points, idempotent by batch id)."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ...domain.clock import now_ms
from ...domain.names import generate_run_name
from ...domain.tags import RUN_NAME_TAG
from ...entities import (
    ACTIVE,
    DELETED,
    LoggedModelMetric,
    Metric,
    Param,
    Run,
    RunData,
    RunInfo,
    RunTag,
)
from ...errors import ParamValueChanged, already_exists, invalid, not_found
from .. import models as m
from ..ids import new_run_id
from ..sql import RUN_STATE_QUERY, run_id_in_list, run_id_list
from .metrics import insert_model_points, insert_points
from .rows import StoreRows, run_info_from_row


def batch_digest(metrics: Sequence[Metric], params: Sequence[Param], tags: Sequence[RunTag]) -> str:
    """SHA-256 (hex) of a batch's content, in order: what a replay must repeat exactly.

    Metric columns are hashed as packed arrays (exact float bits, no text formatting):
    about 0.1 ms for 1000 points. Keys cannot hold NUL, so NUL separates them.
    """
    digest = hashlib.sha256("\0".join([metric.key for metric in metrics]).encode())
    digest.update(array("d", [metric.value for metric in metrics]))
    digest.update(array("q", [metric.timestamp for metric in metrics]))
    digest.update(array("q", [metric.step or 0 for metric in metrics]))
    pairs = [("param", p.key, p.value) for p in params] + [("tag", t.key, t.value) for t in tags]
    digest.update(repr(pairs).encode())
    return digest.hexdigest()


# Statements on the logging hot path, built once: on SQLite, constructing a statement
# costs more than running it.
# PostgreSQL only (SQLite has no row locks): FOR NO KEY UPDATE, which other writers' foreign
# key checks (FOR KEY SHARE) do not wait for; only another such lock does.
_RUN_STATE_FOR_UPDATE = RUN_STATE_QUERY.with_for_update(key_share=True)
_PARAMS_QUERY = select(m.params.c.key, m.params.c.value).where(
    m.params.c.run_id == bindparam("run_id"),
    m.params.c.key.in_(bindparam("keys", expanding=True)),
)
_INSERT_RUN = insert(m.runs)


class RunsMixin(StoreRows):
    def create_run(
        self,
        experiment_id: str,
        user_id: str = "",
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
        heartbeat: bool = False,
    ) -> Run:
        tags = dict(tags or {})
        tagged_name = tags.get(RUN_NAME_TAG)
        if run_name and tagged_name and run_name != tagged_name:
            raise invalid(
                f"Both run_name ('{run_name}') and tag {RUN_NAME_TAG} ('{tagged_name}') "
                f"were given and they differ"
            )
        run_name = run_name or tagged_name or generate_run_name()
        tags[RUN_NAME_TAG] = run_name  # the tag and the column always agree
        run_id = new_run_id()
        start_time = now_ms() if start_time is None else start_time
        with self.db.session(write=True) as conn:
            experiment = self._active_experiment_row(conn, experiment_id)
            values = {
                "run_id": run_id,
                "experiment_id": experiment.experiment_id,
                "name": run_name,
                "user_id": user_id or "",
                "status": "RUNNING",
                "start_time": start_time,
                "end_time": None,
                "lifecycle_stage": ACTIVE,
                "artifact_uri": f"{experiment.artifact_location.rstrip('/')}/{run_id}/artifacts",
                "last_heartbeat": now_ms() if heartbeat else None,
            }
            conn.execute(_INSERT_RUN, values)
            tag_rows = [(run_id, key, value) for key, value in tags.items()]
            self.sql.bulk_insert(conn, m.tags, ("run_id", "key", "value"), tag_rows)
        info = RunInfo(
            run_id=run_id,
            experiment_id=str(experiment.experiment_id),
            run_name=run_name,
            user_id=values["user_id"],
            status="RUNNING",
            start_time=values["start_time"],
            end_time=None,
            lifecycle_stage=ACTIVE,
            artifact_uri=values["artifact_uri"],
        )
        return Run(info=info, data=RunData(tags=tags))

    def get_run(self, run_id: str) -> Run:
        with self.db.session() as conn:
            run = self._runs_from_rows(conn, [self._run_row(conn, run_id)])[0]
            inputs = m.run_model_inputs.c
            run.model_inputs = list(
                conn.execute(
                    select(inputs.model_id).where(inputs.run_id == run_id).order_by(inputs.model_id)
                ).scalars()
            )
            return run

    def update_run_info(
        self,
        run_id: str,
        status: str | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> RunInfo:
        with self.db.session(write=True) as conn:
            self._active_run_row(conn, run_id)
            changes: dict[str, object] = {}
            if status is not None:
                changes["status"] = status
            if end_time is not None:
                changes["end_time"] = end_time
            if run_name:
                changes["name"] = run_name
                self._upsert_tags(conn, run_id, {RUN_NAME_TAG: run_name})
            if changes:
                conn.execute(update(m.runs).where(m.runs.c.run_id == run_id).values(changes))
            return run_info_from_row(self._run_row(conn, run_id))

    def delete_run(self, run_id: str) -> None:
        with self.db.session(write=True) as conn:
            self._run_row(conn, run_id)
            conn.execute(
                update(m.runs)
                .where(m.runs.c.run_id == run_id)
                .values(lifecycle_stage=DELETED, deleted_time=now_ms())
            )

    def restore_run(self, run_id: str) -> None:
        with self.db.session(write=True) as conn:
            self._run_row(conn, run_id)
            conn.execute(
                update(m.runs)
                .where(m.runs.c.run_id == run_id)
                .values(lifecycle_stage=ACTIVE, deleted_time=None)
            )

    def insert_run_with_id(self, info: RunInfo) -> bool:
        """A run row as ``info`` describes it, under its own id (an import keeps MLflow's,
        so a second import finds the runs of the first and ``runs:/<id>`` links keep
        working). Its ``artifact_uri`` is ignored: the run gets its place under its
        experiment's location. False if the id is already taken."""
        with self.db.session(write=True) as conn:
            if conn.execute(select(m.runs.c.run_id).where(m.runs.c.run_id == info.run_id)).first():
                return False
            location = self._experiment_row(conn, info.experiment_id).artifact_location
            conn.execute(
                _INSERT_RUN,
                {
                    "run_id": info.run_id,
                    "experiment_id": int(info.experiment_id),
                    "name": info.run_name,
                    "user_id": info.user_id,
                    "status": info.status,
                    "start_time": info.start_time,
                    "end_time": info.end_time,
                    "lifecycle_stage": ACTIVE,  # deleted at the end of the import, if it was
                    "artifact_uri": f"{location.rstrip('/')}/{info.run_id}/artifacts",
                },
            )
        return True

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
        digest = None if batch_id is None else batch_digest(metrics, params, tags)
        arguments = (run_id, metrics, params, tags, batch_id, digest, skip_duplicate_points)
        try:
            self._log_batch(*arguments, model_metrics)
        except IntegrityError:
            # PostgreSQL only (SQLite writers are serialised by BEGIN IMMEDIATE): a
            # concurrent writer inserted the same param or batch id first. Once more: this
            # time the checks see its committed rows and decide properly.
            self._log_batch(*arguments, model_metrics)

    def _log_batch(
        self, run_id, metrics, params, tags, batch_id, digest, skip_duplicate_points, model_metrics
    ) -> None:
        with self.db.session(write=True) as conn:
            # Skipping points already stored means reading before writing: on PostgreSQL,
            # lock the run's row so that two copies of one request (a client's retry while
            # the first is still running) take turns. SQLite writers always do.
            run_query = _RUN_STATE_FOR_UPDATE if skip_duplicate_points else RUN_STATE_QUERY
            self._active_run_row(conn, run_id, run_query)
            if batch_id is not None and not self._claim_batch_id(conn, run_id, batch_id, digest):
                return  # this batch was applied before: a retry
            if params:
                self._insert_params(conn, run_id, params)
            if tags:
                self._upsert_tags(conn, run_id, {tag.key: tag.value for tag in tags})
            if metrics:
                insert_points(self.sql, conn, run_id, metrics, skip_duplicate_points)
            if model_metrics:
                insert_model_points(self.sql, conn, run_id, model_metrics)

    def _claim_batch_id(self, conn: Connection, run_id: str, batch_id: str, digest: str) -> bool:
        """True if the batch is new (and now recorded); False for a replay of the same
        content; RESOURCE_ALREADY_EXISTS for the same id with other content."""
        batches = m.logged_batches.c
        seen = conn.execute(
            select(batches.digest).where(batches.run_id == run_id, batches.batch_id == batch_id)
        ).first()
        if seen is None:
            conn.execute(
                insert(m.logged_batches).values(
                    run_id=run_id, batch_id=batch_id, logged_time=now_ms(), digest=digest
                )
            )
            return True
        # No digest: logged before digests were kept (migration 0006); trust the id.
        if seen.digest is not None and seen.digest != digest:
            raise already_exists(
                f"batch_id '{batch_id}' was already used for run {run_id} with different "
                "content; a retry must resend the same batch, and a new batch needs a new id"
            )
        return False

    def _insert_params(self, conn: Connection, run_id: str, params: list[Param]) -> None:
        wanted: dict[str, str] = {}
        for param in params:
            value = str(param.value)
            if wanted.setdefault(param.key, value) != value:  # the service says so first
                raise invalid(f"Param '{param.key}' appears twice in one batch")
        logged = dict(conn.execute(_PARAMS_QUERY, {"run_id": run_id, "keys": list(wanted)}).all())
        conflicts = [
            (key, logged[key], value)
            for key, value in wanted.items()
            if key in logged and logged[key] != value
        ]
        if conflicts:
            raise ParamValueChanged(run_id, conflicts)
        for key in logged:
            del wanted[key]
        if wanted:
            rows = [(run_id, key, value) for key, value in wanted.items()]
            self.sql.bulk_insert(conn, m.params, ("run_id", "key", "value"), rows)

    def _upsert_tags(self, conn: Connection, run_id: str, tags: dict[str, str]) -> None:
        # Deduplicated by the dict (last value wins): one statement may not update a row twice.
        self.sql.bulk_insert(
            conn,
            m.tags,
            ("run_id", "key", "value"),
            [(run_id, k, v) for k, v in tags.items()],
            statement=self.sql.upsert(m.tags, ["run_id", "key"], ["value"]),
        )
        if RUN_NAME_TAG in tags:  # keep runs.name in step with its tag
            conn.execute(
                update(m.runs).where(m.runs.c.run_id == run_id).values(name=tags[RUN_NAME_TAG])
            )

    def delete_tag(self, run_id: str, key: str) -> None:
        with self.db.session(write=True) as conn:
            self._active_run_row(conn, run_id)
            result = conn.execute(
                delete(m.tags).where(m.tags.c.run_id == run_id, m.tags.c.key == key)
            )
            if result.rowcount == 0:
                raise not_found(f"No tag with key '{key}' on run {run_id}")

    # -- liveness ----------------------------------------------------------------------
    def heartbeat(self, run_ids: list[str], now: int) -> list[str]:
        runs = m.runs.c
        with self.db.session(write=True) as conn:
            beaten = conn.execute(
                update(m.runs)
                .where(run_id_in_list(runs.run_id, self.db.dialect), runs.status == "RUNNING")
                .values(last_heartbeat=now)
                .returning(runs.run_id),
                {"run_ids": run_id_list(list(run_ids), self.db.dialect)},
            )
            alive = set(beaten.scalars())
        return sorted(set(run_ids) - alive)

    def reap_dead_runs(self, cutoff: int) -> list[str]:
        runs = m.runs.c
        with self.db.session(write=True) as conn:
            dead = conn.execute(
                update(m.runs)
                .where(runs.status == "RUNNING", runs.last_heartbeat < cutoff)
                .values(status="KILLED", end_time=runs.last_heartbeat)
                .returning(runs.run_id)
            )
            return sorted(dead.scalars())
