"""Run heartbeats: ``runs.last_heartbeat``, so the server can tell a dead client's run.

A client sends a heartbeat for each of its RUNNING runs every few seconds; the server
marks a RUNNING run KILLED when its last heartbeat is older than a timeout. Runs that
never sent one (older clients, the MLflow REST surface) keep NULL and are left alone.
The index serves the reaper's query (RUNNING runs with an old heartbeat).

Revision ID: 0004_run_heartbeat
Revises: 0003_metric_history_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_run_heartbeat"
down_revision = "0003_metric_history_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("last_heartbeat", sa.BigInteger, nullable=True))
    op.create_index("ix_runs_status_heartbeat", "runs", ["status", "last_heartbeat"])


def downgrade() -> None:
    op.drop_index("ix_runs_status_heartbeat", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("last_heartbeat")
