"""Engine and transaction helper: the only place that knows about connections.

SQLite (the default, embedded in the Jupyter server and in kernels at the same time) is
set up so that several processes can write without ever reporting "database is locked":

- WAL journal: readers never block the writer and the writer never blocks readers;
- ``busy_timeout``: a writer waits for the lock instead of failing;
- write transactions start with ``BEGIN IMMEDIATE``: the write lock is taken up front.
  A deferred transaction that reads first and writes later must *upgrade* its lock, and
  SQLite answers a contended upgrade with SQLITE_BUSY right away (busy_timeout cannot
  help, waiting could deadlock). Taking the lock at BEGIN makes writers simply queue.
- ``foreign_keys=ON`` (off by default in SQLite) and ``synchronous=NORMAL`` (durable
  enough with WAL, and much faster than FULL).
- ``wal_autocheckpoint=4000`` pages (16 MB of WAL, SQLite's default is 1000): with
  synchronous=NORMAL, commits do not fsync but checkpoints do, twice; at the default they
  were half the time of creating 1000 runs. Fewer, larger checkpoints halve that.

PostgreSQL needs none of this; its URLs (``postgresql://``) go to psycopg2.

When the database itself fails (disk full, read-only file, server gone), ``session``
raises ``TrackerError(TEMPORARILY_UNAVAILABLE)`` saying so: HTTP 503 on the server,
retried with backoff by clients, never a bare driver traceback. The transaction is rolled
back, so nothing is half-written. A query the database refuses for its size (SQLite's
expression depth or join limit, PostgreSQL's program limits) is the request's doing, not
an outage: ``INVALID_PARAMETER_VALUE``, which clients do not retry.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ..errors import TEMPORARILY_UNAVAILABLE, TrackerError, invalid

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 4000
# Execution option read by the "begin" hook: how to open a SQLite transaction.
_SQLITE_BEGIN = "tracker_sqlite_begin"

# Driver messages worth a plain-words explanation (SQLite's, then PostgreSQL's).
_UNAVAILABLE_REASONS = {
    "database or disk is full": "the disk (or the database's size limit) is full",
    "readonly database": "the database is read-only",
    "database is locked": "the database stayed locked by another writer",
    "disk i/o error": "the disk reported an I/O error",
    "unable to open database file": "the database file cannot be opened",
    "no space left on device": "the disk is full",
    "could not extend file": "the disk is full",
    "read-only transaction": "the database is read-only",
    "connection": "the database server cannot be reached",
}


# SQLite's messages for a statement beyond its limits; PostgreSQL's SQLSTATE class for the
# same ("program limit exceeded": statement too complex, too many columns or arguments).
# The search limits in service/validation.py keep requests below them; this is the backstop.
_QUERY_TOO_LARGE = (
    "expression tree is too large",
    "tables in a join",
    "too many sql variables",
    "too many terms",
    "too many from clause terms",
    "too many columns",
    "too many arguments",
    "parser stack overflow",
    "pattern too complex",
)
_PG_PROGRAM_LIMIT_EXCEEDED = "54"

log = logging.getLogger(__name__)


def _first_line(error: Exception) -> str:
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [""])[0]


def database_error(error: Exception) -> TrackerError:
    """The TrackerError for an error the database driver raised during a transaction."""
    detail = _first_line(error)
    sqlstate = getattr(getattr(error, "orig", None) or error, "pgcode", None) or ""
    if sqlstate.startswith(_PG_PROGRAM_LIMIT_EXCEEDED) or any(
        text in detail.lower() for text in _QUERY_TOO_LARGE
    ):
        # The limits in front of the store should have refused the request: say so in the
        # log, since a limit is then too loose.
        log.warning("A query was too large for the database: %s", detail)
        return invalid(
            f"The query is too large for the database ({detail}): use fewer filter clauses, "
            "IN (...) values or order_by keys"
        )
    return unavailable_error(error)


def unavailable_error(error: Exception) -> TrackerError:
    """The TrackerError for a database failure that the request itself did not cause."""
    detail = _first_line(error)
    reason = next(
        (text for key, text in _UNAVAILABLE_REASONS.items() if key in detail.lower()),
        "the database reported an error",
    )
    return TrackerError(
        f"The tracking database cannot be used: {reason} ({detail}). Nothing was written; "
        "retry once it is fixed.",
        TEMPORARILY_UNAVAILABLE,
    )


def _ensure_sqlite_directory(url) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _switch_to_wal(cursor) -> None:
    """``PRAGMA journal_mode=WAL``, waiting while another process holds the database.

    Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is
    locked" at once, without its busy handler, while another process (a kernel opening
    the same new store) is creating the schema. WAL is persistent: once any process has
    switched the file, the pragma finds it done.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" hook issue BEGIN itself (pysqlite's own implicit
        # BEGIN is always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get(_SQLITE_BEGIN, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_tracker_engine(db_uri: str) -> Engine:
    url = make_url(db_uri)
    if url.get_backend_name() == "sqlite":
        _ensure_sqlite_directory(url)
        engine = create_engine(
            url,
            # pysqlite's own timeout is its busy handler too; keep both in agreement.
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _install_sqlite_hooks(engine)
        return engine
    if url.get_backend_name() == "postgresql":
        if url.drivername == "postgresql":
            # SQLAlchemy 2.1 defaults to psycopg 3; the tracker depends on psycopg2.
            url = url.set(drivername="postgresql+psycopg2")
        return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
    return create_engine(url)


class Database:
    """An engine plus the one transaction helper every store method uses.

    ``transaction()`` makes several store calls one transaction: every ``session`` opened
    inside it, by any store on this database in the same thread, joins it.
    """

    def __init__(self, db_uri: str):
        self.engine = create_tracker_engine(db_uri)
        self.dialect = self.engine.dialect.name
        # Same pool, but transactions begin IMMEDIATE on SQLite (ignored elsewhere).
        self._write_engine = self.engine.execution_options(**{_SQLITE_BEGIN: "IMMEDIATE"})
        # Raised as is by the store's raw-cursor fast paths (not wrapped by SQLAlchemy).
        self._driver_operational_error = self.engine.dialect.loaded_dbapi.OperationalError
        self._shared = threading.local()  # .connection: the transaction() under way

    @contextlib.contextmanager
    def session(self, write: bool = False) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises.

        Pass ``write=True`` for anything that writes, so SQLite takes the write lock at
        BEGIN (see the module docstring). It yields a Core ``Connection``: the store runs
        Core statements only, and skipping the ORM Session halves per-statement overhead.
        Inside ``transaction()`` it yields that transaction's connection instead.
        """
        shared = getattr(self._shared, "connection", None)
        if shared is not None:
            yield shared
            return
        bind = self._write_engine if write else self.engine
        try:
            with bind.begin() as connection:
                yield connection
        except (OperationalError, self._driver_operational_error) as error:
            raise database_error(error) from error

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction around several store calls (a service's one user action):
        all of them commit together when the block ends, or none if it raises. Nested
        ones join the outer one."""
        if getattr(self._shared, "connection", None) is not None:
            yield
            return
        with self.session(write=True) as connection:
            self._shared.connection = connection
            try:
                yield
            finally:
                self._shared.connection = None

    @contextlib.contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A write transaction for schema migrations (same as ``session(write=True)``)."""
        with self.session(write=True) as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
