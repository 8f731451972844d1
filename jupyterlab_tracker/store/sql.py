"""The SQL toolkit every store shares (tracking, logged models, registry).

Transactions are ``Database.session`` / ``Database.transaction`` (``db.py``); page tokens
are ``paging.py``. Here: ids read from requests, IN (...) lists in chunks, the dialect's
INSERT variants, and ``Statements``, the hot-path statements built and compiled once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..errors import not_found, preview
from . import models as m
from .db import Database

# Keeps every IN (...) list well under SQLite's bound-parameter limit.
IN_CHUNK = 500


# -- ids from requests -----------------------------------------------------------------
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


def experiment_db_id(experiment_id: str | int) -> int:
    """The database id of an experiment id; RESOURCE_DOES_NOT_EXIST if none can have it."""
    number = integer_value(experiment_id)
    if number is None or not 0 <= number < m.INTEGER_LIMIT:
        raise not_found(f"No Experiment with id={preview(str(experiment_id))[1:-1]} exists")
    return number


# -- lookups several stores make ---------------------------------------------------------
RUN_STATE_QUERY = select(m.runs.c.run_id, m.runs.c.experiment_id, m.runs.c.lifecycle_stage).where(
    m.runs.c.run_id == bindparam("run_id")
)


def run_state(conn: Connection, run_id: str, query=RUN_STATE_QUERY):
    """The run's (run_id, experiment_id, lifecycle_stage); RESOURCE_DOES_NOT_EXIST if
    there is no such run."""
    row = conn.execute(query, {"run_id": run_id}).first()
    if row is None:
        raise not_found(f"Run with id={run_id} not found")
    return row


# -- IN (...) lists ----------------------------------------------------------------------
def chunks(items: list, size: int = IN_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def select_in(conn: Connection, query, column, values: list, size: int = IN_CHUNK):
    """Rows of ``query`` where ``column`` is in ``values``, in chunks of bound parameters."""
    for chunk in chunks(values, size):
        yield from conn.execute(query.where(column.in_(chunk)))


def run_id_in_list(column, dialect: str) -> ColumnElement:
    """``column`` is one of the run ids bound as the single parameter ``run_ids``.

    One parameter however many ids (see ``run_id_list``): SQLite reads a JSON array with
    json_each, PostgreSQL takes an array. A statement with one plain parameter can go
    straight to the driver (``Statements.driver_rows``); an expanding IN (...) cannot, and
    SQLAlchemy's per-id processing of it cost more than the queries on a 1000-run page.
    """
    ids: BindParameter[Any] = bindparam("run_ids")
    if dialect == "sqlite":
        return column.in_(select(literal_column("value")).select_from(func.json_each(ids)))
    return column == func.any(ids)


def run_id_list(run_ids: list[str], dialect: str):
    """The value of the ``run_ids`` parameter of ``run_id_in_list``."""
    return json.dumps(run_ids) if dialect == "sqlite" else list(run_ids)


# -- the dialect's INSERT ----------------------------------------------------------------
def dialect_insert(dialect: str, table):
    """The INSERT of ``dialect`` that knows ON CONFLICT (SQLite's or PostgreSQL's)."""
    return (sqlite_insert if dialect == "sqlite" else postgresql_insert)(table)


def insert_ignoring_conflicts(dialect: str, table):
    return dialect_insert(dialect, table).on_conflict_do_nothing()


class OnDatabase:
    """A store on a ``Database``: its ``transaction()`` is the database's."""

    db: Database

    def transaction(self) -> AbstractContextManager[None]:
        return self.db.transaction()


class Statements:
    """Statements of one database built (and compiled) once and reused: on SQLite,
    constructing a statement costs more than running it."""

    def __init__(self, db: Database):
        self.db = db
        self._cache: dict = {}

    def upsert(self, table, key_columns: list[str], update_columns: list[str], where=None):
        """``INSERT ... ON CONFLICT (keys) DO UPDATE`` for the current dialect.

        Built once per table and reused: constructing the ``excluded`` alias is costly
        enough to show up in log_batch timings.
        """
        cache_key = ("upsert", table.name)
        statement = self._cache.get(cache_key)
        if statement is None:
            new = dialect_insert(self.db.dialect, table)
            statement = new.on_conflict_do_update(
                index_elements=key_columns,
                set_={name: new.excluded[name] for name in update_columns},
                where=where(new.excluded) if where else None,
            )
            self._cache[cache_key] = statement
        return statement

    def driver_rows(self, conn: Connection, statement, params: dict) -> Sequence[Any]:
        """The rows of a prebuilt ``statement`` as the driver's plain tuples.

        For long results (a 100k-point history) SQLAlchemy's Row objects and result
        processing cost more than the query itself. The statement is compiled once; values
        come back raw (booleans are 0/1 on SQLite), so keep this to simple columns.
        """
        cache_key = ("driver", id(statement))
        compiled = self._cache.get(cache_key)
        if compiled is None:
            compiled = statement.compile(dialect=self.db.engine.dialect)
            self._cache[cache_key] = compiled
        args: tuple[Any, ...] | dict[str, Any]
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

    def bulk_insert(
        self, conn: Connection, table, columns: tuple[str, ...], rows: list[tuple], statement=None
    ) -> None:
        """executemany of plain tuples with ``statement`` (default: a plain INSERT).

        On SQLite the statement is compiled once and handed to the driver as is, which
        skips SQLAlchemy's per-row parameter processing (about a third of log_batch's
        time). psycopg2 has no fast executemany, so there SQLAlchemy's batched
        "insertmanyvalues" path is the fast one.
        """
        # A table has one upsert statement at most (see upsert), so this key is unique.
        cache_key = ("executemany", table.name, columns, statement is not None)
        statement = insert(table) if statement is None else statement
        if self.db.dialect != "sqlite":
            conn.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows])
            return
        sql = self._cache.get(cache_key)
        if sql is None:
            compiled = statement.values({c: None for c in columns}).compile(
                dialect=self.db.engine.dialect
            )
            # The driver gets the tuples as they are: their order must be the SQL's.
            assert compiled.positiontup == list(columns), compiled.positiontup
            sql = str(compiled)
            self._cache[cache_key] = sql
        conn.exec_driver_sql(sql, rows)
