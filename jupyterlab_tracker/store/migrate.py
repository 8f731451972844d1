"""Create or upgrade the database schema when a store opens (Alembic, no alembic.ini).

Several processes may open a fresh database at the same moment (the Jupyter server and a
few kernels). Each checks the schema version first (cheap, no lock); if it is behind,
the upgrade runs inside one write transaction that holds a lock: ``BEGIN IMMEDIATE`` on
SQLite, a transaction-scoped advisory lock on PostgreSQL. DDL is transactional on both,
so the losers wait, then find the schema at head and do nothing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from .db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constant naming "the tracker's schema migration" among advisory locks.
_PG_MIGRATION_LOCK_ID = 7_307_421_001


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"No migrations in {MIGRATIONS_DIR}")
    return head


def current_revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(db: Database) -> None:
    head = head_revision()
    with db.engine.connect() as connection:
        if current_revision(connection) == head:
            return
    with db.write_connection() as connection:
        if db.dialect == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_MIGRATION_LOCK_ID}
            )
        # Another process may have finished the upgrade while we waited for the lock.
        if current_revision(connection) == head:
            return
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
