"""Logged models on SQLAlchemy (SQLite and PostgreSQL), sharing the tracking database."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import Connection, delete, insert, select, update

from ..entities import LoggedModel, Page
from ..errors import not_found
from . import models as m
from .db import Database
from .registry_base import LoggedModelStore
from .sqlalchemy_store import decode_page_token, encode_page_token, experiment_db_id


def now_ms() -> int:
    return int(time.time() * 1000)


def new_model_id() -> str:
    return f"m-{uuid.uuid4().hex}"


class SqlLoggedModelStore(LoggedModelStore):
    def __init__(self, db: Database):
        self.db = db

    def create_logged_model(
        self,
        experiment_id: str,
        name: str,
        source_run_id: str | None = None,
        model_type: str = "",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> LoggedModel:
        model_id, now = new_model_id(), now_ms()
        with self.db.session(write=True) as conn:
            location = conn.execute(
                select(m.experiments.c.artifact_location).where(
                    m.experiments.c.experiment_id == experiment_db_id(experiment_id)
                )
            ).scalar()
            if location is None:
                raise not_found(f"No experiment with id '{experiment_id}'")
            if source_run_id is not None:
                run_experiment = conn.execute(
                    select(m.runs.c.experiment_id).where(m.runs.c.run_id == source_run_id)
                ).scalar()
                if run_experiment is None:
                    raise not_found(f"No run with id '{source_run_id}'")
            conn.execute(
                insert(m.logged_models).values(
                    model_id=model_id,
                    experiment_id=experiment_db_id(experiment_id),
                    name=name,
                    source_run_id=source_run_id,
                    status="PENDING",
                    model_type=model_type or "",
                    artifact_uri=f"{location.rstrip('/')}/models/{model_id}/artifacts",
                    creation_timestamp=now,
                    last_updated_timestamp=now,
                )
            )
            _insert_pairs(conn, m.logged_model_tags, model_id, tags)
            _insert_pairs(conn, m.logged_model_params, model_id, params)
            if source_run_id is not None:
                conn.execute(
                    insert(m.run_model_outputs).values(
                        run_id=source_run_id, model_id=model_id, step=0
                    )
                )
            return self._get(conn, model_id)

    def get_logged_model(self, model_id: str) -> LoggedModel:
        with self.db.session() as conn:
            return self._get(conn, model_id)

    def set_logged_model_status(self, model_id: str, status: str) -> LoggedModel:
        with self.db.session(write=True) as conn:
            self._touch(conn, model_id, status=status)
            return self._get(conn, model_id)

    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None:
        with self.db.session(write=True) as conn:
            self._touch(conn, model_id)
            table = m.logged_model_tags
            conn.execute(
                delete(table).where(table.c.model_id == model_id, table.c.key.in_(list(tags)))
            )
            _insert_pairs(conn, table, model_id, tags)

    def delete_logged_model(self, model_id: str) -> None:
        with self.db.session(write=True) as conn:
            deleted = conn.execute(
                delete(m.logged_models).where(m.logged_models.c.model_id == model_id)
            ).rowcount
        if not deleted:
            raise not_found(f"No logged model with id '{model_id}'")

    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        name: str | None = None,
        source_run_id: str | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        table = m.logged_models
        offset = decode_page_token(page_token)
        query = select(table.c.model_id)
        if experiment_ids:
            query = query.where(
                table.c.experiment_id.in_([experiment_db_id(e) for e in experiment_ids])
            )
        if name is not None:
            query = query.where(table.c.name == name)
        if source_run_id is not None:
            query = query.where(table.c.source_run_id == source_run_id)
        query = query.order_by(table.c.creation_timestamp.desc(), table.c.model_id)
        with self.db.session() as conn:
            ids = list(conn.execute(query.offset(offset).limit(max_results + 1)).scalars())
            models = [self._get(conn, model_id) for model_id in ids[:max_results]]
        token = encode_page_token(offset + max_results) if len(ids) > max_results else None
        return Page(models, token)

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _touch(conn: Connection, model_id: str, **values) -> None:
        table = m.logged_models
        changed = conn.execute(
            update(table)
            .where(table.c.model_id == model_id)
            .values(last_updated_timestamp=now_ms(), **values)
        ).rowcount
        if not changed:
            raise not_found(f"No logged model with id '{model_id}'")

    @staticmethod
    def _get(conn: Connection, model_id: str) -> LoggedModel:
        row = conn.execute(select(m.logged_models).where(m.logged_models.c.model_id == model_id))
        row = row.first()
        if row is None:
            raise not_found(f"No logged model with id '{model_id}'")
        return LoggedModel(
            model_id=row.model_id,
            experiment_id=str(row.experiment_id),
            name=row.name,
            artifact_uri=row.artifact_uri,
            status=row.status,
            source_run_id=row.source_run_id,
            model_type=row.model_type,
            creation_timestamp=row.creation_timestamp,
            last_updated_timestamp=row.last_updated_timestamp,
            tags=_pairs(conn, m.logged_model_tags, model_id),
            params=_pairs(conn, m.logged_model_params, model_id),
        )


def _insert_pairs(conn: Connection, table, model_id: str, pairs: dict[str, str] | None) -> None:
    if pairs:
        conn.execute(
            insert(table), [{"model_id": model_id, "key": k, "value": v} for k, v in pairs.items()]
        )


def _pairs(conn: Connection, table, model_id: str) -> dict[str, str]:
    rows = conn.execute(select(table.c.key, table.c.value).where(table.c.model_id == model_id))
    return dict(rows.all())
