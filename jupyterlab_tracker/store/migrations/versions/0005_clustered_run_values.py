"""SQLite: params, tags and latest_metrics become WITHOUT ROWID tables.

Search reads these by (run_id, key): a filter probes one row per run, a page of results
reads every row of its runs. In an ordinary SQLite table that is two B-tree searches per
row (the primary-key index, then the table by rowid); clustered on the primary key it is
one, and a run's rows sit together. Measured on 1000 runs (10 params, 10 metrics, 5 tags
each): reading a 434-run page's data and filtering/sorting it went from 7.3 to 5.8 ms.
PostgreSQL has no such table kind (its tables are heaps); nothing changes there.

Rebuilding copies each table once, with its foreign key, unique key and indexes.

Revision ID: 0005_clustered_run_values
Revises: 0004_run_heartbeat
"""

from alembic import op

revision = "0005_clustered_run_values"
down_revision = "0004_run_heartbeat"
branch_labels = None
depends_on = None

TABLES = ("params", "tags", "latest_metrics")


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ):
            pass


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
