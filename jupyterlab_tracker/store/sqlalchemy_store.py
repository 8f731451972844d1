"""The tracking store on SQLAlchemy: one implementation for SQLite and PostgreSQL.

Reads and writes are Core statements on the tables of ``models.py``; ORM rows never
leave this module (callers get entities). Every public method is one transaction.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import time
import uuid
from collections import defaultdict

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import search as search_syntax
from ..entities import (
    ACTIVE,
    ACTIVE_ONLY,
    DEFAULT_EXPERIMENT_ID,
    DEFAULT_EXPERIMENT_NAME,
    DELETED,
    DELETED_ONLY,
    VIEW_TYPES,
    Dataset,
    DatasetInput,
    Experiment,
    Metric,
    Page,
    Param,
    Run,
    RunData,
    RunInfo,
    RunTag,
)
from ..errors import already_exists, invalid, not_found
from ..search import Comparison, OrderBy
from . import models as m
from . import search_sql
from .base import TrackingStore
from .db import Database
from .migrate import upgrade_database

RUN_NAME_TAG = "mlflow.runName"
MAX_SEARCH_RESULTS = 50_000
# Keeps every IN (...) list well under SQLite's bound-parameter limit.
_IN_CHUNK = 500

# Word lists for generated run names (kept as text: one word list per line is unreadable).
_ADJECTIVE_WORDS = (
    "brave amber bold calm clever crisp daring eager fancy gentle glowing happy honest "
    "jolly keen lively lucky merry nimble polite proud quick quiet rare shy silent sleek "
    "smart sunny swift tidy vivid warm wise witty zesty"
)
_NOUN_WORDS = (
    "owl fox lynx hawk otter panda koala whale seal crane finch heron bison moose yak "
    "gecko newt trout robin wren lark mole hare shrew bat deer elk ram colt pony ox "
    "squid crab snail mantis"
)
_ADJECTIVES = _ADJECTIVE_WORDS.split()
_NOUNS = _NOUN_WORDS.split()


def generate_run_name() -> str:
    """A readable run name like MLflow's: ``brave-owl-12``."""
    return f"{random.choice(_ADJECTIVES)}-{random.choice(_NOUNS)}-{random.randint(1, 999)}"


def now_ms() -> int:
    return int(time.time() * 1000)


def encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset inside an opaque page token; INVALID_PARAMETER_VALUE if it is not ours."""
    if not token:
        return 0
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = payload["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeError):
        raise invalid(f"Invalid page token {token!r}") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid(f"Invalid page token {token!r}")
    return offset


def _next_token(offset: int, limit: int, fetched: int) -> str | None:
    # Queries fetch limit + 1 rows: the extra row says whether another page exists.
    return encode_page_token(offset + limit) if fetched > limit else None


def _experiment_db_id(experiment_id: str | int) -> int:
    try:
        return int(experiment_id)
    except (TypeError, ValueError):
        raise not_found(f"No experiment with id '{experiment_id}'") from None


def _metric_value_columns(value: float) -> tuple[float | None, bool]:
    """(value, is_nan) as stored: NaN becomes NULL + flag (SQLite cannot store NaN)."""
    value = float(value)
    return (None, True) if math.isnan(value) else (value, False)


def _metric_from_row(row) -> Metric:
    value = math.nan if row.is_nan else row.value
    return Metric(key=row.key, value=value, timestamp=row.timestamp, step=row.step)


def _check_max_results(max_results: int) -> None:
    if (
        not isinstance(max_results, int)
        or isinstance(max_results, bool)
        or not 1 <= max_results <= MAX_SEARCH_RESULTS
    ):
        raise invalid(
            f"max_results must be between 1 and {MAX_SEARCH_RESULTS}, got {max_results!r}"
        )


def _check_view_type(view_type: str) -> None:
    if view_type not in VIEW_TYPES:
        raise invalid(f"Invalid view type {view_type!r}; expected one of {', '.join(VIEW_TYPES)}")


def _lifecycle_condition(column, view_type: str):
    _check_view_type(view_type)
    if view_type == ACTIVE_ONLY:
        return column == ACTIVE
    if view_type == DELETED_ONLY:
        return column == DELETED
    return None


def _chunks(items: list, size: int = _IN_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SqlAlchemyStore(TrackingStore):
    def __init__(self, db_uri: str, artifact_root: str):
        self.db_uri = db_uri
        self.artifact_root = artifact_root.rstrip("/")
        self.db = Database(db_uri)
        upgrade_database(self.db)
        self._ensure_default_experiment()

    # -- helpers -----------------------------------------------------------------------
    def _upsert(self, table, key_columns: list[str], update_columns: list[str], where=None):
        """``INSERT ... ON CONFLICT (keys) DO UPDATE`` for the current dialect."""
        insert_for_dialect = sqlite_insert if self.db.dialect == "sqlite" else postgresql_insert
        statement = insert_for_dialect(table)
        return statement.on_conflict_do_update(
            index_elements=key_columns,
            set_={name: statement.excluded[name] for name in update_columns},
            where=where(statement.excluded) if where else None,
        )

    def _insert_ignoring_conflicts(self, table):
        insert_for_dialect = sqlite_insert if self.db.dialect == "sqlite" else postgresql_insert
        return insert_for_dialect(table).on_conflict_do_nothing()

    def _ensure_default_experiment(self) -> None:
        with self.db.session() as session:
            exists = session.execute(
                select(m.experiments.c.experiment_id).where(
                    m.experiments.c.experiment_id == int(DEFAULT_EXPERIMENT_ID)
                )
            ).first()
        if exists:
            return
        now = now_ms()
        with self.db.session(write=True) as session:
            # Another process may be doing the same: ignore the conflict.
            session.execute(
                self._insert_ignoring_conflicts(m.experiments).values(
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

    def _experiment_row(self, session: Session, experiment_id: str | int):
        row = session.execute(
            select(m.experiments).where(
                m.experiments.c.experiment_id == _experiment_db_id(experiment_id)
            )
        ).first()
        if row is None:
            raise not_found(f"No experiment with id '{experiment_id}'")
        return row

    def _active_experiment_row(self, session: Session, experiment_id: str | int, action: str):
        row = self._experiment_row(session, experiment_id)
        if row.lifecycle_stage != ACTIVE:
            raise invalid(
                f"Cannot {action}: experiment '{row.name}' (id {experiment_id}) is deleted; "
                f"restore it first"
            )
        return row

    def _experiments_from_rows(self, session: Session, rows) -> list[Experiment]:
        ids = [row.experiment_id for row in rows]
        tags_by_id: dict[int, dict[str, str]] = defaultdict(dict)
        for chunk in _chunks(ids):
            tag_rows = session.execute(
                select(m.experiment_tags).where(m.experiment_tags.c.experiment_id.in_(chunk))
            )
            for tag in tag_rows:
                tags_by_id[tag.experiment_id][tag.key] = tag.value
        return [
            Experiment(
                experiment_id=str(row.experiment_id),
                name=row.name,
                artifact_location=row.artifact_location,
                lifecycle_stage=row.lifecycle_stage,
                creation_time=row.creation_time,
                last_update_time=row.last_update_time,
                tags=tags_by_id.get(row.experiment_id, {}),
            )
            for row in rows
        ]

    def _run_row(self, session: Session, run_id: str):
        row = session.execute(select(m.runs).where(m.runs.c.run_id == run_id)).first()
        if row is None:
            raise not_found(f"Run with id={run_id} not found")
        return row

    def _active_run_row(self, session: Session, run_id: str):
        row = self._run_row(session, run_id)
        if row.lifecycle_stage != ACTIVE:
            raise invalid(
                f"The run {run_id} must be in the 'active' state to be modified; "
                f"it is '{row.lifecycle_stage}' (restore it first)"
            )
        return row

    @staticmethod
    def _run_info_from_row(row) -> RunInfo:
        return RunInfo(
            run_id=row.run_id,
            experiment_id=str(row.experiment_id),
            run_name=row.name,
            user_id=row.user_id,
            status=row.status,
            start_time=row.start_time,
            end_time=row.end_time,
            lifecycle_stage=row.lifecycle_stage,
            artifact_uri=row.artifact_uri,
        )

    def _runs_from_rows(self, session: Session, rows) -> list[Run]:
        """Runs with their data: one IN (...) query per related table, no N+1."""
        run_ids = [row.run_id for row in rows]
        params: dict[str, dict[str, str]] = defaultdict(dict)
        tags: dict[str, dict[str, str]] = defaultdict(dict)
        metrics: dict[str, dict[str, Metric]] = defaultdict(dict)
        inputs: dict[str, list[DatasetInput]] = defaultdict(list)
        for chunk in _chunks(run_ids):
            for r in session.execute(select(m.params).where(m.params.c.run_id.in_(chunk))):
                params[r.run_id][r.key] = r.value
            for r in session.execute(select(m.tags).where(m.tags.c.run_id.in_(chunk))):
                tags[r.run_id][r.key] = r.value
            latest = session.execute(
                select(m.latest_metrics).where(m.latest_metrics.c.run_id.in_(chunk))
            )
            for r in latest:
                metrics[r.run_id][r.key] = _metric_from_row(r)
            for run_id, dataset_input in self._dataset_inputs(session, chunk):
                inputs[run_id].append(dataset_input)
        return [
            Run(
                info=self._run_info_from_row(row),
                data=RunData(
                    metrics=metrics.get(row.run_id, {}),
                    params=params.get(row.run_id, {}),
                    tags=tags.get(row.run_id, {}),
                ),
                inputs=inputs.get(row.run_id, []),
            )
            for row in rows
        ]

    def _dataset_inputs(self, session: Session, run_ids: list[str]):
        rows = session.execute(
            select(m.inputs.c.input_id, m.inputs.c.run_id, m.datasets)
            .join(m.datasets, m.datasets.c.dataset_id == m.inputs.c.dataset_id)
            .where(m.inputs.c.run_id.in_(run_ids))
            .order_by(m.inputs.c.input_id)
        ).all()
        if not rows:
            return []
        input_tags: dict[int, dict[str, str]] = defaultdict(dict)
        tag_rows = session.execute(
            select(m.input_tags).where(m.input_tags.c.input_id.in_([r.input_id for r in rows]))
        )
        for tag in tag_rows:
            input_tags[tag.input_id][tag.key] = tag.value
        return [
            (
                r.run_id,
                DatasetInput(
                    dataset=Dataset(
                        name=r.name,
                        digest=r.digest,
                        source_type=r.source_type,
                        source=r.source,
                        schema=r.schema,
                        profile=r.profile,
                    ),
                    tags=input_tags.get(r.input_id, {}),
                ),
            )
            for r in rows
        ]

    # -- experiments -------------------------------------------------------------------
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> str:
        now = now_ms()
        try:
            with self.db.session(write=True) as session:
                if self._name_taken(session, name):
                    raise already_exists(f"Experiment '{name}' already exists")
                experiment_id = session.execute(
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
                    session.execute(
                        update(m.experiments)
                        .where(m.experiments.c.experiment_id == experiment_id)
                        .values(artifact_location=self._default_artifact_location(experiment_id))
                    )
                if tags:
                    session.execute(
                        insert(m.experiment_tags),
                        [
                            {"experiment_id": experiment_id, "key": k, "value": v}
                            for k, v in tags.items()
                        ],
                    )
        except IntegrityError:
            # Lost a race with a concurrent create of the same name (PostgreSQL).
            raise already_exists(f"Experiment '{name}' already exists") from None
        return str(experiment_id)

    @staticmethod
    def _name_taken(session: Session, name: str) -> bool:
        # Deleted experiments keep their name, as in MLflow.
        query = select(m.experiments.c.experiment_id).where(m.experiments.c.name == name)
        return session.execute(query).first() is not None

    def get_experiment(self, experiment_id: str) -> Experiment:
        with self.db.session() as session:
            row = self._experiment_row(session, experiment_id)
            return self._experiments_from_rows(session, [row])[0]

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        with self.db.session() as session:
            row = session.execute(select(m.experiments).where(m.experiments.c.name == name)).first()
            return self._experiments_from_rows(session, [row])[0] if row else None

    def search_experiments(
        self,
        view_type: str = ACTIVE_ONLY,
        max_results: int = 1000,
        filter_string: str = "",
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Experiment]:
        _check_max_results(max_results)
        offset = decode_page_token(page_token)
        comparisons = search_syntax.parse_experiment_filter(filter_string) if filter_string else []
        orders = [search_syntax.parse_experiment_order_by(clause) for clause in order_by or []]
        query = select(m.experiments)
        lifecycle = _lifecycle_condition(m.experiments.c.lifecycle_stage, view_type)
        if lifecycle is not None:
            query = query.where(lifecycle)
        for comparison in comparisons:
            query = query.where(search_sql.experiment_condition(comparison, self.db.dialect))
        query = (
            query.order_by(*search_sql.experiment_order(orders))
            .offset(offset)
            .limit(max_results + 1)
        )
        with self.db.session() as session:
            rows = session.execute(query).all()
            experiments = self._experiments_from_rows(session, rows[:max_results])
        return Page(experiments, _next_token(offset, max_results, len(rows)))

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        try:
            with self.db.session(write=True) as session:
                row = self._active_experiment_row(session, experiment_id, "rename it")
                if row.name == new_name:
                    return
                if self._name_taken(session, new_name):
                    raise already_exists(f"Experiment '{new_name}' already exists")
                session.execute(
                    update(m.experiments)
                    .where(m.experiments.c.experiment_id == row.experiment_id)
                    .values(name=new_name, last_update_time=now_ms())
                )
        except IntegrityError:
            raise already_exists(f"Experiment '{new_name}' already exists") from None

    def delete_experiment(self, experiment_id: str) -> None:
        if str(experiment_id) == DEFAULT_EXPERIMENT_ID:
            raise invalid("The default experiment (id 0) cannot be deleted")
        now = now_ms()
        with self.db.session(write=True) as session:
            row = self._active_experiment_row(session, experiment_id, "delete it again")
            session.execute(
                update(m.experiments)
                .where(m.experiments.c.experiment_id == row.experiment_id)
                .values(lifecycle_stage=DELETED, last_update_time=now)
            )
            # Its active runs go with it. They share deleted_time == the experiment's
            # last_update_time, so restoring brings back exactly these runs, not the ones
            # that had been deleted on their own before.
            session.execute(
                update(m.runs)
                .where(
                    m.runs.c.experiment_id == row.experiment_id,
                    m.runs.c.lifecycle_stage == ACTIVE,
                )
                .values(lifecycle_stage=DELETED, deleted_time=now)
            )

    def restore_experiment(self, experiment_id: str) -> None:
        with self.db.session(write=True) as session:
            row = self._experiment_row(session, experiment_id)
            if row.lifecycle_stage != DELETED:
                raise invalid(f"Experiment '{row.name}' (id {experiment_id}) is not deleted")
            session.execute(
                update(m.experiments)
                .where(m.experiments.c.experiment_id == row.experiment_id)
                .values(lifecycle_stage=ACTIVE, last_update_time=now_ms())
            )
            session.execute(
                update(m.runs)
                .where(
                    m.runs.c.experiment_id == row.experiment_id,
                    m.runs.c.lifecycle_stage == DELETED,
                    m.runs.c.deleted_time == row.last_update_time,
                )
                .values(lifecycle_stage=ACTIVE, deleted_time=None)
            )

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        with self.db.session(write=True) as session:
            row = self._active_experiment_row(session, experiment_id, "set a tag")
            session.execute(
                self._upsert(m.experiment_tags, ["experiment_id", "key"], ["value"]).values(
                    experiment_id=row.experiment_id, key=key, value=value
                )
            )

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        with self.db.session(write=True) as session:
            row = self._active_experiment_row(session, experiment_id, "delete a tag")
            result = session.execute(
                delete(m.experiment_tags).where(
                    m.experiment_tags.c.experiment_id == row.experiment_id,
                    m.experiment_tags.c.key == key,
                )
            )
            if result.rowcount == 0:
                raise not_found(f"No tag '{key}' on experiment {experiment_id}")

    # -- runs --------------------------------------------------------------------------
    def create_run(
        self,
        experiment_id: str,
        user_id: str = "",
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
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
        run_id = uuid.uuid4().hex
        with self.db.session(write=True) as session:
            experiment = self._active_experiment_row(session, experiment_id, "create a run")
            values = {
                "run_id": run_id,
                "experiment_id": experiment.experiment_id,
                "name": run_name,
                "user_id": user_id or "",
                "status": "RUNNING",
                "start_time": now_ms() if start_time is None else start_time,
                "end_time": None,
                "lifecycle_stage": ACTIVE,
                "artifact_uri": f"{experiment.artifact_location.rstrip('/')}/{run_id}/artifacts",
            }
            session.execute(insert(m.runs).values(**values))
            session.execute(
                insert(m.tags), [{"run_id": run_id, "key": k, "value": v} for k, v in tags.items()]
            )
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
        with self.db.session() as session:
            return self._runs_from_rows(session, [self._run_row(session, run_id)])[0]

    def update_run_info(
        self,
        run_id: str,
        status: str | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> RunInfo:
        with self.db.session(write=True) as session:
            self._active_run_row(session, run_id)
            changes = {}
            if status is not None:
                changes["status"] = status
            if end_time is not None:
                changes["end_time"] = end_time
            if run_name:
                changes["name"] = run_name
                self._upsert_tags(session, run_id, {RUN_NAME_TAG: run_name})
            if changes:
                session.execute(update(m.runs).where(m.runs.c.run_id == run_id).values(changes))
            return self._run_info_from_row(self._run_row(session, run_id))

    def delete_run(self, run_id: str) -> None:
        with self.db.session(write=True) as session:
            self._run_row(session, run_id)
            session.execute(
                update(m.runs)
                .where(m.runs.c.run_id == run_id)
                .values(lifecycle_stage=DELETED, deleted_time=now_ms())
            )

    def restore_run(self, run_id: str) -> None:
        with self.db.session(write=True) as session:
            self._run_row(session, run_id)
            session.execute(
                update(m.runs)
                .where(m.runs.c.run_id == run_id)
                .values(lifecycle_stage=ACTIVE, deleted_time=None)
            )

    def log_batch(
        self,
        run_id: str,
        metrics: list[Metric] = (),
        params: list[Param] = (),
        tags: list[RunTag] = (),
        batch_id: str | None = None,
    ) -> None:
        try:
            self._log_batch(run_id, metrics, params, tags, batch_id)
        except IntegrityError:
            # PostgreSQL only (SQLite writers are serialised by BEGIN IMMEDIATE): a
            # concurrent writer inserted the same param or batch id first. Once more: this
            # time the checks see its committed rows and decide properly.
            self._log_batch(run_id, metrics, params, tags, batch_id)

    def _log_batch(self, run_id, metrics, params, tags, batch_id) -> None:
        with self.db.session(write=True) as session:
            self._active_run_row(session, run_id)
            if batch_id is not None and not self._claim_batch_id(session, run_id, batch_id):
                return  # this batch was applied before: a retry
            if params:
                self._insert_params(session, run_id, params)
            if tags:
                self._upsert_tags(session, run_id, {tag.key: tag.value for tag in tags})
            if metrics:
                self._insert_metrics(session, run_id, metrics)

    def _claim_batch_id(self, session: Session, run_id: str, batch_id: str) -> bool:
        seen = session.execute(
            select(m.logged_batches.c.batch_id).where(
                m.logged_batches.c.run_id == run_id, m.logged_batches.c.batch_id == batch_id
            )
        ).first()
        if seen:
            return False
        session.execute(
            insert(m.logged_batches).values(run_id=run_id, batch_id=batch_id, logged_time=now_ms())
        )
        return True

    def _insert_params(self, session: Session, run_id: str, params: list[Param]) -> None:
        wanted: dict[str, str] = {}
        for param in params:
            value = str(param.value)
            if param.key in wanted and wanted[param.key] != value:
                raise invalid(
                    f"Param '{param.key}' appears twice in one batch with different values "
                    f"('{wanted[param.key]}' and '{value}')"
                )
            wanted[param.key] = value
        existing = session.execute(
            select(m.params.c.key, m.params.c.value).where(
                m.params.c.run_id == run_id, m.params.c.key.in_(list(wanted))
            )
        )
        for key, old_value in existing:
            if wanted.pop(key) != old_value:
                raise invalid(
                    f"Changing param values is not allowed. Param with key='{key}' was already "
                    f"logged with value='{old_value}' for run ID='{run_id}'. Attempted logging "
                    f"new param with value='{value_of(params, key)}'."
                )
        if wanted:
            session.execute(
                insert(m.params),
                [{"run_id": run_id, "key": k, "value": v} for k, v in wanted.items()],
            )

    def _upsert_tags(self, session: Session, run_id: str, tags: dict[str, str]) -> None:
        # Deduplicated by the dict (last value wins): one statement may not update a row twice.
        session.execute(
            self._upsert(m.tags, ["run_id", "key"], ["value"]),
            [{"run_id": run_id, "key": k, "value": v} for k, v in tags.items()],
        )
        if RUN_NAME_TAG in tags:  # keep runs.name in step with its tag
            session.execute(
                update(m.runs).where(m.runs.c.run_id == run_id).values(name=tags[RUN_NAME_TAG])
            )

    def _insert_metrics(self, session: Session, run_id: str, metrics: list[Metric]) -> None:
        rows = []
        latest: dict[str, dict] = {}
        for metric in metrics:
            value, is_nan = _metric_value_columns(metric.value)
            row = {
                "run_id": run_id,
                "key": metric.key,
                "value": value,
                "timestamp": int(metric.timestamp),
                "step": int(metric.step or 0),
                "is_nan": is_nan,
            }
            rows.append(row)
            # "Latest" is the highest step, then the highest timestamp; on a full tie the
            # point logged last wins.
            best = latest.get(metric.key)
            if best is None or (row["step"], row["timestamp"]) >= (best["step"], best["timestamp"]):
                latest[metric.key] = row
        session.execute(insert(m.metrics), rows)
        current = m.latest_metrics.c
        session.execute(
            self._upsert(
                m.latest_metrics,
                ["run_id", "key"],
                ["value", "timestamp", "step", "is_nan"],
                where=lambda new: or_(
                    new.step > current.step,
                    and_(new.step == current.step, new.timestamp >= current.timestamp),
                ),
            ),
            list(latest.values()),
        )

    def delete_tag(self, run_id: str, key: str) -> None:
        with self.db.session(write=True) as session:
            self._active_run_row(session, run_id)
            result = session.execute(
                delete(m.tags).where(m.tags.c.run_id == run_id, m.tags.c.key == key)
            )
            if result.rowcount == 0:
                raise not_found(f"No tag with key '{key}' on run {run_id}")

    def log_inputs(self, run_id: str, datasets: list[DatasetInput]) -> None:
        with self.db.session(write=True) as session:
            run = self._active_run_row(session, run_id)
            for dataset_input in datasets:
                dataset_id = self._dataset_id(session, run.experiment_id, dataset_input.dataset)
                input_id = session.execute(
                    select(m.inputs.c.input_id).where(
                        m.inputs.c.dataset_id == dataset_id, m.inputs.c.run_id == run_id
                    )
                ).scalar()
                if input_id is None:
                    input_id = session.execute(
                        insert(m.inputs)
                        .values(dataset_id=dataset_id, run_id=run_id)
                        .returning(m.inputs.c.input_id)
                    ).scalar_one()
                if dataset_input.tags:
                    session.execute(
                        self._upsert(m.input_tags, ["input_id", "key"], ["value"]),
                        [
                            {"input_id": input_id, "key": k, "value": v}
                            for k, v in dataset_input.tags.items()
                        ],
                    )

    def _dataset_id(self, session: Session, experiment_id: int, dataset: Dataset) -> int:
        """The id of this (name, digest) in the experiment, creating the dataset if new."""
        existing = session.execute(
            select(m.datasets.c.dataset_id).where(
                m.datasets.c.experiment_id == experiment_id,
                m.datasets.c.name == dataset.name,
                m.datasets.c.digest == dataset.digest,
            )
        ).scalar()
        if existing is not None:
            return existing
        return session.execute(
            insert(m.datasets)
            .values(
                experiment_id=experiment_id,
                name=dataset.name,
                digest=dataset.digest,
                source_type=dataset.source_type,
                source=dataset.source,
                schema=dataset.schema,
                profile=dataset.profile,
            )
            .returning(m.datasets.c.dataset_id)
        ).scalar_one()

    # -- metric history ----------------------------------------------------------------
    def get_metric_history(
        self, run_id: str, key: str, max_results: int | None = None, page_token: str | None = None
    ) -> Page[Metric]:
        if max_results is not None:
            _check_max_results(max_results)
        offset = decode_page_token(page_token)
        history = m.metrics.c
        query = (
            select(history.key, history.value, history.timestamp, history.step, history.is_nan)
            .where(history.run_id == run_id, history.key == key)
            .order_by(history.step, history.timestamp, history.id)
            .offset(offset)
        )
        if max_results is not None:
            query = query.limit(max_results + 1)
        with self.db.session() as session:
            self._run_row(session, run_id)
            rows = session.execute(query).all()
        if max_results is None:
            return Page([_metric_from_row(r) for r in rows])
        return Page(
            [_metric_from_row(r) for r in rows[:max_results]],
            _next_token(offset, max_results, len(rows)),
        )

    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        if not isinstance(max_points, int) or max_points < 4:
            raise invalid(f"max_points must be an integer >= 4, got {max_points!r}")
        history = m.metrics.c
        of_this_metric = (history.run_id == run_id, history.key == key)
        with self.db.session() as session:
            self._run_row(session, run_id)
            count, first_step, last_step = session.execute(
                select(func.count(), func.min(history.step), func.max(history.step)).where(
                    *of_this_metric
                )
            ).one()
            if count <= max_points:
                return self.get_metric_history(run_id, key).items
            rows = session.execute(
                self._sampling_query(of_this_metric, first_step, last_step, max_points // 4)
            ).all()
        return [_metric_from_row(r) for r in rows]

    @staticmethod
    def _sampling_query(of_this_metric, first_step: int, last_step: int, bucket_count: int):
        """Cut [first_step, last_step] into equal step ranges; keep each bucket's first,
        last, lowest and highest point (window functions, same SQL on both dialects)."""
        history = m.metrics.c
        step_span = last_step - first_step + 1
        bucketed = (
            select(
                history.id,
                history.key,
                history.value,
                history.timestamp,
                history.step,
                history.is_nan,
                ((history.step - first_step) * bucket_count // step_span).label("bucket"),
            )
            .where(*of_this_metric)
            .subquery()
        )
        b = bucketed.c

        def rank(*order):
            return func.row_number().over(partition_by=b.bucket, order_by=order)

        ranked = select(
            b.key,
            b.value,
            b.timestamp,
            b.step,
            b.is_nan,
            b.id,
            rank(b.step, b.timestamp, b.id).label("first_rank"),
            rank(b.step.desc(), b.timestamp.desc(), b.id.desc()).label("last_rank"),
            rank(b.value.asc().nulls_last(), b.id).label("min_rank"),
            rank(b.value.desc().nulls_last(), b.id).label("max_rank"),
        ).subquery()
        r = ranked.c
        return (
            select(r.key, r.value, r.timestamp, r.step, r.is_nan)
            .where(or_(r.first_rank == 1, r.last_rank == 1, r.min_rank == 1, r.max_rank == 1))
            .order_by(r.step, r.timestamp, r.id)
        )

    # -- search ------------------------------------------------------------------------
    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = 1000,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        comparisons = search_syntax.parse_search_filter(filter_string) if filter_string else []
        orders = [search_syntax.parse_order_by(clause) for clause in order_by or []]
        return self.search_runs_parsed(
            experiment_ids, comparisons, run_view_type, max_results, orders, page_token
        )

    def search_runs_parsed(
        self,
        experiment_ids: list[str],
        comparisons: list[Comparison],
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = 1000,
        order_by: list[OrderBy] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        """``search_runs`` with the filter and order already parsed."""
        _check_max_results(max_results)
        offset = decode_page_token(page_token)
        ids = [_experiment_db_id(experiment_id) for experiment_id in experiment_ids]
        query = select(m.runs).where(m.runs.c.experiment_id.in_(ids))
        lifecycle = _lifecycle_condition(m.runs.c.lifecycle_stage, run_view_type)
        if lifecycle is not None:
            query = query.where(lifecycle)
        for comparison in comparisons:
            query = query.where(search_sql.run_condition(comparison, self.db.dialect))
        query = search_sql.apply_run_order(query, order_by or [])
        query = query.offset(offset).limit(max_results + 1)
        with self.db.session() as session:
            rows = session.execute(query).all()
            runs = self._runs_from_rows(session, rows[:max_results])
        return Page(runs, _next_token(offset, max_results, len(rows)))

    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        ids = [_experiment_db_id(experiment_id) for experiment_id in experiment_ids]
        runs_of_experiments = select(m.runs.c.run_id).where(m.runs.c.experiment_id.in_(ids))
        keys = {}
        with self.db.session() as session:
            for name, table in (
                ("metrics", m.latest_metrics),
                ("params", m.params),
                ("tags", m.tags),
            ):
                keys[name] = list(
                    session.execute(
                        select(table.c.key)
                        .where(table.c.run_id.in_(runs_of_experiments))
                        .distinct()
                        .order_by(table.c.key)
                    ).scalars()
                )
        return keys

    def close(self) -> None:
        self.db.dispose()


def value_of(params: list[Param], key: str) -> str:
    """The value a batch gives for ``key`` (for error messages)."""
    return next(str(p.value) for p in params if p.key == key)
