"""Experiments: create, read, rename, delete and restore (with their runs), tags."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ...domain.clock import now_ms
from ...entities import ACTIVE, DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, DELETED, Experiment
from ...errors import already_exists, invalid, not_found
from .. import models as m
from ..sql import insert_ignoring_conflicts
from .rows import StoreRows


class ExperimentsMixin(StoreRows):
    def _ensure_default_experiment(self) -> None:
        with self.db.session() as conn:
            exists = conn.execute(
                select(m.experiments.c.experiment_id).where(
                    m.experiments.c.experiment_id == int(DEFAULT_EXPERIMENT_ID)
                )
            ).first()
        if exists:
            return
        now = now_ms()
        with self.db.session(write=True) as conn:
            # Another process may be doing the same: ignore the conflict.
            conn.execute(
                insert_ignoring_conflicts(self.db.dialect, m.experiments).values(
                    experiment_id=int(DEFAULT_EXPERIMENT_ID),
                    name=DEFAULT_EXPERIMENT_NAME,
                    artifact_location=self._default_artifact_location(DEFAULT_EXPERIMENT_ID),
                    lifecycle_stage=ACTIVE,
                    creation_time=now,
                    last_update_time=now,
                )
            )

    def _default_artifact_location(self, experiment_id: str | int) -> str:
        return f"{self.artifact_root}/{experiment_id}"

    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> str:
        now = now_ms()
        try:
            with self.db.session(write=True) as conn:
                if self._name_taken(conn, name):
                    raise already_exists(f"Experiment(name={name}) already exists.")
                experiment_id = conn.execute(
                    insert(m.experiments)
                    .values(
                        name=name,
                        artifact_location=artifact_location or "",
                        lifecycle_stage=ACTIVE,
                        creation_time=now,
                        last_update_time=now,
                    )
                    .returning(m.experiments.c.experiment_id)
                ).scalar_one()
                if not artifact_location:
                    conn.execute(
                        update(m.experiments)
                        .where(m.experiments.c.experiment_id == experiment_id)
                        .values(artifact_location=self._default_artifact_location(experiment_id))
                    )
                if tags:
                    conn.execute(
                        insert(m.experiment_tags),
                        [
                            {"experiment_id": experiment_id, "key": k, "value": v}
                            for k, v in tags.items()
                        ],
                    )
        except IntegrityError:
            # Lost a race with a concurrent create of the same name (PostgreSQL).
            raise already_exists(f"Experiment(name={name}) already exists.") from None
        return str(experiment_id)

    @staticmethod
    def _name_taken(conn: Connection, name: str) -> bool:
        # Deleted experiments keep their name, as in MLflow.
        query = select(m.experiments.c.experiment_id).where(m.experiments.c.name == name)
        return conn.execute(query).first() is not None

    def get_experiment(self, experiment_id: str) -> Experiment:
        with self.db.session() as conn:
            row = self._experiment_row(conn, experiment_id)
            return self._experiments_from_rows(conn, [row])[0]

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        with self.db.session() as conn:
            row = conn.execute(select(m.experiments).where(m.experiments.c.name == name)).first()
            return self._experiments_from_rows(conn, [row])[0] if row else None

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        try:
            with self.db.session(write=True) as conn:
                row = self._active_experiment_row(conn, experiment_id)
                if row.name == new_name:
                    return
                if self._name_taken(conn, new_name):
                    raise already_exists(f"Experiment(name={new_name}) already exists.")
                conn.execute(
                    update(m.experiments)
                    .where(m.experiments.c.experiment_id == row.experiment_id)
                    .values(name=new_name, last_update_time=now_ms())
                )
        except IntegrityError:
            raise already_exists(f"Experiment(name={new_name}) already exists.") from None

    def delete_experiment(self, experiment_id: str) -> None:
        if str(experiment_id) == DEFAULT_EXPERIMENT_ID:
            raise invalid("The default experiment (id 0) cannot be deleted")
        now = now_ms()
        with self.db.session(write=True) as conn:
            row = self._active_experiment_row(conn, experiment_id)
            conn.execute(
                update(m.experiments)
                .where(m.experiments.c.experiment_id == row.experiment_id)
                .values(lifecycle_stage=DELETED, last_update_time=now)
            )
            # Its runs go with it (and all come back on restore), as in MLflow.
            conn.execute(
                update(m.runs)
                .where(
                    m.runs.c.experiment_id == row.experiment_id,
                    m.runs.c.lifecycle_stage == ACTIVE,
                )
                .values(lifecycle_stage=DELETED, deleted_time=now)
            )

    def restore_experiment(self, experiment_id: str) -> None:
        with self.db.session(write=True) as conn:
            row = self._experiment_row(conn, experiment_id)
            if row.lifecycle_stage != DELETED:
                raise invalid(f"Experiment '{row.name}' (id {experiment_id}) is not deleted")
            conn.execute(
                update(m.experiments)
                .where(m.experiments.c.experiment_id == row.experiment_id)
                .values(lifecycle_stage=ACTIVE, last_update_time=now_ms())
            )
            conn.execute(
                update(m.runs)
                .where(
                    m.runs.c.experiment_id == row.experiment_id,
                    m.runs.c.lifecycle_stage == DELETED,
                )
                .values(lifecycle_stage=ACTIVE, deleted_time=None)
            )

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        with self.db.session(write=True) as conn:
            row = self._active_experiment_row(conn, experiment_id)
            conn.execute(
                self.sql.upsert(m.experiment_tags, ["experiment_id", "key"], ["value"]).values(
                    experiment_id=row.experiment_id, key=key, value=value
                )
            )

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        with self.db.session(write=True) as conn:
            row = self._active_experiment_row(conn, experiment_id)
            result = conn.execute(
                delete(m.experiment_tags).where(
                    m.experiment_tags.c.experiment_id == row.experiment_id,
                    m.experiment_tags.c.key == key,
                )
            )
            if result.rowcount == 0:
                raise not_found(f"No tag '{key}' on experiment {experiment_id}")
