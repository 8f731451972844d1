"""The tracking store on SQLAlchemy: one implementation for SQLite and PostgreSQL.

Reads and writes are Core statements on the tables of ``models.py``; ORM rows never
leave this module (callers get entities). Every public method is one transaction.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import json
import math
import random
from array import array
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from .. import search as search_syntax
from ..domain.clock import now_ms
from ..domain.limits import INT64_MAX, SEARCH_RESULTS_DEFAULT
from ..domain.limits import MAX_RESULTS_LIMIT as MAX_SEARCH_RESULTS
from ..domain.tags import RUN_NAME_TAG
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
    DatasetSummary,
    Experiment,
    LoggedModelMetric,
    Metric,
    ModelOutput,
    Page,
    Param,
    Run,
    RunData,
    RunInfo,
    RunTag,
)
from ..errors import ParamValueChanged, TrackerError, already_exists, invalid, not_found, preview
from ..gc_pause import gc_paused
from ..search import Comparison, OrderBy
from . import models as m
from . import search_sql
from .base import TrackingStore
from .db import Database
from .ids import new_run_id
from .migrate import upgrade_database

# encode_page_token's longest token (a 19-digit offset) is 44 characters.
_MAX_PAGE_TOKEN_LENGTH = 100
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


def encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset inside an opaque page token; INVALID_PARAMETER_VALUE if it is not ours
    (in MLflow's words: "Invalid page token, could not base64-decode" and the like).

    Ours are short (``{"offset": n}``, n a 64-bit int, in base64): anything longer is
    refused before it is decoded, so a forged token cannot be deeply nested JSON."""
    if not token:
        return 0
    if not isinstance(token, str) or len(token) > _MAX_PAGE_TOKEN_LENGTH:
        raise invalid(f"Invalid page token, it is not one this server gave: {preview(token)}")
    try:
        decoded = base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        raise invalid("Invalid page token, could not base64-decode") from None
    try:
        offset = json.loads(decoded)["offset"]
    except (ValueError, TypeError, KeyError, UnicodeError):
        raise invalid(f"Invalid page token, decoded value={preview(decoded)}") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= INT64_MAX:
        raise invalid(f"Invalid page token, decoded value={preview(decoded)}")
    return offset


def _next_token(offset: int, limit: int, fetched: int) -> str | None:
    # Queries fetch limit + 1 rows: the extra row says whether another page exists.
    return encode_page_token(offset + limit) if fetched > limit else None


# Statements on the logging hot path, built once: on SQLite, constructing a statement
# costs more than running it.
_RUN_STATE_QUERY = select(m.runs.c.run_id, m.runs.c.experiment_id, m.runs.c.lifecycle_stage).where(
    m.runs.c.run_id == bindparam("run_id")
)
_EXPERIMENT_QUERY = select(m.experiments).where(
    m.experiments.c.experiment_id == bindparam("experiment_id")
)
# PostgreSQL only (SQLite has no row locks): FOR NO KEY UPDATE, which other writers' foreign
# key checks (FOR KEY SHARE) do not wait for; only another such lock does.
_RUN_STATE_FOR_UPDATE = _RUN_STATE_QUERY.with_for_update(key_share=True)
_PARAMS_QUERY = select(m.params.c.key, m.params.c.value).where(
    m.params.c.run_id == bindparam("run_id"),
    m.params.c.key.in_(bindparam("keys", expanding=True)),
)
_INSERT_RUN = insert(m.runs)
# The runs columns a RunInfo is made of, in RunInfo's field order (see _run_info_from_row).
_RUN_INFO_COLUMNS = (
    m.runs.c.run_id,
    m.runs.c.experiment_id,
    m.runs.c.name,
    m.runs.c.user_id,
    m.runs.c.status,
    m.runs.c.start_time,
    m.runs.c.end_time,
    m.runs.c.lifecycle_stage,
    m.runs.c.artifact_uri,
)
_RUN_QUERY = select(*_RUN_INFO_COLUMNS).where(m.runs.c.run_id == bindparam("run_id"))


def _run_id_in_list(column, dialect: str) -> ColumnElement:
    """``column`` is one of the run ids bound as the single parameter ``run_ids``.

    One parameter however many ids (see ``_run_id_list``): SQLite reads a JSON array with
    json_each, PostgreSQL takes an array. A statement with one plain parameter can go
    straight to the driver (``_driver_rows``); an expanding IN (...) cannot, and
    SQLAlchemy's per-id processing of it cost more than the queries on a 1000-run page.
    """
    ids: BindParameter[object] = bindparam("run_ids")
    if dialect == "sqlite":
        return column.in_(select(literal_column("value")).select_from(func.json_each(ids)))
    return column == func.any(ids)


def _run_id_list(run_ids: list[str], dialect: str):
    """The value of the ``run_ids`` parameter of ``_run_id_in_list``."""
    return json.dumps(run_ids) if dialect == "sqlite" else list(run_ids)


class RunDataQueries(NamedTuple):
    """The data of a list of runs (see _runs_from_rows), built once per store."""

    params: Select
    tags: Select
    latest_metrics: Select
    inputs: Select  # with their datasets, in logging order
    outputs: Select  # the logged models the runs produced


def _run_data_queries(dialect: str) -> RunDataQueries:
    params, tags, latest = m.params.c, m.tags.c, m.latest_metrics.c
    outputs = m.run_model_outputs.c
    return RunDataQueries(
        params=select(params.run_id, params.key, params.value).where(
            _run_id_in_list(params.run_id, dialect)
        ),
        tags=select(tags.run_id, tags.key, tags.value).where(_run_id_in_list(tags.run_id, dialect)),
        latest_metrics=select(
            latest.run_id, latest.key, latest.value, latest.timestamp, latest.step, latest.is_nan
        ).where(_run_id_in_list(latest.run_id, dialect)),
        inputs=select(m.inputs.c.input_id, m.inputs.c.run_id, m.datasets)
        .join(m.datasets, m.datasets.c.dataset_id == m.inputs.c.dataset_id)
        .where(_run_id_in_list(m.inputs.c.run_id, dialect))
        .order_by(m.inputs.c.input_id),
        outputs=select(outputs.run_id, outputs.model_id, outputs.step).where(
            _run_id_in_list(outputs.run_id, dialect)
        ),
    )


# One metric's (value, timestamp, step, is_nan) in history order. The covering index
# ix_metrics_history answers it alone: no table lookups, no sort.
_HISTORY_QUERY = (
    select(m.metrics.c.value, m.metrics.c.timestamp, m.metrics.c.step, m.metrics.c.is_nan)
    .where(m.metrics.c.run_id == bindparam("run_id"), m.metrics.c.key == bindparam("key"))
    .order_by(m.metrics.c.step, m.metrics.c.timestamp, m.metrics.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


# The stored points of a run that a batch might repeat (see _points_not_stored), as
# (key, value, timestamp, step, is_nan) like a metric row without its run id.
_STORED_POINTS_QUERY = select(
    m.metrics.c.key, m.metrics.c.value, m.metrics.c.timestamp, m.metrics.c.step, m.metrics.c.is_nan
).where(
    m.metrics.c.run_id == bindparam("run_id"),
    m.metrics.c.key.in_(bindparam("keys", expanding=True)),
    m.metrics.c.step.between(bindparam("first_step"), bindparam("last_step")),
    m.metrics.c.timestamp.between(bindparam("first_timestamp"), bindparam("last_timestamp")),
)


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


def experiment_db_id(experiment_id: str | int) -> int:
    """The database id of an experiment id; RESOURCE_DOES_NOT_EXIST if none can have it."""
    number = integer_value(experiment_id)
    if number is None or not 0 <= number < m.INTEGER_LIMIT:
        raise not_found(f"No Experiment with id={preview(str(experiment_id))[1:-1]} exists")
    return number


def logged_model_not_found(model_id: object) -> TrackerError:
    """MLflow's answer for a logged model id that names none (of any form)."""
    return not_found(f"Logged model with ID {preview(model_id)} not found.")


def integer_value(value: str | int) -> int | None:
    """``value`` as an int if it is one or is ASCII decimal digits; None otherwise.

    Not ``int(text)``: that also reads '٣' (an Arabic-Indic three) and refuses more than
    4300 digits with an error of its own.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        return int(value)
    return None


def _history_metrics(key: str, rows) -> list[Metric]:
    """Metrics from (value, timestamp, step, is_nan) tuples of one key."""
    nan = math.nan
    return [
        Metric(key, nan if is_nan else value, timestamp, step)
        for value, timestamp, step, is_nan in rows
    ]


def _downsample(rows: Sequence[tuple], first_step: int, last_step: int, bucket_count: int):
    """Cut [first_step, last_step] into ``bucket_count`` equal step ranges and keep each
    range's first, last, lowest and highest point, in history order.

    ``rows`` are (value, timestamp, step, is_nan) in history order (step, timestamp, then
    logging order); a NaN's value is None. Lowest/highest: NaN counts as neither (it only
    wins a range of NaNs); among equal values the first in history order wins.

    Rows are in step order, so each range is a slice found by bisection, and its extremes
    come from the built-in min/max and index over its values: Python code runs per range,
    not per point (100k points: ~40 -> ~8 ms).
    """
    step_span = last_step - first_step + 1
    steps = [row[2] for row in rows]
    values = [row[0] for row in rows]
    kept: set[int] = set()
    start = 0
    for bucket in range(bucket_count):
        # The first step of the next range: the least s with (s - first_step) *
        # bucket_count // step_span > bucket, i.e. first_step + ceil((bucket + 1) * span / n).
        next_first_step = first_step - (-(bucket + 1) * step_span // bucket_count)
        end = bisect.bisect_left(steps, next_first_step, start)
        if end > start:
            kept.update((start, end - 1, *_extremes(values[start:end], start)))
        start = end
    return [rows[index] for index in sorted(kept)]


def _extremes(window: list, start: int) -> tuple[int, int]:
    """Row indexes of the lowest and highest value of ``window`` (rows[start:...])."""
    numbers = [value for value in window if value is not None] if None in window else window
    if not numbers:  # only NaNs: the first one stands for the range
        return start, start
    # index() finds the first equal value in history order (None is never equal).
    return start + window.index(min(numbers)), start + window.index(max(numbers))


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
        self._statements: dict = {}  # reusable statements, see _upsert and _bulk_insert
        self._run_data_queries = _run_data_queries(self.db.dialect)
        upgrade_database(self.db)
        self._ensure_default_experiment()

    # -- helpers -----------------------------------------------------------------------
    def _upsert(self, table, key_columns: list[str], update_columns: list[str], where=None):
        """``INSERT ... ON CONFLICT (keys) DO UPDATE`` for the current dialect.

        Built once per table and reused: constructing the ``excluded`` alias is costly
        enough to show up in log_batch timings.
        """
        cache_key = ("upsert", table.name)
        statement = self._statements.get(cache_key)
        if statement is None:
            insert_for_dialect = sqlite_insert if self.db.dialect == "sqlite" else postgresql_insert
            new = insert_for_dialect(table)
            statement = new.on_conflict_do_update(
                index_elements=key_columns,
                set_={name: new.excluded[name] for name in update_columns},
                where=where(new.excluded) if where else None,
            )
            self._statements[cache_key] = statement
        return statement

    def _driver_rows(self, conn: Connection, statement, params: dict) -> Sequence[tuple]:
        """The rows of a prebuilt ``statement`` as the driver's plain tuples.

        For long results (a 100k-point history) SQLAlchemy's Row objects and result
        processing cost more than the query itself. The statement is compiled once; values
        come back raw (booleans are 0/1 on SQLite), so keep this to simple columns.
        """
        cache_key = ("driver", id(statement))
        compiled = self._statements.get(cache_key)
        if compiled is None:
            compiled = statement.compile(dialect=self.db.engine.dialect)
            self._statements[cache_key] = compiled
        args: tuple | dict
        if compiled.positional:  # SQLite's "?" placeholders
            args = tuple(params[name] for name in compiled.positiontup)
        else:  # psycopg2's %(name)s placeholders
            args = params
        cursor = conn.connection.cursor()
        try:
            cursor.execute(str(compiled), args)
            return cursor.fetchall()
        finally:
            cursor.close()

    def _insert_ignoring_conflicts(self, table):
        insert_for_dialect = sqlite_insert if self.db.dialect == "sqlite" else postgresql_insert
        return insert_for_dialect(table).on_conflict_do_nothing()

    def _bulk_insert(
        self, conn: Connection, table, columns: tuple[str, ...], rows: list[tuple], statement=None
    ):
        """executemany of plain tuples with ``statement`` (default: a plain INSERT).

        On SQLite the statement is compiled once and handed to the driver as is, which
        skips SQLAlchemy's per-row parameter processing (about a third of log_batch's
        time). psycopg2 has no fast executemany, so there SQLAlchemy's batched
        "insertmanyvalues" path is the fast one.
        """
        # A table has one upsert statement at most (see _upsert), so this key is unique.
        cache_key = ("executemany", table.name, columns, statement is not None)
        statement = insert(table) if statement is None else statement
        if self.db.dialect != "sqlite":
            conn.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows])
            return
        sql = self._statements.get(cache_key)
        if sql is None:
            compiled = statement.values({c: None for c in columns}).compile(
                dialect=self.db.engine.dialect
            )
            # The driver gets the tuples as they are: their order must be the SQL's.
            assert compiled.positiontup == list(columns), compiled.positiontup
            sql = str(compiled)
            self._statements[cache_key] = sql
        conn.exec_driver_sql(sql, rows)

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

    def _experiment_row(self, conn: Connection, experiment_id: str | int):
        row = conn.execute(
            _EXPERIMENT_QUERY, {"experiment_id": experiment_db_id(experiment_id)}
        ).first()
        if row is None:
            raise not_found(f"No Experiment with id={experiment_id} exists")
        return row

    def _active_experiment_row(self, conn: Connection, experiment_id: str | int):
        row = self._experiment_row(conn, experiment_id)
        if row.lifecycle_stage != ACTIVE:  # MLflow's words
            raise invalid(
                f"The experiment {row.experiment_id} must be in the 'active' state. "
                f"Current state is {row.lifecycle_stage}."
            )
        return row

    def _experiments_from_rows(self, conn: Connection, rows) -> list[Experiment]:
        ids = [row.experiment_id for row in rows]
        tags_by_id: dict[int, dict[str, str]] = defaultdict(dict)
        for chunk in _chunks(ids):
            tag_rows = conn.execute(
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

    def _run_row(self, conn: Connection, run_id: str):
        """The run's ``_RUN_INFO_COLUMNS``; RESOURCE_DOES_NOT_EXIST if there is no such run."""
        row = conn.execute(_RUN_QUERY, {"run_id": run_id}).first()
        if row is None:
            raise not_found(f"Run with id={run_id} not found")
        return row

    def _active_run_row(self, conn: Connection, run_id: str, query=_RUN_STATE_QUERY):
        row = conn.execute(query, {"run_id": run_id}).first()
        if row is None:
            raise not_found(f"Run with id={run_id} not found")
        if row.lifecycle_stage != ACTIVE:
            raise invalid(  # MLflow's words
                f"The run {run_id} must be in the 'active' state. "
                f"Current state is {row.lifecycle_stage}."
            )
        return row

    @staticmethod
    def _run_info_from_row(row) -> RunInfo:
        """A RunInfo from a row of ``_RUN_INFO_COLUMNS`` (unpacked: faster than by name)."""
        run_id, experiment_id, name, user_id, status, start, end, stage, artifact_uri = row
        return RunInfo(
            run_id, str(experiment_id), name, user_id, status, start, end, stage, artifact_uri
        )

    @gc_paused()  # a page of 1000 runs is ~25k objects
    def _runs_from_rows(self, conn: Connection, rows) -> list[Run]:
        """Runs from rows of ``_RUN_INFO_COLUMNS``, with their data: one query per related
        table for all the runs, no N+1."""
        run_ids = [row[0] for row in rows]
        params: dict[str, dict[str, str]] = defaultdict(dict)
        tags: dict[str, dict[str, str]] = defaultdict(dict)
        metrics: dict[str, dict[str, Metric]] = defaultdict(dict)
        inputs: dict[str, list[DatasetInput]] = defaultdict(list)
        # Prebuilt statements run by the driver, rows unpacked as plain tuples: per-row
        # processing costs more than the queries (a 1000-run page is ~10k rows).
        ids = {"run_ids": _run_id_list(run_ids, self.db.dialect)}
        queries = self._run_data_queries
        for run_id, key, value in self._driver_rows(conn, queries.params, ids):
            params[run_id][key] = value
        for run_id, key, value in self._driver_rows(conn, queries.tags, ids):
            tags[run_id][key] = value
        nan = math.nan
        for run_id, key, value, timestamp, step, is_nan in self._driver_rows(
            conn, queries.latest_metrics, ids
        ):
            metrics[run_id][key] = Metric(key, nan if is_nan else value, timestamp, step)
        for run_id, dataset_input in self._dataset_inputs(conn, ids):
            inputs[run_id].append(dataset_input)
        outputs: dict[str, list[ModelOutput]] = defaultdict(list)
        for run_id, model_id, step in self._driver_rows(conn, queries.outputs, ids):
            outputs[run_id].append(ModelOutput(model_id, step))
        run_info = self._run_info_from_row
        return [
            Run(
                run_info(row),
                RunData(metrics.get(run_id, {}), params.get(run_id, {}), tags.get(run_id, {})),
                inputs.get(run_id, []),
                outputs.get(run_id, []),
            )
            for run_id, row in zip(run_ids, rows, strict=True)
        ]

    def _dataset_inputs(self, conn: Connection, ids: dict):
        """(run id, DatasetInput) of the runs in ``ids`` (a ``run_ids`` parameter)."""
        rows = conn.execute(self._run_data_queries.inputs, ids).all()
        if not rows:
            return []
        input_tags: dict[int, dict[str, str]] = defaultdict(dict)
        tag_rows = conn.execute(
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

    def search_experiments(
        self,
        view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
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
        with self.db.session() as conn:
            rows = conn.execute(query).all()
            experiments = self._experiments_from_rows(conn, rows[:max_results])
        return Page(experiments, _next_token(offset, max_results, len(rows)))

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
                self._upsert(m.experiment_tags, ["experiment_id", "key"], ["value"]).values(
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
            self._bulk_insert(conn, m.tags, ("run_id", "key", "value"), tag_rows)
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
            changes: dict[str, str | int] = {}
            if status is not None:
                changes["status"] = status
            if end_time is not None:
                changes["end_time"] = end_time
            if run_name:
                changes["name"] = run_name
                self._upsert_tags(conn, run_id, {RUN_NAME_TAG: run_name})
            if changes:
                conn.execute(update(m.runs).where(m.runs.c.run_id == run_id).values(changes))
            return self._run_info_from_row(self._run_row(conn, run_id))

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
            run_query = _RUN_STATE_FOR_UPDATE if skip_duplicate_points else _RUN_STATE_QUERY
            self._active_run_row(conn, run_id, run_query)
            if batch_id is not None and not self._claim_batch_id(conn, run_id, batch_id, digest):
                return  # this batch was applied before: a retry
            if params:
                self._insert_params(conn, run_id, params)
            if tags:
                self._upsert_tags(conn, run_id, {tag.key: tag.value for tag in tags})
            if metrics:
                self._insert_metrics(conn, run_id, metrics, skip_duplicate_points)
            if model_metrics:
                self._insert_model_metrics(conn, run_id, model_metrics)

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
            self._bulk_insert(conn, m.params, ("run_id", "key", "value"), rows)

    def _upsert_tags(self, conn: Connection, run_id: str, tags: dict[str, str]) -> None:
        # Deduplicated by the dict (last value wins): one statement may not update a row twice.
        self._bulk_insert(
            conn,
            m.tags,
            ("run_id", "key", "value"),
            [(run_id, k, v) for k, v in tags.items()],
            statement=self._upsert(m.tags, ["run_id", "key"], ["value"]),
        )
        if RUN_NAME_TAG in tags:  # keep runs.name in step with its tag
            conn.execute(
                update(m.runs).where(m.runs.c.run_id == run_id).values(name=tags[RUN_NAME_TAG])
            )

    _METRIC_COLUMNS = ("run_id", "key", "value", "timestamp", "step", "is_nan")

    def _insert_metrics(
        self, conn: Connection, run_id: str, metrics: list[Metric], skip_duplicates: bool = False
    ) -> None:
        rows = []
        for metric in metrics:
            value = float(metric.value)
            is_nan = value != value  # NaN is stored as NULL + flag (SQLite has no NaN)
            rows.append(
                (
                    run_id,
                    metric.key,
                    None if is_nan else value,
                    int(metric.timestamp),
                    int(metric.step or 0),
                    is_nan,
                )
            )
        if skip_duplicates:
            rows = self._points_not_stored(conn, run_id, rows)
            if not rows:
                return
        latest: dict[str, tuple] = {}
        for row in rows:
            # "Latest" is the highest step, then the highest timestamp; on a full tie the
            # point logged last wins.
            best = latest.get(row[1])
            if best is None or (row[4], row[3]) >= (best[4], best[3]):
                latest[row[1]] = row
        self._bulk_insert(conn, m.metrics, self._METRIC_COLUMNS, rows)
        current = m.latest_metrics.c
        upsert_latest = self._upsert(
            m.latest_metrics,
            ["run_id", "key"],
            ["value", "timestamp", "step", "is_nan"],
            where=lambda new: or_(
                new.step > current.step,
                and_(new.step == current.step, new.timestamp >= current.timestamp),
            ),
        )
        self._bulk_insert(
            conn, m.latest_metrics, self._METRIC_COLUMNS, list(latest.values()), upsert_latest
        )

    def _points_not_stored(self, conn: Connection, run_id: str, rows: list[tuple]) -> list[tuple]:
        """``rows`` (metric rows of one run) less exact repeats: of an earlier row, and of
        a point the run already has.

        Stored points are read in one query bounded by the batch's keys, steps and
        timestamps: the ix_metrics_history index seeks (run_id, key) and scans the step
        range. A new batch (later steps or times than anything stored) reads nothing.
        NaN rows compare equal here because NaN is NULL plus a flag.
        """
        unique = list(dict.fromkeys(rows))
        _, keys, _, timestamps, steps, _ = zip(*unique, strict=True)
        stored = {
            tuple(point)
            for point in conn.execute(
                _STORED_POINTS_QUERY,
                {
                    "run_id": run_id,
                    "keys": sorted(set(keys)),
                    "first_step": min(steps),
                    "last_step": max(steps),
                    "first_timestamp": min(timestamps),
                    "last_timestamp": max(timestamps),
                },
            )
        }
        if not stored:
            return unique
        return [row for row in unique if row[1:] not in stored]

    def _insert_model_metrics(
        self, conn: Connection, run_id: str, links: list[LoggedModelMetric]
    ) -> None:
        """Rows of ``logged_model_metrics`` for points of a batch, less exact repeats (of an
        earlier link of the batch or a stored one). Only batches that link points pay for
        this: after ``log_model`` or ``evaluate``, a few points each."""
        model_ids = sorted({link.model_id for link in links})
        found = set(
            conn.execute(
                select(m.logged_models.c.model_id).where(m.logged_models.c.model_id.in_(model_ids))
            ).scalars()
        )
        for model_id in model_ids:
            if model_id not in found:
                raise logged_model_not_found(model_id)
        rows = []
        for link in links:
            value = float(link.value)
            is_nan = value != value
            rows.append(
                (
                    link.model_id,
                    run_id,
                    link.key,
                    None if is_nan else value,
                    int(link.timestamp),
                    int(link.step or 0),
                    is_nan,
                    link.dataset_name,
                    link.dataset_digest,
                )
            )
        rows = list(dict.fromkeys(rows))
        columns = m.LOGGED_MODEL_METRIC_COLUMNS
        table = m.logged_model_metrics.c
        _, _, keys, _, timestamps, steps, *_ = zip(*rows, strict=True)
        stored = {
            tuple(row)
            for row in conn.execute(
                select(*(table[name] for name in columns)).where(
                    table.model_id.in_(model_ids),
                    table.key.in_(sorted(set(keys))),
                    table.timestamp.between(min(timestamps), max(timestamps)),
                    table.step.between(min(steps), max(steps)),
                    table.run_id == run_id,
                )
            )
        }
        rows = [row for row in rows if row not in stored]
        if rows:
            self._bulk_insert(conn, m.logged_model_metrics, columns, rows)

    def delete_tag(self, run_id: str, key: str) -> None:
        with self.db.session(write=True) as conn:
            self._active_run_row(conn, run_id)
            result = conn.execute(
                delete(m.tags).where(m.tags.c.run_id == run_id, m.tags.c.key == key)
            )
            if result.rowcount == 0:
                raise not_found(f"No tag with key '{key}' on run {run_id}")

    def log_inputs(self, run_id: str, datasets: list[DatasetInput]) -> None:
        with self.db.session(write=True) as conn:
            run = self._active_run_row(conn, run_id)
            for dataset_input in datasets:
                dataset_id = self._dataset_id(conn, run.experiment_id, dataset_input.dataset)
                input_id = conn.execute(
                    select(m.inputs.c.input_id).where(
                        m.inputs.c.dataset_id == dataset_id, m.inputs.c.run_id == run_id
                    )
                ).scalar()
                if input_id is None:
                    input_id = conn.execute(
                        insert(m.inputs)
                        .values(dataset_id=dataset_id, run_id=run_id)
                        .returning(m.inputs.c.input_id)
                    ).scalar_one()
                if dataset_input.tags:
                    conn.execute(
                        self._upsert(m.input_tags, ["input_id", "key"], ["value"]),
                        [
                            {"input_id": input_id, "key": k, "value": v}
                            for k, v in dataset_input.tags.items()
                        ],
                    )

    def _dataset_id(self, conn: Connection, experiment_id: int, dataset: Dataset) -> int:
        """The id of this (name, digest) in the experiment, creating the dataset if new."""
        existing = conn.execute(
            select(m.datasets.c.dataset_id).where(
                m.datasets.c.experiment_id == experiment_id,
                m.datasets.c.name == dataset.name,
                m.datasets.c.digest == dataset.digest,
            )
        ).scalar()
        if existing is not None:
            return existing
        return conn.execute(
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
    @gc_paused()  # 100k points are 100k tuples, then 100k Metrics
    def get_metric_history(
        self, run_id: str, key: str, max_results: int | None = None, page_token: str | None = None
    ) -> Page[Metric]:
        if max_results is not None and (type(max_results) is not int or max_results < 1):
            raise invalid(f"max_results must be a positive integer, got {max_results!r}")
        offset = decode_page_token(page_token)
        if max_results is not None:  # a page of any size: MLflow's history has no limit
            max_results = min(max_results, INT64_MAX - 1)
        limit = None if max_results is None else max_results + 1  # +1: is there more?
        with self.db.session() as conn:
            self._run_row(conn, run_id)
            rows = self._history_rows(conn, run_id, key, limit, offset)
        if max_results is None:
            return Page(_history_metrics(key, rows))
        return Page(
            _history_metrics(key, rows[:max_results]),
            _next_token(offset, max_results, len(rows)),
        )

    @gc_paused()
    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        if not isinstance(max_points, int) or max_points < 4:
            raise invalid(f"max_points must be an integer >= 4, got {max_points!r}")
        with self.db.session() as conn:
            self._run_row(conn, run_id)
            rows = self._history_rows(conn, run_id, key)
        if len(rows) > max_points:
            # In Python over the ordered points: cheaper than ranking them with window
            # functions in the database.
            first_step, last_step = rows[0][2], rows[-1][2]
            rows = _downsample(rows, first_step, last_step, max_points // 4)
        return _history_metrics(key, rows)

    def _history_rows(
        self,
        conn: Connection,
        run_id: str,
        key: str,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[tuple]:
        """(value, timestamp, step, is_nan) of one metric, in history order."""
        if limit is None and self.db.dialect == "sqlite":
            limit = -1  # SQLite's "no limit" (PostgreSQL's is NULL)
        params = {"run_id": run_id, "key": key, "limit": limit, "offset": offset}
        return self._driver_rows(conn, _HISTORY_QUERY, params)

    # -- search ------------------------------------------------------------------------
    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
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
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[OrderBy] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        """``search_runs`` with the filter and order already parsed."""
        _check_max_results(max_results)
        offset = decode_page_token(page_token)
        ids = [experiment_db_id(experiment_id) for experiment_id in experiment_ids]
        query = select(*_RUN_INFO_COLUMNS).where(m.runs.c.experiment_id.in_(ids))
        lifecycle = _lifecycle_condition(m.runs.c.lifecycle_stage, run_view_type)
        if lifecycle is not None:
            query = query.where(lifecycle)
        for comparison in comparisons:
            query = query.where(search_sql.run_condition(comparison, self.db.dialect))
        query = search_sql.apply_run_order(query, order_by or [])
        query = query.offset(offset).limit(max_results + 1)
        with self.db.session() as conn:
            rows = conn.execute(query).all()
            runs = self._runs_from_rows(conn, rows[:max_results])
        return Page(runs, _next_token(offset, max_results, len(rows)))

    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        ids = [experiment_db_id(experiment_id) for experiment_id in experiment_ids]
        runs_of_experiments = select(m.runs.c.run_id).where(m.runs.c.experiment_id.in_(ids))
        keys = {}
        with self.db.session() as conn:
            for name, table in (
                ("metrics", m.latest_metrics),
                ("params", m.params),
                ("tags", m.tags),
            ):
                keys[name] = list(
                    conn.execute(
                        select(table.c.key)
                        .where(table.c.run_id.in_(runs_of_experiments))
                        .distinct()
                        .order_by(table.c.key)
                    ).scalars()
                )
        return keys

    def dataset_summaries(self, experiment_ids: list[str], limit: int) -> list[DatasetSummary]:
        datasets, inputs, input_tags = m.datasets.c, m.inputs.c, m.input_tags.c
        context = input_tags.value.label("context")
        query = (
            select(datasets.experiment_id, datasets.name, datasets.digest, context)
            .select_from(m.datasets)
            .join(m.inputs, inputs.dataset_id == datasets.dataset_id)
            .outerjoin(
                m.input_tags,
                (input_tags.input_id == inputs.input_id)
                & (input_tags.key == search_sql.DATASET_CONTEXT_TAG),
            )
            .where(datasets.experiment_id.in_([experiment_db_id(e) for e in experiment_ids]))
            .distinct()
            .order_by(datasets.experiment_id, datasets.name, datasets.digest, context)
            .limit(limit)
        )
        with self.db.session() as conn:
            return [
                DatasetSummary(str(row.experiment_id), row.name, row.digest, row.context)
                for row in conn.execute(query)
            ]

    def heartbeat(self, run_ids: list[str], now: int) -> list[str]:
        runs = m.runs.c
        with self.db.session(write=True) as conn:
            beaten = conn.execute(
                update(m.runs)
                .where(_run_id_in_list(runs.run_id, self.db.dialect), runs.status == "RUNNING")
                .values(last_heartbeat=now)
                .returning(runs.run_id),
                {"run_ids": _run_id_list(list(run_ids), self.db.dialect)},
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

    def close(self) -> None:
        self.db.dispose()
