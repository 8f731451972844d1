"""Many runs at once: their places and stages, lifecycle and tag changes in one statement
each, and permanent deletion of runs and experiments (``jupyter tracker gc``).

Permanent deletion removes the rows only; the service removes the files first. The
schema's foreign keys cascade (``ON DELETE CASCADE``): deleting a run's row removes its
params, tags, metric points, latest metrics, inputs, logged batches and its links to
logged models; deleting an experiment's row removes its runs (and theirs), its tags,
datasets and logged models, as MLflow's ``_hard_delete_run``/``_hard_delete_experiment``
do.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from ...domain.clock import now_ms
from ...domain.tags import RUN_NAME_TAG
from ...entities import DELETED, ArtifactOwnerPlace, RunPlace
from .. import models as m
from ..sql import chunks, experiment_db_id, select_in
from .rows import StoreRows

_RUNS = m.runs.c
_PLACE_COLUMNS = (
    _RUNS.run_id,
    _RUNS.experiment_id,
    _RUNS.lifecycle_stage,
    _RUNS.artifact_uri,
    _RUNS.deleted_time,
)


def _place(row) -> RunPlace:
    return RunPlace(row[0], str(row[1]), row[2], row[3], row[4])


class RunSetsMixin(StoreRows):
    def run_places(self, run_ids: list[str]) -> dict[str, RunPlace]:
        with self.db.session() as conn:
            rows = select_in(conn, select(*_PLACE_COLUMNS), _RUNS.run_id, list(set(run_ids)))
            return {row[0]: _place(row) for row in rows}

    def experiment_run_places(self, experiment_ids: list[str]) -> list[RunPlace]:
        numbers = [experiment_db_id(e) for e in experiment_ids]
        query = select(*_PLACE_COLUMNS).order_by(_RUNS.start_time, _RUNS.run_id)
        with self.db.session() as conn:
            return [_place(row) for row in select_in(conn, query, _RUNS.experiment_id, numbers)]

    def deleted_run_places(self, deleted_before: int | None) -> list[RunPlace]:
        query = select(*_PLACE_COLUMNS).where(_RUNS.lifecycle_stage == DELETED)
        if deleted_before is not None:
            # MLflow's _get_deleted_runs: deleted_time <= now - older_than.
            query = query.where(_RUNS.deleted_time <= deleted_before)
        with self.db.session() as conn:
            return [_place(row) for row in conn.execute(query.order_by(_RUNS.run_id))]

    def deleted_experiment_ids(self, updated_before: int | None) -> list[str]:
        table = m.experiments.c
        query = select(table.experiment_id).where(table.lifecycle_stage == DELETED)
        if updated_before is not None:
            # MLflow's gc: last_update_time < now - older_than.
            query = query.where(table.last_update_time < updated_before)
        with self.db.session() as conn:
            return [str(e) for e in conn.execute(query.order_by(table.experiment_id)).scalars()]

    def experiment_logged_model_places(self, experiment_ids: list[str]) -> list[ArtifactOwnerPlace]:
        models = m.logged_models.c
        numbers = [experiment_db_id(e) for e in experiment_ids]
        query = select(models.model_id, models.artifact_uri).order_by(models.model_id)
        with self.db.session() as conn:
            rows = select_in(conn, query, models.experiment_id, numbers)
            return [ArtifactOwnerPlace(row[0], row[1]) for row in rows]

    def metric_point_counts(self, run_ids: list[str]) -> dict[str, int]:
        metrics = m.metrics.c
        query = select(metrics.run_id, func.count()).group_by(metrics.run_id)
        with self.db.session() as conn:
            return dict(select_in(conn, query, metrics.run_id, list(run_ids)))

    def set_runs_lifecycle(self, run_ids: list[str], stage: str) -> None:
        deleted_time = now_ms() if stage == DELETED else None
        with self.db.session(write=True) as conn:
            for chunk in chunks(list(run_ids)):
                conn.execute(
                    update(m.runs)
                    .where(_RUNS.run_id.in_(chunk))
                    .values(lifecycle_stage=stage, deleted_time=deleted_time)
                )

    def set_runs_tags(self, run_ids: list[str], tags: dict[str, str]) -> None:
        """``tags`` on every run of ``run_ids`` (active ones: the service checks)."""
        with self.db.session(write=True) as conn:
            rows = [(run_id, key, value) for run_id in run_ids for key, value in tags.items()]
            self.sql.bulk_insert(
                conn,
                m.tags,
                ("run_id", "key", "value"),
                rows,
                statement=self.sql.upsert(m.tags, ["run_id", "key"], ["value"]),
            )
            if RUN_NAME_TAG in tags:  # runs.name follows its tag
                for chunk in chunks(list(run_ids)):
                    conn.execute(
                        update(m.runs)
                        .where(_RUNS.run_id.in_(chunk))
                        .values(name=tags[RUN_NAME_TAG])
                    )

    def delete_runs_tags(self, run_ids: list[str], keys: list[str]) -> int:
        """Remove the tags ``keys`` from every run of ``run_ids``; how many were there."""
        removed = 0
        with self.db.session(write=True) as conn:
            for chunk in chunks(list(run_ids)):
                result = conn.execute(
                    delete(m.tags).where(m.tags.c.run_id.in_(chunk), m.tags.c.key.in_(keys))
                )
                removed += result.rowcount
        return removed

    def hard_delete_runs(self, run_ids: list[str]) -> None:
        """The rows of these runs, gone (in the deleted stage only: a run restored since
        the caller looked is kept)."""
        with self.db.session(write=True) as conn:
            for chunk in chunks(list(run_ids)):
                conn.execute(
                    delete(m.runs).where(_RUNS.run_id.in_(chunk), _RUNS.lifecycle_stage == DELETED)
                )

    def hard_delete_experiments(self, experiment_ids: list[str]) -> None:
        """These deleted experiments' rows and everything under them, gone."""
        table = m.experiments.c
        numbers = [experiment_db_id(e) for e in experiment_ids]
        with self.db.session(write=True) as conn:
            for chunk in chunks(numbers):
                conn.execute(
                    delete(m.experiments).where(
                        table.experiment_id.in_(chunk), table.lifecycle_stage == DELETED
                    )
                )
